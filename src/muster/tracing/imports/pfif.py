"""PFIF 1.4 (Person Finder Interchange Format) read into request rows, and requests written as PFIF.

Parsed with defusedxml: a DTD, an entity (the "billion laughs" bomb) or an external reference
(XXE) refuses the whole file before anything is read. The mapping is in the package docstring.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from muster.tracing.imports.rows import (
    MAX_ROWS,
    FileRefused,
    ParsedRequests,
    RequestRow,
    RowError,
    check_row,
)

PFIF_NS = "http://zesty.ca/pfif/1.4"
# Earlier versions use the same element names for all that is read here (1.4 added full_name's rule).
register_namespace("pfif", PFIF_NS)
READ_NAMESPACES = (PFIF_NS, "http://zesty.ca/pfif/1.3", "http://zesty.ca/pfif/1.2")

# Fields with no PFIF element travel as labelled lines of the description, readable by a person
# in any PFIF repository and read back here.
DESCRIPTION_LABELS = {
    "father_name": "Father",
    "grandfather_name": "Grandfather",
    "mother_name": "Mother",
    "separation_date": "Separated on",
    "age_at_separation": "Age at separation",
    "separation_pcode": "P-code",
    "is_child": "Child",
    "requester_relationship": "Enquirer's relationship",
    "distinguishing_marks": "Distinguishing marks",
}
_LABELLED = {label.casefold(): name for name, label in DESCRIPTION_LABELS.items()}
# Note statuses that say nothing beyond "someone is looking": their note's text is kept bare.
_SEEKING = {"", "information_sought"}
_SEX = {"female": "F", "male": "M"}


def _split_full_name(full: str) -> dict[str, str]:
    """A full name in Arabic naming order: given, father, grandfather, then the family name."""
    tokens = full.split()
    parts = dict.fromkeys(("given_name", "father_name", "grandfather_name", "family_name"), "")
    if tokens:
        parts["given_name"] = tokens[0]
    if len(tokens) == 2:
        parts["family_name"] = tokens[1]
    elif len(tokens) == 3:
        parts["father_name"], parts["family_name"] = tokens[1], tokens[2]
    elif len(tokens) >= 4:
        parts["father_name"], parts["grandfather_name"] = tokens[1], tokens[2]
        parts["family_name"] = " ".join(tokens[3:])
    return parts


def _year_of(text: str) -> int | None:
    m = re.match(r"^(\d{4})(?:-\d{2}){0,2}(?:T.*)?$", text.strip())
    return int(m.group(1)) if m else None


def _person_values(get, notes: list[dict[str, str]]) -> dict[str, str]:
    """A PFIF person (``get(tag)`` its text) as raw request values, before the row's checks."""
    raw: dict[str, str] = {"source_ref": get("person_record_id")}
    given, family, full = get("given_name"), get("family_name"), get("full_name")
    if given or family:
        raw["given_name"], raw["family_name"] = given, family
    else:
        raw.update(_split_full_name(full))
    raw["other_names"] = "; ".join(
        n.strip() for n in get("alternate_names").splitlines() if n.strip()
    )
    raw["sex"] = _SEX.get(get("sex").lower(), "")
    extra: list[str] = []
    birth = get("date_of_birth")
    if birth:
        year = _year_of(birth)
        raw["birth_year"] = str(year) if year else birth
    age = get("age")
    if age and not birth:
        when = _year_of(get("source_date") or get("entry_date"))
        m = re.fullmatch(r"(\d{1,3})(?:-(\d{1,3}))?", age)
        if when and m:
            lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
            raw["birth_year"] = str(when - (lo + hi) // 2)
        extra.append(f"PFIF age {age} (on {get('source_date') or get('entry_date') or '?'})")
    raw["separation_place"] = get("home_city") or get("home_neighborhood") or get("home_state")
    home = [get(t) for t in ("home_street", "home_neighborhood", "home_city", "home_state",
                             "home_postal_code", "home_country")]  # fmt: skip
    if any(home[:2]) or any(home[3:]):
        extra.append("Home: " + ", ".join(h for h in home if h))
    marks: list[str] = []
    for line in get("description").splitlines():
        label, sep, value = line.partition(":")
        name = _LABELLED.get(label.strip().casefold()) if sep else None
        if name:
            raw[name] = value.strip()
        elif line.strip():
            marks.append(line.strip())
    if marks:
        raw["distinguishing_marks"] = "\n".join(
            filter(None, [raw.get("distinguishing_marks"), *marks])
        )
    if get("photo_url"):
        extra.append(f"Photo (not fetched): {get('photo_url')}")
    raw["office"] = get("source_name")
    raw["requester_name"] = get("author_name")
    contact = [get("author_phone"), get("author_email")]
    for note in notes:
        text = note["text"].strip()
        if note["status"] not in _SEEKING:
            text = f"{note['status']}: {text}" if text else note["status"]
        if text:
            extra.append(text)
        if not raw["requester_name"] and note["status"] == "information_sought":
            raw["requester_name"] = note["author_name"]
            contact = [note["author_phone"], note["author_email"]]
    raw["requester_contact"] = "; ".join(c for c in contact if c)
    raw["notes"] = "\n".join(extra)
    return raw


def read_pfif(data: bytes) -> ParsedRequests:
    """Read PFIF 1.4 (1.2 and 1.3 too) persons and their notes as request rows.

    A row is a person, counted in the file's order; raises FileRefused for an unsafe or
    malformed file, or one that is not PFIF.
    """
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FileRefused(
            _("the XML declares a DTD, entities or external references, refused for safety "
              "(an XML bomb or XXE); PFIF needs none"),
            "unsafe_xml",
        ) from None  # fmt: skip
    except SafeET.ParseError as exc:
        raise FileRefused(_("not well-formed XML: %(e)s") % {"e": exc}, "malformed") from None
    ns = next((n for n in READ_NAMESPACES if root.tag == f"{{{n}}}pfif"), None)
    if ns is None:
        raise FileRefused(
            _("not a PFIF file: expected the root element pfif in namespace %(ns)s")
            % {"ns": PFIF_NS},
            "not_pfif",
        )

    def text(el: Element, tag: str) -> str:
        child = el.find(f"{{{ns}}}{tag}")
        return (child.text or "").strip() if child is not None else ""

    def note(el: Element) -> dict[str, str]:
        tags = ("person_record_id", "status", "text", "author_name", "author_phone", "author_email")
        return {t: text(el, t) for t in tags}

    loose: dict[str, list[dict[str, str]]] = {}
    for el in root.findall(f"{{{ns}}}note"):
        n = note(el)
        loose.setdefault(n["person_record_id"], []).append(n)
    out = ParsedRequests()
    first_row: dict[str, int] = {}
    for row, person in enumerate(root.findall(f"{{{ns}}}person"), start=1):
        out.total += 1
        if out.total > MAX_ROWS:
            raise FileRefused(
                _("the file holds more than %(n)d persons; split it") % {"n": MAX_ROWS},
                "too_many_rows",
            )
        ref = text(person, "person_record_id")
        notes = [note(n) for n in person.findall(f"{{{ns}}}note")] + loose.pop(ref, [])
        raw = _person_values(lambda tag, p=person: text(p, tag), notes)
        if not ref:
            out.errors.append(
                RowError(row, "source_ref", _("the person has no person_record_id"), "required")
            )
            continue
        values, errors = check_row(raw, row)
        if errors:
            out.errors.extend(errors)
            continue
        if ref in first_row:
            out.errors.append(
                RowError(row, "source_ref", _("'%(r)s' is already person %(n)d of this file")
                         % {"r": ref[:40], "n": first_row[ref]}, "duplicate_in_file")
            )  # fmt: skip
            continue
        first_row[ref] = row
        out.rows.append(RequestRow(row, values))
    for ref in loose:
        out.warnings.append(
            _("notes for '%(r)s', a person not in this file, were not read") % {"r": ref[:60]}
        )
    if not out.total:
        out.warnings.append(_("the file holds no person"))
    return out


def _utc(value: dt.datetime | None) -> str:
    value = value or dt.datetime.now(dt.UTC)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def record_id(request: Mapping[str, object], domain: str) -> str:
    """The request's PFIF person_record_id: the one it came with from PFIF, else domain/number."""
    ref = _text(request.get("source_ref"))
    if request.get("source") == "pfif" and "/" in ref:
        return ref
    return f"{domain}/{_text(request.get('number')) or ref}"


def write_pfif(
    requests: Iterable[Mapping[str, object]],
    *,
    domain: str,
    include_contacts: bool = True,
    include_notes: bool = True,
    now: dt.datetime | None = None,
) -> bytes:
    """Requests (mappings of the request fields, plus number, status, source, created_at) as
    PFIF 1.4 XML; the requester's contact only with ``include_contacts``, the caseworkers' notes
    (free text, which may hold a phone number) only with ``include_notes``."""
    root = Element(f"{{{PFIF_NS}}}pfif")
    entry = _utc(now)

    def add(parent: Element, tag: str, value: str) -> None:
        if value:
            SubElement(parent, f"{{{PFIF_NS}}}{tag}").text = value

    for n, request in enumerate(requests, start=1):
        get = {k: _text(v) for k, v in request.items()}
        pid = record_id(request, domain)
        person = SubElement(root, f"{{{PFIF_NS}}}person")
        add(person, "person_record_id", pid)
        add(person, "entry_date", entry)
        if include_contacts:
            add(person, "author_name", get.get("requester_name", ""))
            parts = [p.strip() for p in get.get("requester_contact", "").split(";")]
            add(person, "author_email", "; ".join(p for p in parts if "@" in p))
            add(person, "author_phone", "; ".join(p for p in parts if p and "@" not in p))
        add(person, "source_name", get.get("office", "") or "Muster")
        created = request.get("created_at")
        add(person, "source_date", _utc(created) if isinstance(created, dt.datetime) else entry)
        names = [
            get.get(f, "") for f in ("given_name", "father_name", "grandfather_name", "family_name")
        ]
        add(person, "full_name", " ".join(x for x in names if x))
        add(person, "given_name", get.get("given_name", ""))
        add(person, "family_name", get.get("family_name", ""))
        add(person, "alternate_names", "\n".join(
            x.strip() for x in get.get("other_names", "").split(";") if x.strip()))  # fmt: skip
        lines = [f"{label}: {get[name]}" for name, label in DESCRIPTION_LABELS.items()
                 if get.get(name) and "\n" not in get[name]]  # fmt: skip
        marks = get.get("distinguishing_marks", "")
        if "\n" in marks:
            lines.append(marks)  # several lines: unlabelled lines are read back as marks
        add(person, "description", "\n".join(lines))
        add(person, "sex", {"F": "female", "M": "male"}.get(get.get("sex", ""), ""))
        add(person, "date_of_birth", get.get("birth_year", ""))
        add(person, "home_city", get.get("separation_place", ""))
        status = {"reunited": "believed_alive", "closed": ""}.get(
            get.get("status", ""), "information_sought"
        )
        notes = get.get("notes", "") if include_notes else ""
        if notes or status == "believed_alive":
            note = SubElement(person, f"{{{PFIF_NS}}}note")
            add(note, "note_record_id", f"{pid}.note{n}")
            add(note, "person_record_id", pid)
            add(note, "entry_date", entry)
            add(
                note,
                "author_name",
                (get.get("requester_name") if include_contacts else "") or "Muster",
            )
            add(note, "source_date", entry)
            add(note, "status", status)
            add(note, "text", notes or "Reunited with the family.")
    return tostring(root, encoding="utf-8", xml_declaration=True)
