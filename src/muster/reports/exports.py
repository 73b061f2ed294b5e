"""The one way data leaves Muster as a file: CSV or XLSX, filtered by the policy, audited, formula-safe.

Every export (a camp roll, a repatriation manifest, the coordinator's figures) goes through
:func:`export_rows`. Columns that carry a person's data must be named after the person field they hold
(``given_name``, ``current_facility``: the names in :data:`muster.access.policy.ALL_PERSON_FIELDS`), so
the policy can drop those the user may not see; any other column is treated as a figure or a label.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from muster.access import policy
from muster.audit import services as audit
from muster.core.spreadsheets import safe_cell


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    extension: str
    fields: tuple[str, ...]
    dropped: tuple[str, ...]
    rows: int


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# Who may take which file. The export views and the pages that link to them ask the same functions,
# so a page never offers a download that refuses.


def may_export_sitrep(user) -> bool:
    """The coordinator's figures (no names): any role with ``report.export``."""
    return policy.can(user, "report.export")


def may_export_roll(user, facility_id: int) -> bool:
    """The list of everyone at a facility: ``person.export`` at that facility."""
    return policy.may_act_at(user, "person.export", facility_id)


def may_export_manifest(user, movement) -> bool:
    """A movement's manifest: ``person.export`` at the sending or the receiving facility."""
    ends = (movement.from_facility_id, movement.to_facility_id)
    return any(policy.may_act_at(user, "person.export", f) for f in ends)


def allowed_fields(user, fields: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split requested columns into those the user may export and those the policy drops."""
    visible = policy.person_fields(user)
    kept, dropped = [], []
    for f in fields:
        (dropped if f in policy.ALL_PERSON_FIELDS and f not in visible else kept).append(f)
    return kept, dropped


def export_rows(
    user,
    rows: Iterable[Mapping[str, object]],
    fields: Sequence[str],
    fmt: str = "csv",
    *,
    export: str,
    purpose: str,
    action: str = "person.export",
    filters: Mapping[str, object] | None = None,
    obj=None,
    person_key: str | None = None,
    hxl: Mapping[str, str] | None = None,
    request=None,
) -> Export:
    """Write ``rows`` (mappings) as CSV or XLSX with only the ``fields`` the user may see.

    ``action`` is the policy action the export needs ("person.export" for lists of people,
    "report.export" for figures). One "export" audit event, written in the same transaction as the file
    is built (no file without its event), records which export (``export``, a stable name such as
    "facility.roll"), why (``purpose``), the ``filters`` that chose the rows, the object it is about
    (``obj``), the format, the fields kept and dropped, the row count and, for a list of people, the
    ids of the persons in it, indexed so the auditor's who-read finds the export from any of them:
    ``person_key`` names the key of each row holding the person's id (not a column of the file).
    ``hxl`` adds a row of HXL hashtags.
    """
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"export format '{fmt}' is not one of: {', '.join(CONTENT_TYPES)}")
    if action == "person.export" and person_key is None:
        raise ValueError("a person export must name the row key holding each person's id")
    if not policy.can(user, action):
        raise PermissionDenied(action)
    kept, dropped = allowed_fields(user, fields)
    with transaction.atomic():
        table, person_ids = [], []
        for row in rows:
            table.append([safe_cell(row.get(f)) for f in kept])
            if person_key is not None:
                person_ids.append(row[person_key])
        header = [safe_cell(f) for f in kept]
        tags = [safe_cell((hxl or {}).get(f, "")) for f in kept] if hxl else None
        content = _csv(header, tags, table) if fmt == "csv" else _xlsx(header, tags, table)
        detail = {
            "export": export,
            "purpose": purpose,
            "format": fmt,
            "filters": dict(filters or {}),
            "fields": kept,
            "dropped_fields": dropped,
            "rows": len(table),
        }
        audit.record_export(
            detail,
            person_ids=person_ids if person_key is not None else None,
            actor=user,
            obj=obj,
            request=request,
        )
    return Export(content, CONTENT_TYPES[fmt], fmt, tuple(kept), tuple(dropped), len(table))


def _text(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")  # with its offset: 2026-11-07T06:08+03:00
    return "" if value is None else value


def _csv(header, tags, table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    if tags:
        writer.writerow(tags)
    for row in table:
        writer.writerow([_text(v) for v in row])
    # A BOM so spreadsheet programs read Arabic names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(header, tags, table) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("export")
    ws.append(header)
    if tags:
        ws.append(tags)
    for row in table:
        ws.append([_cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value: object) -> object:
    # openpyxl writes any string starting with "=" as a formula; safe_cell has already prefixed those.
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, datetime) and value.tzinfo is not None:
        # A workbook holds no time zone: the local time the pages show, a cell sorted by date.
        return timezone.localtime(value).replace(tzinfo=None)
    if hasattr(value, "isoformat"):
        return value
    return str(value)
