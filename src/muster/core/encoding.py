"""Imported text files are UTF-8: one check for every import, naming what a file is instead.

Excel's "Unicode text" and some phones save UTF-16 without a byte-order mark: every other byte is
zero, which is valid UTF-8, so decoding alone lets the file through and the messages that follow
quote its header with NUL characters in it ("unknown column 'g\\x00i\\x00v\\x00e\\x00n'").
How a file is told to be UTF-16, and a CSV's delimiter from its header, are ``muster.textfiles``'s
(shared with the identity library's reader)."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from muster.core.text import isolate
from muster.textfiles import CELL_LIMIT, CellTooLarge, wide_encoding


class NotUtf8(ValueError):
    """The file is not UTF-8 text; the message says so in the reader's language, without quoting
    any of the file."""


def likely_encoding(data: bytes) -> str | None:
    """ "UTF-16" or "UTF-32" when the bytes look like it (``textfiles.wide_encoding``), for a
    message; ``None`` otherwise, a stray NUL in UTF-8 text included (the readers refuse that row's
    control character by its row and column)."""
    codec = wide_encoding(data)
    return codec[:6].upper() if codec else None


def check_utf8(data: bytes, *, start: bool = False) -> None:
    """Raise :class:`NotUtf8` unless ``data`` is UTF-8 text, not UTF-16 or UTF-32 (whose zero bytes
    decode as UTF-8 too). ``start``: ``data`` is the first bytes of a file, which may end inside a
    character."""
    encoding = likely_encoding(data)
    if encoding is None:
        try:
            data.decode("utf-8-sig")
            return
        except UnicodeDecodeError as exc:
            if start and exc.reason == "unexpected end of data":
                return
    raise NotUtf8(not_utf8_message(encoding))


def decode_utf8(data: bytes) -> str:
    """``data`` as text (a UTF-8 byte-order mark dropped), or :class:`NotUtf8`."""
    check_utf8(data)
    return data.decode("utf-8-sig")


def not_utf8_message(encoding: str | None) -> str:
    """What to tell the user of a file that is not UTF-8 (``encoding``: what it looks like)."""
    if encoding:
        return _("the file is not UTF-8 text: it looks like %(encoding)s; save it as CSV UTF-8") % {
            "encoding": encoding
        }
    return _("the file is not UTF-8 text; save it as CSV UTF-8")


def cell_too_large_column(exc: CellTooLarge, header: Sequence[str] = ()) -> str:
    """The column of a cell too long to read: its header's name, or its number where the header
    names none (the header itself too long)."""
    name = header[exc.column].strip() if exc.column < len(header) else ""
    return name or _("column %(n)d") % {"n": exc.column + 1}


def cell_too_large_problem() -> str:
    """What is wrong with a cell too long to read, said of its row and column by the caller."""
    return _(
        "the cell holds more than %(limit)d characters (128 KiB), the most a cell may hold"
    ) % {"limit": CELL_LIMIT}


def cell_too_large_message(exc: CellTooLarge, header: Sequence[str] = ()) -> str:
    """One line in the reader's language naming the row and column of a cell too long to read
    and the limit: "row 3, given_name: the cell holds more than 131072 characters …"."""
    return _("row %(row)s, %(field)s: %(message)s") % {
        "row": exc.row,
        "field": isolate(cell_too_large_column(exc, header)),
        "message": cell_too_large_problem(),
    }
