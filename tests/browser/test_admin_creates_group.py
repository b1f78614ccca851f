import re

import pytest

from groups.models import SelfManagementGroup, User
from tests.accounts.signing_in import code_on, phone_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_admin_signs_in_and_creates_a_group(desktop_page, ward_a, five_families):
    User.objects.create_superuser(
        username="admin", password="tuquan-demo", role=User.Role.PROVINCE_ADMIN
    )
    page = desktop_page
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )

    admin = User.objects.get(username="admin")
    phone = phone_of(admin)

    # The admin sends to the site's sign-in, password then the code from the phone.
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))
    page.fill("#id_username", "admin")
    page.fill("#id_password", "tuquan-demo")
    page.press("#id_password", "Enter")
    page.wait_for_url("**/accounts/login/code/")
    page.fill("#id_token", code_on(phone))
    page.press("#id_token", "Enter")
    page.wait_for_selector("#site-name")

    page.goto("/admin/groups/selfmanagementgroup/add/")
    page.fill("#id_name", "Tổ tự quản khu phố 3")
    # The ward is picked through the admin's autocomplete (select2).
    page.click(".field-ward .select2-selection")
    page.fill(".select2-search__field", "Hạ Long")
    page.click(".select2-results__option >> text=Phường Hạ Long")
    # Model kinds through the two-box filter widget.
    page.select_option("#id_model_types_from", label=str(five_families))
    page.click("#id_model_types_add")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    group = SelfManagementGroup.objects.get(name="Tổ tự quản khu phố 3")
    assert group.ward == ward_a
    assert list(group.model_types.all()) == [five_families]
    assert csp_violations == []
