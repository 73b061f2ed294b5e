"""The one limit on uploaded files (reference lists, imports), checked by every door and service."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def check_upload_size(size: int, field: str = "file") -> None:
    """Refuse a file over the limit before it is read into memory (``ValidationError`` on ``field``)."""
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {field: ValidationError(_("the file is larger than 50 MB"), code="too_large")}
        )
