"""Reading reference lists: person-record CSV or XLSX (DESIGN.md columns), UN Consolidated List XML.

Readers return every row they could read and every error with its row and field, so an officer
fixes a file in one go. :func:`import_reference_list` imports nothing of a file with errors unless
told to skip the bad rows. XML is parsed with defusedxml: no DTDs, no entities, no network.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.parsing import parse_int
from muster.core.uploads import check_upload_size
from muster.identity import PERSON_COLUMNS, PersonCsvError, check_record
from muster.screening.models import ReferenceEntry, ReferenceList

ARABIC = re.compile("[\u0600-\u06ff]")
KUNYA = re.compile(r"^(abu|abou|abo|umm|um|ابو|أبو|ام|أم)\b", re.IGNORECASE)

# UN list nationalities are country names; the registry keeps ISO 3166 alpha-3.
COUNTRY_ISO3 = {
    "iraq": "IRQ",
    "syrian arab republic": "SYR",
    "syria": "SYR",
    "turkey": "TUR",
    "türkiye": "TUR",
    "jordan": "JOR",
    "saudi arabia": "SAU",
    "lebanon": "LBN",
    "egypt": "EGY",
    "tunisia": "TUN",
    "morocco": "MAR",
    "algeria": "DZA",
    "libya": "LBY",
    "yemen": "YEM",
    "kuwait": "KWT",
    "iran (islamic republic of)": "IRN",
    "afghanistan": "AFG",
    "pakistan": "PAK",
    "russian federation": "RUS",
    "france": "FRA",
    "germany": "DEU",
    "united kingdom of great britain and northern ireland": "GBR",
    "belgium": "BEL",
    "netherlands": "NLD",
    "sweden": "SWE",
    "kazakhstan": "KAZ",
    "uzbekistan": "UZB",
    "tajikistan": "TJK",
    "somalia": "SOM",
    "sudan": "SDN",
    "indonesia": "IDN",
}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


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


# -- person-record CSV and XLSX ------------------------------------------------------------------


def _add_record(out: ParsedList, raw: dict, row: int) -> None:
    out.rows += 1
    if out.max_rows is not None and out.rows > out.max_rows:
        raise TooManyRows
    bad = next((k for k, v in raw.items() if isinstance(v, str) and _CONTROL.search(v)), None)
    if bad is not None:
        out.errors.append(RowError(row, bad, _("contains a control character (e.g. NUL)")))
        return
    try:
        record = check_record(raw, row=row)
    except PersonCsvError as exc:
        out.errors.append(RowError(row, exc.column or "", exc.message))
        return
    ref_id = record.pop("record_id")
    record.pop("source", None)
    if not record["given_name"] and not record["family_name"]:
        out.errors.append(RowError(row, "given_name", _("a listed person needs a name")))
        return
    if len(record["nationality"]) not in (0, 3):
        out.errors.append(
            RowError(row, "nationality", _("'%(v)s' is not an ISO 3166 alpha-3 code (e.g. IRQ)")
                     % {"v": record["nationality"][:20]})
        )  # fmt: skip
        return
    out.entries.append({"ref_id": ref_id, "name_kind": "primary", **record, "extra": {}})


def _check_header(header: list[str], out: ParsedList) -> bool:
    unknown = [h for h in header if h and h not in PERSON_COLUMNS]
    for h in unknown:
        out.errors.append(
            RowError(1, h, _("unknown column; known columns: %(c)s") % {"c": ", ".join(PERSON_COLUMNS)})
        )  # fmt: skip
    if "record_id" not in header:
        out.errors.append(RowError(1, "record_id", _("the header has no record_id column")))
    return not out.errors


def _check_duplicates(out: ParsedList, rows: list[int]) -> None:
    seen: dict[str, int] = {}
    keep = []
    for entry, row in zip(out.entries, rows, strict=True):
        if entry["ref_id"] in seen:
            out.errors.append(
                RowError(row, "record_id", _("'%(id)s' already used on row %(r)d")
                         % {"id": entry["ref_id"][:40], "r": seen[entry["ref_id"]]})
            )  # fmt: skip
            continue
        seen[entry["ref_id"]] = row
        keep.append(entry)
    out.entries = keep


# NUL cannot be stored in PostgreSQL text and no keyboard types the others; tab is left to the readers.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def read_csv(data: bytes, max_rows: int | None = None) -> ParsedList:
    out = ParsedList(max_rows=max_rows)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        out.errors.append(RowError(1, "", _("the file is not UTF-8 text")))
        return out
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        out.errors.append(RowError(1, "", _("the file is empty; expected a header row")))
        return out
    if not _check_header(header, out):
        return out
    rows = []
    try:
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                out.rows += 1
                out.errors.append(
                    RowError(line, "", ngettext("has %(n)d field, the header has %(h)d",
                                                "has %(n)d fields, the header has %(h)d",
                                                len(values))
                             % {"n": len(values), "h": len(header)})
                )  # fmt: skip
                continue
            before = len(out.entries)
            _add_record(out, dict(zip(header, values, strict=True)), line)
            if len(out.entries) > before:
                rows.append(line)
    except csv.Error as exc:
        out.errors.append(RowError(reader.line_num, "", _("malformed CSV: %(e)s") % {"e": exc}))
    _check_duplicates(out, rows)
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a year typed in a spreadsheet comes back as 1985.0
    return str(value)


def read_xlsx(data: bytes, max_rows: int | None = None) -> ParsedList:
    from openpyxl import load_workbook

    out = ParsedList(max_rows=max_rows)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not XLSX
        out.errors.append(RowError(1, "", _("the file is not an XLSX workbook")))
        return out
    sheet = book.worksheets[0]
    # The sheet's declared size (its <dimension>) refuses a huge file before a row is read; the
    # count in _add_record holds when the declaration is missing or lies.
    declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
    if max_rows is not None and declared - 1 > max_rows:
        book.close()
        raise TooManyRows
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        header = [_cell(h).strip() for h in next(rows_iter)]
    except StopIteration:
        out.errors.append(RowError(1, "", _("the first sheet is empty; expected a header row")))
        return out
    while header and not header[-1]:
        header.pop()
    if not _check_header(header, out):
        return out
    rows = []
    for line, values in enumerate(rows_iter, start=2):
        cells = [_cell(v) for v in values[: len(header)]]
        if not any(c.strip() for c in cells):
            continue
        cells += [""] * (len(header) - len(cells))
        before = len(out.entries)
        _add_record(out, dict(zip(header, cells, strict=True)), line)
        if len(out.entries) > before:
            rows.append(line)
    book.close()
    _check_duplicates(out, rows)
    return out


# -- UN Security Council Consolidated List -------------------------------------------------------


def _text(el, tag: str) -> str:
    child = el.find(tag)
    return (child.text or "").strip() if child is not None and child.text else ""


def _split_name(full: str) -> dict[str, str]:
    """A full name as given + father + grandfather + family (Arabic naming order)."""
    tokens = full.split()
    parts = {"given_name": "", "father_name": "", "grandfather_name": "", "family_name": ""}
    if not tokens:
        return parts
    parts["given_name"] = tokens[0]
    if len(tokens) == 2:
        parts["family_name"] = tokens[1]
    elif len(tokens) == 3:
        parts["father_name"], parts["family_name"] = tokens[1], tokens[2]
    elif len(tokens) >= 4:
        parts["father_name"], parts["grandfather_name"] = tokens[1], tokens[2]
        parts["family_name"] = " ".join(tokens[3:])
    return parts


def _un_dates(el) -> tuple[str, str, list[str]]:
    """The first usable date of birth (full date, else year) and all dates as listed."""
    dob, year, listed = "", "", []
    for d in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        full, yr = _text(d, "DATE"), _text(d, "YEAR")
        lo, hi = _text(d, "FROM_YEAR"), _text(d, "TO_YEAR")
        listed.append(full or yr or (f"{lo}-{hi}" if lo or hi else ""))
        if full[:10] and not dob:
            try:
                date.fromisoformat(full[:10])
                dob = full[:10]
            except ValueError:
                pass
        if yr and not year and parse_int(yr, lo=1000, hi=9999) is not None:
            year = str(parse_int(yr))
        if lo and hi and not year and None not in (parse_int(lo, hi=9999), parse_int(hi, hi=9999)):
            year = str((parse_int(lo) + parse_int(hi)) // 2)  # "between 1970 and 1972": the middle
    if dob:
        year = dob[:4]
    return dob, year, [x for x in listed if x]


def read_un_xml(data: bytes, max_rows: int | None = None) -> ParsedList:
    if max_rows is not None and data.count(b"<INDIVIDUAL>") > max_rows:
        raise TooManyRows
    out = ParsedList(max_rows=max_rows)
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        out.errors.append(
            RowError(1, "", _("the XML declares a DTD or entities, which are refused for safety"))
        )
        return out
    except SafeET.ParseError as exc:
        line = getattr(exc, "position", (1, 0))[0]
        out.errors.append(RowError(line, "", _("not well-formed XML: %(e)s") % {"e": exc}))
        return out
    if root.tag != "CONSOLIDATED_LIST":
        out.errors.append(
            RowError(1, "", _("expected a UN Consolidated List (root element CONSOLIDATED_LIST)"))
        )
        return out
    seen: set[str] = set()
    for n, ind in enumerate(root.iter("INDIVIDUAL"), start=1):
        out.rows += 1
        ref_id = _text(ind, "REFERENCE_NUMBER") or _text(ind, "DATAID")
        if not ref_id:
            out.errors.append(RowError(n, "REFERENCE_NUMBER", _("individual has no reference")))
            continue
        if ref_id in seen:
            out.errors.append(RowError(n, "REFERENCE_NUMBER", _("'%(id)s' appears twice") % {"id": ref_id[:40]}))  # fmt: skip
            continue
        seen.add(ref_id)
        first = _text(ind, "FIRST_NAME")
        if not first:
            out.errors.append(RowError(n, "FIRST_NAME", _("individual %(id)s has no name") % {"id": ref_id[:40]}))  # fmt: skip
            continue
        dob, year, listed_dates = _un_dates(ind)
        gender = _text(ind, "GENDER").lower()
        sex = {"male": "M", "female": "F"}.get(gender, "")
        nationality_names = [
            (v.text or "").strip() for v in ind.findall("NATIONALITY/VALUE") if v.text
        ]
        nationality = next(
            (COUNTRY_ISO3[c.lower()] for c in nationality_names if c.lower() in COUNTRY_ISO3), ""
        )
        place = ""
        pob = ind.find("INDIVIDUAL_PLACE_OF_BIRTH")
        if pob is not None:
            place = _text(pob, "CITY") or _text(pob, "STATE_PROVINCE")
        aliases = [
            (_text(a, "ALIAS_NAME"), _text(a, "QUALITY"))
            for a in ind.findall("INDIVIDUAL_ALIAS")
            if _text(a, "ALIAS_NAME")
        ]
        kunya = next((a for a, _q in aliases if KUNYA.match(a)), "")
        common = {
            "mother_name": "",
            "sex": sex,
            "date_of_birth": dob,
            "birth_year": year,
            "place_of_origin": place,
            "nationality": nationality,
        }
        extra = {
            "un_list_type": _text(ind, "UN_LIST_TYPE"),
            "listed_on": _text(ind, "LISTED_ON"),
            "dates_of_birth": listed_dates,
            "nationalities": nationality_names,
            "comments": _text(ind, "COMMENTS1")[:2000],
        }
        out.entries.append(
            {
                "ref_id": ref_id,
                "name_kind": "primary",
                "given_name": first,
                "father_name": _text(ind, "SECOND_NAME"),
                "grandfather_name": _text(ind, "THIRD_NAME"),
                "family_name": _text(ind, "FOURTH_NAME"),
                "alias": kunya,
                **common,
                "extra": extra,
            }
        )
        original = _text(ind, "NAME_ORIGINAL_SCRIPT")
        if original and ARABIC.search(original):
            out.entries.append(
                {"ref_id": ref_id, "name_kind": "original_script", **_split_name(original),
                 "alias": "", **common, "extra": {}}
            )  # fmt: skip
        for alias, quality in aliases:
            if alias == kunya:
                continue
            out.entries.append(
                {"ref_id": ref_id, "name_kind": "alias", **_split_name(alias), "alias": "",
                 **common, "extra": {"quality": quality}}
            )  # fmt: skip
    if not out.rows and not out.errors:
        out.errors.append(RowError(1, "INDIVIDUAL", _("the list has no individuals")))
    return out


# -- importing -----------------------------------------------------------------------------------


def detect_format(file_name: str, data: bytes) -> str:
    name = (file_name or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return ReferenceList.Format.XLSX
    if name.endswith(".xml") or data.lstrip()[:1] == b"<":
        return ReferenceList.Format.UN_XML
    return ReferenceList.Format.CSV


READERS = {
    ReferenceList.Format.CSV: read_csv,
    ReferenceList.Format.XLSX: read_xlsx,
    ReferenceList.Format.UN_XML: read_un_xml,
}


@dataclass
class ImportResult:
    reference_list: ReferenceList
    imported: int
    skipped: list[RowError]


def _parse_list_date(raw) -> date | None:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        return None


def import_reference_list(
    data: bytes,
    *,
    name: str,
    owner: str,
    legal_basis: str,
    list_date,
    by,
    file_name: str = "",
    source_format: str = "",
    skip_bad_rows: bool = False,
    request=None,
) -> ImportResult:
    """Import one version of a reference list; a newer version of the same name supersedes the last.

    With errors in the file nothing is imported (:class:`ImportRefused` lists them, row and field),
    unless ``skip_bad_rows``: then the good rows are imported and the bad ones reported.
    """
    errors: dict[str, list[str]] = {}
    name, owner, legal_basis = (
        (name or "").strip(),
        (owner or "").strip(),
        (legal_basis or "").strip(),
    )
    for key, value in (("name", name), ("owner", owner), ("legal_basis", legal_basis)):
        if not value:
            errors[key] = [_("is required")]
    day = _parse_list_date(list_date)
    if day is None:
        errors["list_date"] = [_("'%(v)s' is not a date (YYYY-MM-DD)") % {"v": str(list_date)[:20]}]
    if not data:
        errors["file"] = [_("the file is empty")]
    else:
        try:
            check_upload_size(len(data))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    fmt = source_format or detect_format(file_name, data or b"")
    if fmt not in READERS:
        errors["source_format"] = [
            _("'%(v)s' is not a list format (csv, xlsx, un_xml)") % {"v": fmt[:20]}
        ]
    if errors:
        raise ValidationError(errors)
    max_rows = conf().LIST_MAX_ROWS
    try:
        parsed = READERS[fmt](data, max_rows)
    except TooManyRows:
        raise ValidationError(
            {"file": [ngettext("the file has more than %(n)d row (MUSTER_LIST_MAX_ROWS); split it",
                               "the file has more than %(n)d rows (MUSTER_LIST_MAX_ROWS); split it",
                               max_rows)
                      % {"n": max_rows}]}
        ) from None  # fmt: skip
    fatal = [e for e in parsed.errors if e.row == 1 and not parsed.entries]
    if parsed.errors and (not skip_bad_rows or fatal):
        raise ImportRefused(parsed.errors)
    if not parsed.entries:
        raise ValidationError({"file": [_("no entry could be read from the file")]})

    with transaction.atomic():
        previous = (
            ReferenceList.objects.select_for_update().filter(name=name, is_current=True).first()
        )
        if previous is not None and day < previous.list_date:
            raise ValidationError(
                {"list_date": [_("the current version of '%(n)s' is dated %(d)s; this file is older")
                               % {"n": name, "d": previous.list_date.isoformat()}]}
            )  # fmt: skip
        now = timezone.now()
        version = (
            ReferenceList.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0
        ) + 1
        if previous is not None:
            ReferenceList.objects.filter(pk=previous.pk).update(is_current=False, superseded_at=now)
        ref_list = ReferenceList.objects.create(
            name=name,
            owner=owner,
            legal_basis=legal_basis,
            list_date=day,
            version=version,
            source_format=fmt,
            file_name=(file_name or "")[:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
            entry_count=len({e["ref_id"] for e in parsed.entries}),
            skipped_rows=len(parsed.errors),
            imported_at=now,
            imported_by=by,
        )
        ReferenceEntry.objects.bulk_create(
            [ReferenceEntry(reference_list=ref_list, **e) for e in parsed.entries], batch_size=2000
        )
        audit.record(
            "screening.list.import",
            actor=by,
            obj=ref_list,
            request=request,
            detail={
                "name": name,
                "version": version,
                "entries": ref_list.entry_count,
                "skipped_rows": len(parsed.errors),
                "supersedes": previous.pk if previous else None,
            },
        )
        # The new lists' index is built off the request thread (see matching.REGISTRY.lists).
        transaction.on_commit(_rebuild_list_index)
    return ImportResult(ref_list, ref_list.entry_count, parsed.errors)


def _rebuild_list_index() -> None:
    from muster.screening import matching

    if not transaction.get_connection().in_atomic_block:
        matching.REGISTRY.rebuild_in_background()


def current_lists():
    return ReferenceList.objects.filter(is_current=True).order_by("name")
