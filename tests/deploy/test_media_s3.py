"""MEDIA_STORAGE=s3: uploads go to a private bucket of an S3-compatible server
(moto's, on loopback), report photos under report-photos/, and come back."""

import os
import subprocess
import sys

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.deploy.stack import BASE_DIR
from tests.reports.escalation.servers import free_port

BUCKET = "tuquan-media"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
SCRIPT = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from reports.storage import report_photo_storage
photos = report_photo_storage()
photo = photos.save("p.jpg", ContentFile(b"photo-bytes"))
document = default_storage.save("documents/d.pdf", ContentFile(b"%PDF-document"))
read = photos.open(photo).read().decode(), default_storage.open(document).read().decode()
print(photo, document, *read)
try:
    photos.url(photo)
except NotImplementedError:
    print("no-url")
"""


@pytest.fixture
def s3_server():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


def test_media_in_s3_stay_private_and_photos_have_no_url(s3_server, tmp_path):
    endpoint, client = s3_server
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "MEDIA_STORAGE": "s3",
            "MEDIA_ROOT": str(tmp_path / "unused"),
            "MEDIA_S3_BUCKET": BUCKET,
            "MEDIA_S3_ENDPOINT_URL": endpoint,
            "MEDIA_S3_REGION": "us-east-1",
            "MEDIA_S3_ACCESS_KEY_ID": "testing",
            "MEDIA_S3_SECRET_ACCESS_KEY": "testing",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "no-url"
    photo, document, photo_bytes, document_bytes = lines[-2].split()
    assert (photo_bytes, document_bytes) == ("photo-bytes", "%PDF-document")

    keys = {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {f"report-photos/{photo}", document}
    for key in keys:
        grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
        assert not [g for g in grants if "AllUsers" in str(g.get("Grantee", {}).get("URI", ""))]
    # Nothing was written to the local disk.
    assert not (tmp_path / "unused").exists()
