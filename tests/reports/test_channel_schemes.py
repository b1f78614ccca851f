"""Notices are posted over http(s) only: a webhook's URLField also admits ftp://,
and urllib would open file:// addresses too."""

import pytest

from reports.escalation.channels import PermanentDeliveryError, _post


@pytest.mark.parametrize("url", ["ftp://hook.example.test/in", "file:///etc/passwd"])
def test_a_notice_is_never_posted_to_anything_but_http(url):
    with pytest.raises(PermanentDeliveryError, match="not an http"):
        _post(url, body=b"{}", headers={})
