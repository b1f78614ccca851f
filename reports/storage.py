"""Where report photos are kept: private files that no URL points to.

Photos may show the reporter's home or face, so the web server never serves
them directly; the report views read them through this storage after checking
``visible_to``. Use ``FileField(storage=report_photo_storage)``: a callable keeps
the directory out of migrations.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.functional import cached_property

PHOTO_DIRECTORY = "report-photos"


class ReportPhotoStorage(FileSystemStorage):
    """MEDIA_ROOT/report-photos, readable by the application's user only."""

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    # Read from settings on use, not at import, so a changed MEDIA_ROOT
    # (deployment, tests) is followed; FileSystemStorage drops these cached
    # values when MEDIA_ROOT changes.
    @cached_property
    def base_location(self) -> str:
        return os.path.join(settings.MEDIA_ROOT, PHOTO_DIRECTORY)

    @cached_property
    def base_url(self) -> None:
        return None

    def url(self, name: str | None) -> str:
        raise NotImplementedError(
            "Report photos have no public URL; serve them through a view that "
            "checks the report's visibility."
        )


_storage = ReportPhotoStorage()
_s3_storage = None


def report_photo_storage() -> Storage:
    """MEDIA_ROOT/report-photos, or report-photos/ in the private bucket (MEDIA_STORAGE=s3)."""
    global _s3_storage
    if settings.MEDIA_STORAGE != "s3":
        return _storage
    if _s3_storage is None:
        from storages.backends.s3 import S3Storage

        class ReportPhotoS3Storage(S3Storage):
            def url(self, name, *args, **kwargs):
                return ReportPhotoStorage.url(self, name)

        _s3_storage = ReportPhotoS3Storage(location=PHOTO_DIRECTORY, **settings.MEDIA_S3_OPTIONS)
    return _s3_storage
