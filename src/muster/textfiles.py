"""What a text file is before it is read: UTF-16 or UTF-32 told by its bytes, and a CSV's
delimiter told by its header row.

The one reading for the app's importers (through ``muster.core.encoding``) and the identity
library's (``muster.identity``), which may not import each other; so it is the standard library
only, and the import contracts (pyproject.toml) keep it from importing anything of Muster.
"""

import codecs
import csv
import re
from collections.abc import Iterable

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


# The longest cell the importers read: the csv module's own limit (128 KiB of characters), said
# by row and column (:class:`CsvRows`) rather than "field larger than field limit (131072)".
CELL_LIMIT = 131072


class CellTooLarge(ValueError):
    """A cell longer than :data:`CELL_LIMIT`: its ``row`` (the reader's count of rows, the first
    1) and ``column`` (0-based)."""

    def __init__(self, row: int, column: int):
        super().__init__(f"row {row}, column {column + 1}: longer than {CELL_LIMIT} characters")
        self.row, self.column = row, column


class _Lines:
    """The lines given to a csv reader, those of the row being read kept."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self.row: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.row.append(line)
        return line


class CsvRows:
    """``csv.reader(lines, delimiter=delimiter)`` that says which cell is too long: a cell over
    :data:`CELL_LIMIT` raises :class:`CellTooLarge` with its row (``first_row`` for the first one
    read) and column. The csv module's own error named neither, in English ("field larger than
    field limit (131072)"). ``line_num`` is the reader's."""

    def __init__(self, lines: Iterable[str], delimiter: str = ",", first_row: int = 1):
        self._lines = _Lines(lines)
        self._reader = csv.reader(self._lines, delimiter=delimiter)
        self._delimiter = delimiter
        self.row = first_row - 1

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        self._lines.row.clear()
        self.row += 1
        try:
            cells = next(self._reader)
        except csv.Error:
            column = _long_cell("".join(self._lines.row), self._delimiter)
            if column is None:
                raise
            raise CellTooLarge(self.row, column) from None
        # Under a limit raised elsewhere in the process (csv.field_size_limit is global).
        for column, cell in enumerate(cells):
            if len(cell) > CELL_LIMIT:
                raise CellTooLarge(self.row, column)
        return cells


def _long_cell(text: str, delimiter: str) -> int | None:
    """The 0-based column of the first cell of ``text`` (a row's lines as the csv module reads
    them: quoted cells, doubled quotes) longer than :data:`CELL_LIMIT`, or None.

    >>> _long_cell('a,"' + 'x' * CELL_LIMIT + '"",y"', ","), _long_cell("a,b", ",")
    (1, None)
    """
    column = length = 0
    quoted, start = False, True
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quoted:
            if ch == '"' and text[i + 1 : i + 2] == '"':
                length += 1
                i += 1
            elif ch == '"':
                quoted = False
            else:
                length += 1
        elif ch == '"' and start:
            quoted = True
        elif ch == delimiter:
            if length > CELL_LIMIT:
                return column
            column, length, start, i = column + 1, 0, True, i + 1
            continue
        elif ch not in "\r\n":
            length += 1
        start = False
        i += 1
    return column if length > CELL_LIMIT else None
