"""Kobo's XLSX export: the submissions on the first sheet, the members on their own sheet."""

from __future__ import annotations

import re
import zipfile

from django.utils.translation import gettext

from muster.intake.kobo.mapping import _column, _text
from muster.intake.kobo.records import REPEAT, ImportBatch, ImportFileError
from muster.intake.kobo.tables import _join


def _read_kobo_xlsx(name: str, archive: zipfile.ZipFile) -> ImportBatch:
    sheets = _xlsx_sheets(archive)
    titles = list(sheets)
    member_sheet = next(
        (t for t in titles[1:] if t == REPEAT),
        next((t for t in titles[1:] if sheets[t] and "given_name" in sheets[t][0][1]), None),
    )
    if member_sheet is None:
        problem = gettext(
            "no '%(sheet)s' sheet with the household members (sheets: %(sheets)s); export from "
            "Kobo as XLS with repeat groups on their own sheets"
        ) % {"sheet": REPEAT, "sheets": ", ".join(titles)}
        raise ImportFileError(name, problem)
    main_rows = sheets[titles[0]]
    if main_rows and not ({"_uuid", "instanceID", "_index"} & set(main_rows[0][1])):
        problem = gettext("the first sheet '%(sheet)s' has no _uuid, instanceID or _index column")
        raise ImportFileError(name, problem % {"sheet": titles[0]})
    return _join(
        "kobo-xlsx",
        main_rows,
        sheets[member_sheet],
        member_source=gettext("%(file)s, sheet '%(sheet)s'")
        % {"file": name, "sheet": member_sheet},
    )


# SpreadsheetML read directly, streamed (a large sheet is never held whole, nor as a tree). Two
# readers give the same rows: the plain one reads the usual layout of a sheet (unprefixed tags, no
# DTD, comments or CDATA) with regular expressions, while expat checks in C that it is well-formed
# XML, which is many times faster than building elements; any other sheet (or shared-strings part)
# goes to the general one, ElementTree through defusedxml.
_SML_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SML = "{" + _SML_NS + "}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(r"^([A-Z]+)")
_CHUNK = 1 << 20


def _xlsx_sheets(archive: zipfile.ZipFile) -> dict[str, list[tuple[int, dict]]]:
    """Each sheet's rows as (row number, {column header: value}), in workbook order."""
    from defusedxml.ElementTree import fromstring

    names = set(archive.namelist())
    book = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        shared = _either(archive, "xl/sharedStrings.xml", _plain_shared, _general_shared)
    sheets = {}
    for sheet in book.iter(_SML + "sheet"):
        target = targets.get(sheet.get(_REL_ID), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        cells = _either(
            archive,
            path,
            lambda chunks: list(_plain_rows(chunks, shared)),
            lambda stream: list(_general_rows(stream, shared)),
        )
        sheets[sheet.get("name")] = _table(cells)
    return sheets


class _NotPlain(Exception):
    """The part is not in the layout the plain reader reads: the general reader reads it."""


def _either(archive: zipfile.ZipFile, path: str, plain, general):
    with archive.open(path) as stream:
        try:
            return plain(_checked_chunks(stream))
        except _NotPlain:
            pass
    with archive.open(path) as stream:
        return general(stream)


def _refuse(*_args) -> None:
    raise _NotPlain


_ROOT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>)?\s*<(worksheet|sst)\b[^>]*>")
_DEFAULT_NS = re.compile(rb"""\sxmlns\s*=\s*["']([^"']*)["']""")
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")
# What the plain reader does not read: markup whose text the patterns would take for elements.
_UNREAD = (b"<!", b"<?")


def _checked_chunks(stream):
    """The part's bytes in pieces that end at a row's (or a string's) end, each checked by expat
    to be well-formed XML so far; _NotPlain if the part is not in the plain layout."""
    import xml.parsers.expat
    from xml.etree.ElementTree import ParseError

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    pending = b""
    first = True
    while True:
        data = stream.read(_CHUNK)
        try:
            parser.Parse(data, not data)
        except xml.parsers.expat.ExpatError as exc:
            raise ParseError(str(exc)) from None
        text = pending + data
        if first:
            root = _ROOT.match(text)
            if root is None and data and len(text) < _CHUNK + (1 << 16):
                pending = text  # the root's start tag not read whole yet
                continue
            encoding = _ENCODING.match(text)
            if (
                root is None
                or _DEFAULT_NS.findall(root.group(0)) != [_SML_NS.encode()]
                or root.group(0).count(_SML_NS.encode()) != 1  # no prefix for it either
                or (encoding and encoding.group(1).lower() not in (b"utf-8", b"utf8"))
            ):
                raise _NotPlain
            text = text[root.end() :]
            first = False
        if any(mark in text for mark in _UNREAD) or b"xmlns" in text:
            raise _NotPlain
        if not data:
            yield text
            return
        end = max(text.rfind(b"</row>"), text.rfind(b"</si>"))
        if end < 0:
            pending = text
            continue
        end = text.index(b">", end) + 1
        pending = text[end:]
        yield text[:end]


_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _entity(match: re.Match) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _NAMED[name]
    return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))


def _decoded(raw: bytes) -> str:
    """Character data as an XML parser gives it: line ends as \\n, references replaced."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    return text


# A row's start tag, or a cell: its attributes (r= and t= read here when they come in the usual
# form and order; "extra" holds any others), then its value (<v>), its inline string (<is><t>) or
# other content. The empty groups before a value and a string say which of them matched. The lazy
# parts scan no further than the cell's end: expat has checked every piece before it is read, and
# in well-formed XML each "<" starts a tag and each cell ends before the next one starts.
_PLAIN_ITEM = re.compile(
    rb"(<row\b[^>]*>)"
    rb'|<c((?:\s+r="([A-Z]+)[0-9]*")?(?:\s+s="[0-9]*")?(?:\s+t="([A-Za-z]*)")?([^>]*?))'
    rb"(?:/>|>(?:(<v>)([^<]*)</v>|(<is><t>)([^<]*)</t></is>|(.*?))</c>)",
    re.S,
)
_ATTRIBUTE = re.compile(rb"""\s([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')""")
# An element's text as ElementTree's .text: up to its first child or its end.
_T = re.compile(rb"<t\b[^>]*?/>|<t\b[^>]*>([^<]*)")
_V = re.compile(rb"<v\b[^>]*?/>|<v\b[^>]*>([^<]*)")
_SI = re.compile(rb"<si\b[^>]*?/>|<si\b[^>]*>(.*?)</si>", re.S)
_FAST = (None, "n", "s")  # the kinds of cell whose <v> is read here directly


def _attributes(raw: bytes) -> dict[str, str]:
    """A tag's attributes as an XML parser gives them (references replaced, blanks as spaces)."""
    return {
        name.decode(): _decoded(quoted[1:-1]).replace("\t", " ").replace("\n", " ")
        for name, quoted in _ATTRIBUTE.findall(raw)
    }


def _plain_shared(chunks) -> list[str]:
    return [
        "".join(_decoded(t) for t in _T.findall(body))
        for chunk in chunks
        for body in _SI.findall(chunk)
    ]


def _plain_rows(chunks, shared: list[str]):
    """(row number as written or None, {column index: value}) of each row of the plain layout."""
    row: dict[int, object] | None = None
    number = None
    position = 0
    columns: dict[bytes, int] = {}  # "AB" -> 27
    kinds: dict[bytes, str | None] = {b"": None}
    for chunk in chunks:
        for (
            start, attrs, col, kind, extra, v_mark, v, is_mark, inline, other
        ) in _PLAIN_ITEM.findall(chunk):  # fmt: skip
            if start:
                if row is not None:
                    yield number, row
                number = _attributes(start).get("r")
                row, position = {}, 0
                if start.endswith(b"/>"):
                    yield number, row
                    row = None
                continue
            if row is None:
                raise _NotPlain  # a cell outside a row: not a sheet this reader knows
            if col and not extra.strip():  # the usual form: r= (and t=) as read above
                index = columns.get(col)
                if index is None:
                    index = columns[col] = _column_index(col.decode())
                kind = kinds[kind] if kind in kinds else kinds.setdefault(kind, kind.decode())
            else:
                found = _attributes(attrs)
                ref, kind = found.get("r"), found.get("t")
                index = _column_index(ref) if ref else position
            position += 1
            if v_mark and kind in _FAST and b"&" not in v and b"\r" not in v:
                if not v:
                    row[index] = None
                elif kind == "s":
                    row[index] = shared[int(v)]
                elif b"." in v or b"e" in v or b"E" in v:
                    row[index] = float(v)
                else:
                    row[index] = int(v)
                continue
            if is_mark and kind == "inlineStr":
                row[index] = _decoded(inline)
                continue
            if v_mark:
                body = b"<v>" + v + b"</v>"
            elif is_mark:
                body = b"<is><t>" + inline + b"</t></is>"
            else:
                body = other
            row[index] = _general_value(kind, body, shared)
    if row is not None:
        yield number, row


def _general_value(kind: str | None, body: bytes, shared: list[str]):
    """A cell's value from its content, as :func:`_cell_value` reads it from the element."""
    if kind == "inlineStr":
        return "".join(_decoded(t) for t in _T.findall(body))
    found = _V.search(body)
    text = _decoded(found.group(1)) if found and found.group(1) else None
    return _typed(kind, text, shared)


def _column_index(ref: str) -> int:
    index = 0
    for ch in _CELL_REF.match(ref)[1]:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _typed(kind: str | None, text: str | None, shared: list[str]):
    if text is None or kind == "e":
        return None
    if kind == "s":
        return shared[int(text)]
    if kind in ("str", "d"):
        return text
    if kind == "b":
        return text == "1"
    return float(text) if any(c in text for c in ".eE") else int(text)


# -- the general reader ---------------------------------------------------------------------------


def _general_shared(stream) -> list[str]:
    from defusedxml.ElementTree import iterparse

    shared = []
    for _, el in iterparse(stream):
        if el.tag == _SML + "si":
            shared.append("".join(t.text or "" for t in el.iter(_SML + "t")))
            el.clear()
    return shared


def _cell_value(cell, shared: list[str]):
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(_SML + "t"))
    v = cell.find(_SML + "v")
    return _typed(kind, v.text if v is not None else None, shared)


def _general_rows(stream, shared: list[str]):
    from defusedxml.ElementTree import iterparse

    for _, el in iterparse(stream):
        if el.tag != _SML + "row":
            continue
        values: dict[int, object] = {}
        for i, cell in enumerate(el.iter(_SML + "c")):
            ref = cell.get("r")
            values[_column_index(ref) if ref else i] = _cell_value(cell, shared)
        number = el.get("r")
        el.clear()
        yield number, values


def _table(rows) -> list[tuple[int, dict]]:
    """The first row as the header (question names), the others by header, blank rows left out."""
    header: list[str] | None = None
    out = []
    for written, values in rows:
        number = int(written or len(out) + 2)
        if header is None:
            width = max(values, default=-1) + 1
            header = [_column(_text(values.get(i))) for i in range(width)]
        elif any(v not in (None, "") for v in values.values()):
            out.append((number, {header[i]: v for i, v in values.items() if i < len(header)}))
    return out
