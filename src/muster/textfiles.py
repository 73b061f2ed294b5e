"""What a text file is before it is read: UTF-16 or UTF-32 told by its bytes, and a CSV's
delimiter told by its header row.

The one reading for the app's importers (through ``muster.core.encoding``) and the identity
library's (``muster.identity``), which may not import each other; so it is the standard library
only, and the import contracts (pyproject.toml) keep it from importing anything of Muster.
"""

import codecs
import re

# Enough of a file to tell its encoding; the zeros of UTF-16 are in every line.
START = 4096
# What a CSV's columns are written between, the first preferred where the header has as many of
# one as of another: Excel saves commas, or semicolons in a locale whose decimal mark is the comma
# (Arabic, French, German); "Unicode text" has tabs; some systems export with bars.
DELIMITERS = (",", ";", "\t", "|")
_QUOTED = re.compile(r'"[^"]*"')


def wide_encoding(data: bytes) -> str | None:
    """The codec of ``data`` (a file, or its first bytes) where it is UTF-16 or UTF-32 rather than
    UTF-8: "utf-32" or "utf-16" by its byte-order mark; "utf-16-le", "utf-16-be", "utf-32-le" or
    "utf-32-be" without one (some phones and exports save so), by its zero bytes; None otherwise,
    a stray NUL in UTF-8 text included.

    Text without a mark is told by its zeros: Latin letters, digits, commas and line ends take one
    each in UTF-16, all on the same side of their pairs (three in UTF-32); Arabic letters none, but
    a header, commas and line ends do.  Such text is also valid UTF-8, so read as UTF-8 it comes
    back with NUL characters in it ("unknown column 'g\\x00i\\x00v\\x00e\\x00n'").

    >>> wide_encoding("given_name".encode("utf-16-le")), wide_encoding("given_name".encode("utf-16"))
    ('utf-16-le', 'utf-16')
    >>> wide_encoding("given_name".encode("utf-32-be")), wide_encoding(b"given_name\\nAh\\x00med\\n")
    ('utf-32-be', None)
    """
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:START]
    zeros = sample.count(0)
    if len(sample) < 4 or zeros * 10 < len(sample):
        return None
    if zeros * 10 >= len(sample) * 6:
        # A character's high bytes are zero: the last of its four in little-endian order.
        little = sample[3::4].count(0) >= sample[0::4].count(0)
        codec = "utf-32-le" if little else "utf-32-be"
    else:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) * 10 < zeros * 9:
            return None
        codec = "utf-16-be" if even > odd else "utf-16-le"
    try:
        # Incremental: the sample may end inside a character.
        codecs.getincrementaldecoder(codec)().decode(sample)
    except UnicodeDecodeError:
        return None
    return codec


def csv_delimiter(header_line: str) -> str:
    """The delimiter a CSV's header row is written with: of ``DELIMITERS``, the one it holds most
    of outside quotes (a comma where none is there, or as many of it as of another).

    >>> csv_delimiter("record_id;given_name;note"), csv_delimiter('"a, b";c'), csv_delimiter("id")
    (';', ';', ',')
    """
    unquoted = _QUOTED.sub("", header_line)
    return max(DELIMITERS, key=unquoted.count)
