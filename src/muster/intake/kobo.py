"""Reading submissions of Muster's household form from KoboToolbox and ODK Central exports.

Pure Python, no Django: :func:`read_export` turns a file into :class:`Submission` records shaped like
Muster's registration input (a household, head first, with its members and their documents), each
with the submission's own id (``_uuid`` / ``instanceID``) so a second import can recognise it.
:func:`check_submissions` then runs Muster's validation, passed in by the caller, row by row.
Every row ends up accepted or refused with its reasons (row, member, field, problem) in a report
(:func:`write_report`); a file that cannot be read at all raises :class:`ImportFileError` with one line.

Formats read:
- Kobo XLSX export: the submissions on the first sheet, the members on their own sheet (``members``),
  joined by ``_submission__uuid`` to ``_uuid``, or by ``_parent_index`` to ``_index``.
- CSV with ``;`` (or ``,``) separator and one row per person, grouped by submission id. Kobo's own CSV
  export leaves repeat groups out, so a CSV holding no member columns is refused with that reason.
- Kobo API v2 JSON (``/api/v2/assets/<uid>/data/``): a ``results`` list, each with its ``members``
  list of group-prefixed answers (``members/given_name``).
- ODK Central CSV zip: ``<form>.csv`` and ``<form>-members.csv`` joined by ``PARENT_KEY`` to ``KEY``.
- ODK Central OData JSON (``Submissions?$expand=*``): a ``value`` list with nested groups and repeats.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from muster.core.uploads import MAX_UPLOAD_BYTES

# The names of the form's questions: the XLSForm writes them, the readers here read them back.
REPEAT = "members"
RECEPTION_POINT = "reception_point"
NAME_FIELDS = (
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
    "alias",
)
MEMBER_FIELDS = (
    "relationship_to_head",
    *NAME_FIELDS,
    "sex",
    "dob_known",
    "date_of_birth",
    "birth_year",
    "estimated_age",
    "nationality",
    "place_of_origin",
    "vulnerabilities",
    "doc_type",
    "doc_number",
    "doc_issuing_country",
    "doc_mrz",
)
REQUIRED_MEMBER_COLUMNS = ("given_name", "relationship_to_head")

MAX_BYTES = MAX_UPLOAD_BYTES  # the one upload limit (muster.core.uploads)
MAX_UNZIPPED = 10 * MAX_BYTES  # a zip (or XLSX) that inflates beyond this is refused, not read
REPORT_COLUMNS = (
    "row",
    "submission_id",
    "status",
    "household",
    "member",
    "member_row",
    "field",
    "problem",
)
# A row's status in the report: checked (dry run), imported, a duplicate, or refused.
OK, IMPORTED, DUPLICATE, REFUSED = "ok", "imported", "duplicate", "refused"

# Arabic-Indic and Eastern Arabic-Indic (Persian) digits, as phones with Arabic keyboards type them.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ID_KEYS = ("instanceID", "_uuid", "KEY", "__id")
_PREFIXES = re.compile(rf"^(?:{REPEAT}|meta)[/-]")


class ImportFileError(ValueError):
    """The file cannot be read at all (wrong kind, wrong sheet, missing column, too big): one line."""


@dataclass(frozen=True)
class Problem:
    row: int
    submission_id: str
    field: str
    message: str
    member: int | None = None  # 1-based position in the household
    member_row: int | None = None  # the member's row on its own sheet or CSV

    def __str__(self) -> str:
        where = [f"row {self.row}"]
        if self.member:
            where.append(f"member {self.member}")
        if self.field:
            where.append(self.field)
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Submission:
    """One household as submitted: where it sits in the file, its id, its members (head first)."""

    row: int
    submission_id: str
    reception_point: str = ""
    members: list[dict] = field(default_factory=list)
    member_rows: list[int | None] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    cleaned: list[dict] | None = None  # set by check_submissions when Muster's validation passes
    duplicate: str = ""  # why it is a duplicate (earlier in the file, already imported)
    household: str = ""  # the household's number once imported (or the one it duplicates)

    @property
    def ok(self) -> bool:
        """Still to be registered: neither refused nor a duplicate."""
        return not self.problems and not self.duplicate

    @property
    def status(self) -> str:
        if self.problems:
            return REFUSED
        if self.duplicate:
            return DUPLICATE
        return IMPORTED if self.household else OK

    def refuse(self, field_name: str, message: str, member: int | None = None) -> None:
        member_row = (
            self.member_rows[member - 1] if member and member <= len(self.member_rows) else None
        )
        self.problems.append(
            Problem(self.row, self.submission_id, field_name, message, member, member_row)
        )


@dataclass
class ImportBatch:
    source: str
    submissions: list[Submission] = field(default_factory=list)
    orphans: list[Problem] = field(default_factory=list)  # member rows of no submission
    written: bool = False  # registered in the database (not a dry run)

    @property
    def accepted(self) -> list[Submission]:
        return [s for s in self.submissions if s.ok]

    @property
    def refused(self) -> list[Submission]:
        return [s for s in self.submissions if s.problems]

    @property
    def duplicates(self) -> list[Submission]:
        return [s for s in self.submissions if s.duplicate and not s.problems]

    @property
    def imported(self) -> list[Submission]:
        return [s for s in self.submissions if s.status == IMPORTED]

    def summary(self) -> str:
        done = self.imported if self.written else self.accepted
        persons = sum(len(s.members) for s in done)
        verb = "imported" if self.written else "accepted"
        counted = f"{len(done)} {verb} ({persons} person(s))"
        text = f"{len(self.submissions)} submission(s) read ({self.source}): {counted}"
        if self.duplicates:
            text += f", {len(self.duplicates)} duplicate(s)"
        text += f", {len(self.refused)} refused"
        if self.orphans:
            text += f"; {len(self.orphans)} member row(s) belong to no submission"
        return text


# -- values ---------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _ascii_digits(value) -> str:
    return _text(value).translate(_DIGITS)


def _date_text(value) -> str:
    """A date answer: ISO text as Kobo and Central write it, or a day number if Excel re-saved it."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 2958466:
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat()
    return _ascii_digits(value)


def _submission_id(answers: Mapping[str, object]) -> str:
    for key in _ID_KEYS:
        value = _text(answers.get(key))
        if value:
            return value.removeprefix("uuid:")
    return ""


def _member(answers: Mapping[str, object]) -> dict:
    """One person's answers as Muster's registration input (``clean_member`` keys)."""
    raw: dict = {name: _text(answers.get(name)) for name in NAME_FIELDS}
    raw["relationship_to_head"] = _text(answers.get("relationship_to_head"))
    raw["sex"] = _text(answers.get("sex")).upper()
    raw["nationality"] = _text(answers.get("nationality")).upper()
    raw["place_of_origin"] = _text(answers.get("place_of_origin"))
    known = _text(answers.get("dob_known"))
    given = {
        "day": ("date_of_birth", _date_text(answers.get("date_of_birth"))),
        "year": ("birth_year", _ascii_digits(answers.get("birth_year"))),
        "estimated": ("estimated_age", _ascii_digits(answers.get("estimated_age"))),
    }
    if known in given:  # only the answer the form asked for (the others were not relevant)
        raw[given[known][0]] = given[known][1]
    else:
        raw.update(dict(given.values()))
    raw["vulnerabilities"] = _text(answers.get("vulnerabilities")).split()
    doc = {
        "doc_type": _text(answers.get("doc_type")),
        "number": _ascii_digits(answers.get("doc_number")),
        "issuing_country": _text(answers.get("doc_issuing_country")).upper(),
        "mrz": _text(answers.get("doc_mrz")),
    }
    raw["documents"] = [doc] if any(doc.values()) else []
    return raw


def _column(header: str) -> str:
    """A column's question name: the repeat's or meta's group prefix dropped."""
    return _PREFIXES.sub("", header.strip())


def _new_submission(row: int, answers: Mapping[str, object], submission_id: str = "") -> Submission:
    sub = Submission(row=row, submission_id=submission_id or _submission_id(answers))
    sub.reception_point = _ascii_digits(answers.get(RECEPTION_POINT))
    if not sub.submission_id:
        sub.refuse("_uuid", "no _uuid or instanceID: the submission could not be recognised again")
    return sub


def _add_member(sub: Submission, answers: Mapping[str, object], row: int | None) -> None:
    sub.members.append(_member(answers))
    sub.member_rows.append(row)


def _finish(batch: ImportBatch) -> ImportBatch:
    seen: dict[str, int] = {}
    for sub in batch.submissions:
        if not sub.members:
            sub.refuse(REPEAT, "the household has no members")
        if sub.submission_id in seen:
            sub.duplicate = f"same submission as row {seen[sub.submission_id]} of this file"
        elif sub.submission_id:
            seen[sub.submission_id] = sub.row
    return batch


# -- readers --------------------------------------------------------------------------------------


def read_export(path: str | Path) -> ImportBatch:
    """Read a Kobo or ODK Central export, whichever of the formats above it is."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise ImportFileError(f"{path.name}: the file is empty")
    if size > MAX_BYTES:
        raise ImportFileError(
            f"{path.name}: the file is {size / 1024 / 1024:.0f} MB; at most "
            f"{MAX_BYTES // 1024 // 1024} MB can be imported at once (split the export by date)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    return read_export_data(path.name, data)


def read_export_data(name: str, data: bytes) -> ImportBatch:
    """Read an export already in memory (an upload); ``name`` is the file's name, for messages."""
    if not data:
        raise ImportFileError(f"{name}: the file is empty")
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"{name}: the file is {len(data) / 1024 / 1024:.0f} MB; at most "
            f"{MAX_BYTES // 1024 // 1024} MB can be imported at once (split the export by date)"
        )
    if data[:4] == b"PK\x03\x04":
        try:
            return _read_zip(name, data)
        except ImportFileError:
            raise
        except (zipfile.BadZipFile, ParseError, KeyError, IndexError, ValueError, OSError) as exc:
            # A damaged zip or workbook fails in many places; the user needs one line, not which.
            raise ImportFileError(f"{name}: cannot be read as an export ({exc})") from None
    if Path(name).suffix.lower() in (".zip", ".xlsx"):
        raise ImportFileError(f"{name}: is not a zip archive (nor an .xlsx workbook)")
    text = _decode(name, data)
    if text.lstrip()[:1] in ("{", "["):
        return _read_json(name, text)
    return _read_csv_persons(name, text)


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{name}: is not UTF-8 text (byte {exc.start + 1}); export or save it as UTF-8"
        ) from None


def _read_zip(name: str, data: bytes) -> ImportBatch:
    archive = zipfile.ZipFile(io.BytesIO(data))
    if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
        raise ImportFileError(f"{name}: inflates to more than {MAX_UNZIPPED // 2**20} MB")
    names = archive.namelist()
    if "xl/workbook.xml" in names:
        return _read_kobo_xlsx(name, archive)
    csvs = [n for n in names if n.lower().endswith(".csv") and "/" not in n.strip("/")]
    members = [n for n in csvs if n.lower().endswith(f"-{REPEAT}.csv")]
    mains = [n for n in csvs if n not in members and "-" not in Path(n).stem]
    if not csvs:
        raise ImportFileError(f"{name}: the zip holds no CSV file (is it an ODK Central export?)")
    if len(mains) != 1 or len(members) != 1:
        raise ImportFileError(
            f"{name}: expected FORM.csv and FORM-{REPEAT}.csv in the zip; found {', '.join(csvs)}"
        )
    main_rows = _csv_rows(mains[0], _decode(mains[0], archive.read(mains[0])))
    member_rows = _csv_rows(members[0], _decode(members[0], archive.read(members[0])))
    return _join("odk-central-csv-zip", main_rows, member_rows, member_source=members[0])


def _csv_rows(name: str, text: str) -> list[tuple[int, dict]]:
    """(row number, {question name: answer}) of each data row; the header is row 1."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_column(h) for h in next(reader)]
    except StopIteration:
        raise ImportFileError(f"{name}: the file is empty") from None
    except csv.Error as exc:
        raise ImportFileError(f"{name}: is not a CSV file ({exc})") from None
    rows = []
    try:
        for number, values in enumerate(reader, start=2):
            if any(v.strip() for v in values):
                rows.append((number, dict(zip(header, values, strict=False))))
    except csv.Error as exc:
        raise ImportFileError(f"{name}: row {reader.line_num}: {exc}") from None
    return rows


def _require(name: str, rows: list[tuple[int, dict]], columns: Iterable[str], what: str) -> None:
    present = set(rows[0][1]) if rows else set()
    missing = [c for c in columns if c not in present]
    if rows and missing:
        raise ImportFileError(
            f"{name}: missing column {REPEAT}/{missing[0]} in the {what} (is this an export of "
            "Muster's household form, with XML names as headers?)"
        )


# How a member row names its submission, and the submission's column it names: ODK Central's
# PARENT_KEY, Kobo's copied _submission__uuid, or Kobo's _parent_index (always there).
_LINKS = (("PARENT_KEY", "KEY"), ("_submission__uuid", "_uuid"), ("_parent_index", "_index"))


def _join(
    source: str,
    main_rows: list[tuple[int, dict]],
    member_rows: list[tuple[int, dict]],
    *,
    member_source: str,
) -> ImportBatch:
    _require(member_source, member_rows, REQUIRED_MEMBER_COLUMNS, "members' sheet")
    batch = ImportBatch(source)
    by_link: dict[tuple[str, str], Submission] = {}
    for row, answers in main_rows:
        sub = _new_submission(row, answers)
        batch.submissions.append(sub)
        for _, column in _LINKS:
            if value := _text(answers.get(column)):
                by_link.setdefault((column, value), sub)
    for row, answers in member_rows:
        links = [(ref, col, _text(answers.get(ref))) for ref, col in _LINKS]
        links = [link for link in links if link[2]]
        sub = next((by_link[c, v] for _, c, v in links if (c, v) in by_link), None)
        if sub is None:
            named = ", ".join(f"{ref}={v}" for ref, _, v in links) or "no link to its submission"
            batch.orphans.append(
                Problem(0, "", "", f"member row of no submission in the file ({named})", None, row)
            )
            continue
        _add_member(sub, answers, row)
    return _finish(batch)


def _read_kobo_xlsx(name: str, archive: zipfile.ZipFile) -> ImportBatch:
    sheets = _xlsx_sheets(archive)
    titles = list(sheets)
    member_sheet = next(
        (t for t in titles[1:] if t == REPEAT),
        next((t for t in titles[1:] if sheets[t] and "given_name" in sheets[t][0][1]), None),
    )
    if member_sheet is None:
        raise ImportFileError(
            f"{name}: no '{REPEAT}' sheet with the household members (sheets: "
            f"{', '.join(titles)}); export from Kobo as XLS with repeat groups on their own sheets"
        )
    main_rows = sheets[titles[0]]
    if main_rows and not ({"_uuid", "instanceID", "_index"} & set(main_rows[0][1])):
        raise ImportFileError(
            f"{name}: the first sheet '{titles[0]}' has no _uuid, instanceID or _index column"
        )
    return _join(
        "kobo-xlsx",
        main_rows,
        sheets[member_sheet],
        member_source=f"{name}, sheet '{member_sheet}'",
    )


# SpreadsheetML read directly: several times faster than a general workbook library on a
# 20,000-household export, and streamed, so a large sheet is never held as a tree.
_SML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(r"^([A-Z]+)")


def _xlsx_sheets(archive: zipfile.ZipFile) -> dict[str, list[tuple[int, dict]]]:
    """Each sheet's rows as (row number, {column header: value}), in workbook order."""
    from defusedxml.ElementTree import fromstring, iterparse

    names = set(archive.namelist())
    book = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        with archive.open("xl/sharedStrings.xml") as stream:
            for _, el in iterparse(stream):
                if el.tag == _SML + "si":
                    shared.append("".join(t.text or "" for t in el.iter(_SML + "t")))
                    el.clear()
    sheets = {}
    for sheet in book.iter(_SML + "sheet"):
        target = targets.get(sheet.get(_REL_ID), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        with archive.open(path) as stream:
            sheets[sheet.get("name")] = _xlsx_rows(iterparse(stream), shared)
    return sheets


def _column_index(ref: str) -> int:
    index = 0
    for ch in _CELL_REF.match(ref)[1]:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _cell_value(cell, shared: list[str]):
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(_SML + "t"))
    v = cell.find(_SML + "v")
    text = v.text if v is not None else None
    if text is None or kind == "e":
        return None
    if kind == "s":
        return shared[int(text)]
    if kind in ("str", "d"):
        return text
    if kind == "b":
        return text == "1"
    return float(text) if any(c in text for c in ".eE") else int(text)


def _xlsx_rows(events, shared: list[str]) -> list[tuple[int, dict]]:
    header: list[str] | None = None
    out = []
    for _, el in events:
        if el.tag != _SML + "row":
            continue
        values: dict[int, object] = {}
        for i, cell in enumerate(el.iter(_SML + "c")):
            ref = cell.get("r")
            values[_column_index(ref) if ref else i] = _cell_value(cell, shared)
        number = int(el.get("r") or len(out) + 2)
        el.clear()
        if header is None:
            width = max(values, default=-1) + 1
            header = [_column(_text(values.get(i))) for i in range(width)]
        elif any(v not in (None, "") for v in values.values()):
            out.append((number, {header[i]: v for i, v in values.items() if i < len(header)}))
    return out


def _read_csv_persons(name: str, text: str) -> ImportBatch:
    rows = _csv_rows(name, text)
    if not rows:
        raise ImportFileError(f"{name}: has a header but no rows")
    if "given_name" not in rows[0][1]:
        raise ImportFileError(
            f"{name}: holds no household members (no given_name column). Kobo's CSV export "
            "leaves repeat groups out: export as XLS, or save its members sheet as CSV"
        )
    _require(name, rows, REQUIRED_MEMBER_COLUMNS, "CSV")
    batch = ImportBatch("csv")
    by_id: dict[str, Submission] = {}
    for row, answers in rows:
        sid = (_text(answers.get("_submission__uuid")) or _submission_id(answers)).removeprefix(
            "uuid:"
        )
        sub = by_id.get(sid) if sid else None
        if sub is None:
            sub = _new_submission(row, answers, sid)
            batch.submissions.append(sub)
            if sid:
                by_id[sid] = sub
        _add_member(sub, answers, row)
    return _finish(batch)


def _flatten(answers: Mapping[str, object]) -> tuple[dict, dict[str, list]]:
    """Group-prefixed keys and nested groups as question names; repeats (lists) kept apart."""
    flat: dict = {}
    repeats: dict[str, list] = {}
    for key, value in answers.items():
        name = key.rsplit("/", 1)[-1]
        if isinstance(value, list):
            repeats[name] = value
        elif isinstance(value, dict):
            inner, inner_repeats = _flatten(value)
            flat.update(inner)
            repeats.update(inner_repeats)
        else:
            flat[name] = value
    return flat, repeats


def _read_json(name: str, text: str) -> ImportBatch:
    try:
        page = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{name}: is not JSON (line {exc.lineno}: {exc.msg})") from None
    if isinstance(page, dict) and isinstance(page.get("value"), list):
        source, items = "odk-central-odata", page["value"]
    elif isinstance(page, dict) and isinstance(page.get("results"), list):
        source, items = "kobo-api-json", page["results"]
    elif isinstance(page, list):
        source, items = "kobo-api-json", page
    else:
        raise ImportFileError(
            f"{name}: JSON with neither 'results' (Kobo API v2) nor 'value' (ODK Central OData)"
        )
    batch = ImportBatch(source)
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportFileError(f"{name}: submission {number} is not a JSON object")
        flat, repeats = _flatten(item)
        if REPEAT not in repeats and f"{REPEAT}@odata.navigationLink" in flat:
            raise ImportFileError(
                f"{name}: the OData JSON does not include the members; download "
                "Submissions?$expand=* from ODK Central"
            )
        sub = _new_submission(number, flat)
        batch.submissions.append(sub)
        for member in repeats.get(REPEAT, []):
            if isinstance(member, dict):
                _add_member(sub, _flatten(member)[0], None)
    return _finish(batch)


# -- checking with Muster's validation -------------------------------------------------------------


def document_problems(doc: dict) -> list[tuple[str, str]]:
    """Problems of one document answer; an MRZ typed on the phone is read and fills what is empty.

    A check digit that fails refuses the row: an officer looks at the document, nothing is guessed.
    The number is then checked against its known format (:mod:`muster.intake.documents`).
    """
    from muster.intake.documents import check_document_number
    from muster.intake.mrz import MRZError, parse_mrz

    problems: list[tuple[str, str]] = []
    if doc.get("mrz"):
        try:
            mrz = parse_mrz(doc["mrz"])
        except MRZError as exc:
            return [("doc_mrz", f"unreadable: {exc}")]
        problems += [("doc_mrz", f"check digit failed: {c}") for c in mrz.failed_checks]
        problems += [("doc_mrz", p) for p in mrz.problems]
        read = mrz.document_fields()
        if doc.get("number") and doc["number"].upper() != read["number"]:
            problems.append(
                ("doc_number", f"'{doc['number']}' differs from the MRZ's '{read['number']}'")
            )
        for key in ("doc_type", "number", "issuing_country"):
            doc[key] = doc.get(key) or read[key]
        if doc["number"].upper() == read["number"]:
            doc["number"] = read["number"]  # as printed in the zone (typed in lowercase)
        doc["mrz"] = read["mrz"]
    if doc.get("number") and doc.get("doc_type"):
        checked = check_document_number(
            doc["doc_type"], doc.get("issuing_country", ""), doc["number"]
        )
        problems += [("doc_number", p) for p in checked.problems]
        doc["number"] = checked.number
    return problems


_MEMBER_KEY = re.compile(r"^members\[(\d+)\]\.(.+)$")


def check_submissions(
    batch: ImportBatch,
    *,
    clean_household: Callable[[list[dict]], list[dict]],
    flags: Iterable[str],
    reception_point_ok: Callable[[str], bool] | None = None,
    check_document: Callable[[dict], list[tuple[str, str]]] | None = None,
) -> ImportBatch:
    """Run Muster's validation on every submission still standing; refusals name member and field.

    ``clean_household`` raises an error carrying ``message_dict`` ({"members[i].field": [...]});
    ``flags`` are the protection flags a ``vulnerabilities`` answer may name;
    ``reception_point_ok`` says whether a submission's reception point is one Muster knows;
    ``check_document`` returns (field, problem) pairs for one document (MRZ, number format).
    """
    known = set(flags)
    for sub in batch.submissions:
        if not sub.ok:
            continue
        if reception_point_ok is not None and not reception_point_ok(sub.reception_point):
            if sub.reception_point:
                message = f"'{sub.reception_point}' is not an active reception point"
            else:
                message = "is not given (name one in the form, or the facility for the whole file)"
            sub.refuse(RECEPTION_POINT, message)
        members = []
        for i, member in enumerate(sub.members, start=1):
            raw = {k: v for k, v in member.items() if k != "vulnerabilities"}
            for flag in member.get("vulnerabilities", []):
                if flag in known:
                    raw[flag] = True
                else:
                    sub.refuse("vulnerabilities", f"'{flag}' is not a known protection need", i)
            for doc in raw.get("documents", []):
                for field_name, message in check_document(doc) if check_document else []:
                    sub.refuse(field_name, message, i)
            members.append(raw)
        if not sub.ok:
            continue
        try:
            sub.cleaned = clean_household(members)
        except Exception as exc:
            messages = getattr(exc, "message_dict", None)
            if messages is None:
                raise
            refuse_with(sub, messages)
    return batch


def refuse_with(sub: Submission, messages: Mapping[str, Iterable[str]]) -> None:
    """Refuse a submission with Muster's validation messages (``{"members[i].field": [...]}``)."""
    for key, texts in messages.items():
        m = _MEMBER_KEY.match(key)
        member, field_name = (int(m[1]) + 1, m[2]) if m else (None, key)
        sub.refuse(field_name, " ".join(str(t) for t in texts), member)


# -- the per-row report ----------------------------------------------------------------------------


def report_rows(batch: ImportBatch) -> list[dict]:
    """One line per accepted submission, one per problem of a refused one, one per orphan row."""
    rows = []
    for sub in batch.submissions:
        if sub.status in (OK, IMPORTED):
            rows.append(
                {"row": sub.row, "submission_id": sub.submission_id, "status": sub.status,
                 "household": sub.household, "problem": f"{len(sub.members)} person(s)"}
            )  # fmt: skip
        elif sub.status == DUPLICATE:
            rows.append(
                {"row": sub.row, "submission_id": sub.submission_id, "status": DUPLICATE,
                 "household": sub.household, "field": "_uuid", "problem": sub.duplicate}
            )  # fmt: skip
        for p in sub.problems:
            rows.append(
                {"row": p.row, "submission_id": p.submission_id, "status": REFUSED,
                 "member": p.member, "member_row": p.member_row, "field": p.field,
                 "problem": p.message}
            )  # fmt: skip
    for p in batch.orphans:
        rows.append(
            {"row": "", "submission_id": "", "status": REFUSED, "member_row": p.member_row,
             "field": p.field, "problem": p.message}
        )  # fmt: skip
    return [{c: "" if r.get(c) is None else r.get(c) for c in REPORT_COLUMNS} for r in rows]


def write_report(batch: ImportBatch, out) -> None:
    """The per-row report as CSV (UTF-8, comma-separated, header row) on a text stream."""
    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(report_rows(batch))
