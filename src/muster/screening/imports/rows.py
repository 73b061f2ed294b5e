"""What the readers share: a row's error, the parsed list, the refusals."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from muster.core.text import isolate

ARABIC = re.compile("[\u0600-\u06ff]")
KUNYA = re.compile(r"^(abu|abou|abo|umm|um|ابو|أبو|ام|أم)\b", re.IGNORECASE)


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return _("row %(row)s, %(field)s: %(message)s") % {
                "row": self.row,
                "field": isolate(self.field),
                "message": self.message,
            }
        return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ParsedList:
    """What a reader found: entry records (plus extra details) and the errors, row by row."""

    entries: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    max_rows: int | None = None


class TooManyRows(Exception):
    """The file holds more rows than LIST_MAX_ROWS; reading stops there."""


class ImportRefused(ValidationError):
    """The file has errors and skipping bad rows was not asked for; nothing was imported."""

    def __init__(self, errors: list[RowError]):
        self.row_errors = errors
        super().__init__({"file": [str(e) for e in errors[:200]]})
