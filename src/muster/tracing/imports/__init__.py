"""Reading lists of the missing (CSV, XLSX, PFIF 1.4) into request rows, and writing PFIF 1.4.

Readers return every row that passed and every error with its row, field and a stable code, so an
office fixes its file in one go; they write nothing (the import service does). ``rows`` holds the
columns and the checks, ``tables`` the CSV and XLSX readers, ``pfif`` the PFIF reader and writer.

CSV and XLSX: a header row, one column per request field under its name or a common variant
(``first name``, ``Year of birth``, ``اسم الأم``, ``ناوی دایک``; see ``rows.HEADER_VARIANTS``);
other columns are ignored with a warning. Answers may be in Arabic (``ذكر``/``أنثى``, ``نعم``/``لا``,
Arabic-Indic digits). A row without a reference (``record_id``, ``case number``…) gets one made
from its content, so the same list imported twice is recognised.

PFIF 1.4 (http://zesty.ca/pfif/1.4) person -> request, on import:

=========================================  =================================================
PFIF                                       request
=========================================  =================================================
person_record_id                           source_ref (re-import is recognised by it)
given_name, family_name                    given_name, family_name
full_name (when neither of the above)      split in Arabic order: given, father, grandfather,
                                           family
alternate_names (one per line)             other_names (``;``-separated)
sex female / male / other                  sex F / M / empty
date_of_birth (YYYY[-MM[-DD]])             birth_year
age ("N" or "N-M", no date_of_birth)       birth_year estimated from source_date (or
                                           entry_date); the age itself kept in notes
home_city (else neighbourhood, state)      separation_place; the full home address in notes
description, labelled lines                father_name, grandfather_name, mother_name,
("Mother: Gulistan"; DESCRIPTION_LABELS)   separation_date, age_at_separation,
                                           separation_pcode, is_child, requester_relationship,
                                           distinguishing_marks
description, other lines                   distinguishing_marks
photo_url                                  notes (the address only: never fetched)
source_name                                office (unless the import names one)
author_name, author_phone, author_email    requester_name, requester_contact; if the person
                                           has no author, those of the first
                                           information_sought note
note text, status                          notes (one line each, ``status: text`` unless the
                                           status is information_sought)
=========================================  =================================================

On export the same mapping runs backwards: person_record_id is the id a request came with from
PFIF, else ``<domain>/<request number>``; full_name is the given, father, grandfather and family
names; the fields PFIF has no element for are labelled lines of the description; home_city is the
place of separation; the requester is the author (only when contacts are included); the notes (only
when asked for: free text, which may hold a phone number) and the status go in one note
(information_sought while open, believed_alive once reunited).

Import from here: ``from muster.tracing import imports``.
"""

from muster.tracing.imports.pfif import PFIF_NS, read_pfif, write_pfif
from muster.tracing.imports.rows import (
    FIELDS,
    HEADER_VARIANTS,
    FileRefused,
    ParsedRequests,
    RequestRow,
    RowError,
    check_row,
    field_for_header,
)
from muster.tracing.imports.tables import read_csv, read_xlsx

READERS = {"csv": read_csv, "xlsx": read_xlsx, "pfif": read_pfif}


def detect_format(name: str, head: bytes) -> str | None:
    """``csv``, ``xlsx`` or ``pfif`` from a file's name and first bytes, or None."""
    lower = name.lower()
    if head.startswith(b"PK\x03\x04") or lower.endswith(".xlsx"):
        return "xlsx"
    if lower.endswith(".xml") or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "pfif"
    if lower.endswith((".csv", ".txt")) or not lower.rpartition(".")[1]:
        return "csv"
    return None


def read_requests(name: str, data: bytes) -> tuple[str, ParsedRequests]:
    """The format and the rows of a file; FileRefused for a file no reader takes."""
    from django.utils.translation import gettext as _

    fmt = detect_format(name, data[:8])
    if fmt is None:
        raise FileRefused(
            _("'%(n)s' is not a list the import reads (CSV, XLSX or PFIF XML)") % {"n": name[-60:]},
            "unknown_format",
        )
    return fmt, READERS[fmt](data)


__all__ = [
    "FIELDS",
    "HEADER_VARIANTS",
    "PFIF_NS",
    "READERS",
    "FileRefused",
    "ParsedRequests",
    "RequestRow",
    "RowError",
    "check_row",
    "detect_format",
    "field_for_header",
    "read_csv",
    "read_pfif",
    "read_requests",
    "read_xlsx",
    "write_pfif",
]
