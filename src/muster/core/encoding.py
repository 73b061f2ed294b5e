"""Imported text files are UTF-8: one check for every import, naming what a file is instead.

Excel's "Unicode text" and some phones save UTF-16 without a byte-order mark: every other byte is
zero, which is valid UTF-8, so decoding alone lets the file through and the messages that follow
quote its header with NUL characters in it ("unknown column 'g\\x00i\\x00v\\x00e\\x00n'").
And a CSV's delimiter is its header's (:func:`csv_delimiter`): Excel in Arabic, French or German
locales saves ``;``."""

import codecs

from django.utils.translation import gettext as _

# Enough of the file to tell its encoding; the zeros of UTF-16 are in every line.
START = 4096


class NotUtf8(ValueError):
    """The file is not UTF-8 text; the message says so in the reader's language, without quoting
    any of the file."""


def likely_encoding(data: bytes) -> str | None:
    """ "UTF-16" or "UTF-32" when the bytes look like it (a byte-order mark, or zero bytes where text
    in those encodings has them); ``None`` otherwise, a stray NUL in UTF-8 text included (the
    readers refuse that row's control character by its row and column)."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    sample = data[:START]
    zeros = sample.count(0)
    # Latin letters, digits and commas take a zero byte each in UTF-16, all on the same side of
    # their pairs (three in UTF-32); Arabic letters none, but a header, commas and line ends do.
    if not zeros or zeros * 10 < len(sample):
        return None
    if zeros * 10 >= len(sample) * 6:
        return "UTF-32"
    on_one_side = max(sample[0::2].count(0), sample[1::2].count(0))
    return "UTF-16" if on_one_side * 10 >= zeros * 9 else None


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


def csv_delimiter(header_line: str) -> str:
    """``;`` when the header row holds more of them than commas (a spreadsheet saved as CSV in a
    locale whose decimal mark is the comma), else ``,``: the one reading for every CSV import."""
    return ";" if header_line.count(";") > header_line.count(",") else ","
