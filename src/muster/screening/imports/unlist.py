"""The UN Security Council Consolidated List (XML), parsed with defusedxml: no DTDs, no entities, no
network."""

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from muster.core.parsing import parse_day, parse_int
from muster.identity import is_country_code, read_nationality
from muster.screening.imports.rows import (
    ARABIC,
    KUNYA,
    ParsedList,
    RowError,
    TooManyRows,
)


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
        if full[:10] and not dob and (day := parse_day(full[:10])) is not None:
            dob = day.isoformat()
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
        # The list names countries (Iraq, Syrian Arab Republic); the registry keeps the code.
        nationality = next(
            (code for code in map(read_nationality, nationality_names) if is_country_code(code)),
            "",
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
