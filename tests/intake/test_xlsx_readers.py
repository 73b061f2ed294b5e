"""The two readers of a workbook's sheets give the same rows: the plain one (patterns over the
usual layout, expat checking the XML) and the general one (ElementTree); what the plain one does
not read goes to the general one, and XML that is not well-formed is refused by both."""

import io
import re
import zipfile
from xml.etree.ElementTree import ParseError

import pytest

from muster.intake.kobo import xlsx
from tests.intake.test_kobo import write_kobo_xlsx

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# Valid SpreadsheetML in forms other writers use: shared and inline strings, rich text runs,
# attributes in another order and quoting, references, line ends, booleans, errors, formulas,
# empty and self-closed cells, a row without a number, cells without a reference.
SHEET = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet {NS} '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheetData><row r="1" spans="1:9"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="inlineStr"><is><t>c</t></is></c><c t="inlineStr" r="D1"><is><t>d</t></is></c>'
    "<c r='E1' t='inlineStr'><is><r><t>e</t></r><r><t xml:space=\"preserve\"> 1</t></r></is></c>"
    '<c r="F1" t="inlineStr"><is><t>f</t></is></c><c r="G1" t="inlineStr"><is><t>g</t></is></c>'
    '<c r="H1" t="inlineStr"><is><t>h</t></is></c><c r="I1" t="inlineStr"><is><t>i</t></is></c>'
    '</row><row r="2"><c r="A2" s="3" t="s"><v>2</v></c><c r="B2"><v>12</v></c>'
    '<c r="C2" t="inlineStr"><is><t>a &amp; b &lt;&#x645;&#1581;&gt;\r\nline</t></is></c>'
    '<c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><v>#N/A</v></c>'
    '<c r="F2"><f>1+1</f><v>2.5</v></c><c r="G2" s="1"/><c r="H2" t="str"><v>x&#13;y</v></c>'
    '<c r="I2" t="n"><v>1E3</v></c></row>'
    '<row><c t="inlineStr"><is><t>no ref</t></is></c><c><v></v></c>'
    '<c r="C3" t="inlineStr"><is><t/></is></c></row><row r="5"/>'
    '<row r="6"><c r="A6" t="inlineStr"><is><t>محمد</t></is></c></row></sheetData></worksheet>'
)
SHARED = (
    f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="3" uniqueCount="3">'
    "<si><t>given_name</t></si><si><r><rPr><b/></rPr><t>fam</t></r><r><t>ily</t></r></si>"
    "<si><t>أحمد &amp; co</t></si></sst>"
)


def _both(part: bytes, shared: list[str]):
    archive = _archive({"sheet.xml": part})
    plain = xlsx._either(archive, "sheet.xml", lambda c: list(xlsx._plain_rows(c, shared)), None)
    with archive.open("sheet.xml") as stream:
        general = list(xlsx._general_rows(stream, shared))
    return plain, general


def _archive(parts: dict[str, bytes]) -> zipfile.ZipFile:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return zipfile.ZipFile(data)


def test_the_plain_reader_gives_what_the_general_reader_gives():
    archive = _archive({"s.xml": SHARED.encode()})
    shared = xlsx._either(archive, "s.xml", xlsx._plain_shared, None)
    with archive.open("s.xml") as stream:
        assert shared == xlsx._general_shared(stream) == ["given_name", "family", "أحمد & co"]
    plain, general = _both(SHEET.encode(), shared)
    assert plain == general
    rows = dict(xlsx._table(plain))
    assert rows[2] == {"given_name": "أحمد & co", "family": 12, "c": "a & b <مح>\nline",
                       "d": True, "e 1": None, "f": 2.5, "g": None, "h": "x\ry", "i": 1000.0}  # fmt: skip
    assert rows[3] == {"given_name": "no ref", "family": None, "c": ""}  # numbered as counted
    assert rows[6] == {"given_name": "محمد"}


def test_a_kobo_export_reads_the_same_either_way(tmp_path):
    with zipfile.ZipFile(write_kobo_xlsx(tmp_path / "export.xlsx")) as archive:
        assert "xl/sharedStrings.xml" not in archive.namelist()  # openpyxl: inline strings
        shared: list[str] = []
        for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
            plain, general = _both(archive.read(name), shared)
            assert plain == general and len(plain) > 1


@pytest.mark.parametrize(
    "change",
    [
        lambda s: re.sub(r"<(/?)([A-Za-z]+)\b", r"<\1x:\2", s).replace("xmlns=", "xmlns:x="),
        lambda s: s.replace("<sheetData>", "<sheetData><!-- <row r='9'/> -->"),
        lambda s: s.replace("<is><t>c</t>", "<is><t><![CDATA[<c>]]></t>"),
    ],
    ids=["prefixed", "comment", "cdata"],
)
def test_what_the_plain_reader_does_not_read_goes_to_the_general_one(change):
    part = change(SHEET).encode()
    with pytest.raises(xlsx._NotPlain):
        list(xlsx._plain_rows(xlsx._checked_chunks(io.BytesIO(part)), ["a", "b", "c"]))
    archive = _archive({"sheet.xml": part})
    rows = xlsx._either(
        archive,
        "sheet.xml",
        lambda chunks: list(xlsx._plain_rows(chunks, ["a"] * 3)),
        lambda stream: list(xlsx._general_rows(stream, ["a"] * 3)),
    )
    assert len(rows) == 5 and rows[1][1][1] == 12


def test_xml_that_is_not_well_formed_is_refused_as_the_general_reader_refuses_it(monkeypatch):
    monkeypatch.setattr(xlsx, "_CHUNK", 64)  # the fault far from the start, after rows were read
    broken = SHEET.replace('<c r="B2"><v>12</v></c>', '<c r="B2"><v>12</c>').encode()
    with pytest.raises(ParseError):
        list(xlsx._plain_rows(xlsx._checked_chunks(io.BytesIO(broken)), ["a", "b", "c"]))
    with pytest.raises(ParseError):
        list(xlsx._general_rows(io.BytesIO(broken), ["a", "b", "c"]))
    bomb = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet/>'
    with pytest.raises(xlsx._NotPlain):  # a DTD: the general reader (defusedxml) refuses it
        list(xlsx._checked_chunks(io.BytesIO(bomb)))
