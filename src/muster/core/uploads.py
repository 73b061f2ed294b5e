"""The one limit on uploaded files (reference lists, imports), checked by every door and service;
the one check of an uploaded photo (a person's, a tracing request's)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def check_upload_size(size: int, field: str = "file") -> None:
    """Refuse a file over the limit before it is read into memory (``ValidationError`` on ``field``)."""
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {field: ValidationError(_("the file is larger than 50 MB"), code="too_large")}
        )


# Photos: JPEG or PNG as a browser's canvas writes them; a reception photo is well under this.
PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
MAX_PHOTO_BYTES = 2 * 1024 * 1024


def photo_type(data: bytes) -> str:
    """The content type of a photo, JPEG or PNG of at most 2 MB; else ``ValidationError`` (with a
    code) saying what is wrong, for the caller to put on its field."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError(_("the photo is larger than 2 MB"), code="too_large")
    content_type = next((t for magic, t in PHOTO_TYPES.items() if data.startswith(magic)), None)
    if content_type is None:
        raise ValidationError(_("the photo must be a JPEG or PNG image"), code="not_an_image")
    return content_type
