"""Importing a reference list: nothing of a file with errors unless told to skip the bad rows."""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.parsing import parse_day
from muster.core.uploads import check_upload_size
from muster.screening.audit_actions import ScreeningAction
from muster.screening.imports.records import read_csv, read_xlsx
from muster.screening.imports.rows import ImportRefused, RowError, TooManyRows
from muster.screening.imports.unlist import read_un_xml
from muster.screening.models import ReferenceEntry, ReferenceList


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
    return parse_day(raw)  # typed on an Arabic or Sorani keyboard too: ٢٠٢٦-١١-٠١


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
    errors: dict[str, list[ValidationError]] = {}
    name, owner, legal_basis = (
        (name or "").strip(),
        (owner or "").strip(),
        (legal_basis or "").strip(),
    )
    for key, value in (("name", name), ("owner", owner), ("legal_basis", legal_basis)):
        if not value:
            errors[key] = [ValidationError(_("is required"), code="required")]
    day = _parse_list_date(list_date)
    if day is None:
        errors["list_date"] = [
            ValidationError(
                _("'%(v)s' is not a date (YYYY-MM-DD)") % {"v": str(list_date)[:20]},
                code="not_a_date",
            )
        ]
    if not data:
        errors["file"] = [ValidationError(_("the file is empty"), code="empty_file")]
    else:
        try:
            check_upload_size(len(data))
        except ValidationError as exc:
            errors.update(exc.error_dict)
    fmt = source_format or detect_format(file_name, data or b"")
    if fmt not in READERS:
        errors["source_format"] = [
            ValidationError(
                _("'%(v)s' is not a list format (csv, xlsx, un_xml)") % {"v": fmt[:20]},
                code="not_a_list_format",
            )
        ]
    if errors:
        raise ValidationError(errors)
    max_rows = conf().LIST_MAX_ROWS
    try:
        parsed = READERS[fmt](data, max_rows)
    except TooManyRows:
        raise ValidationError(
            {"file": [ValidationError(
                ngettext("the file has more than %(n)d row (MUSTER_LIST_MAX_ROWS); split it",
                         "the file has more than %(n)d rows (MUSTER_LIST_MAX_ROWS); split it",
                         max_rows)
                % {"n": max_rows}, code="too_many_rows")]}
        ) from None  # fmt: skip
    fatal = [e for e in parsed.errors if e.row == 1 and not parsed.entries]
    if parsed.errors and (not skip_bad_rows or fatal):
        raise ImportRefused(parsed.errors)
    if not parsed.entries:
        raise ValidationError(
            {
                "file": [
                    ValidationError(_("no entry could be read from the file"), code="empty_file")
                ]
            }
        )

    with transaction.atomic():
        previous = (
            ReferenceList.objects.select_for_update().filter(name=name, is_current=True).first()
        )
        if previous is not None and day < previous.list_date:
            raise ValidationError(
                {"list_date": [ValidationError(_("the current version of '%(n)s' is dated %(d)s; this file is older")
                               % {"n": name, "d": previous.list_date.isoformat()}, code="older_version")]}
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
            ScreeningAction.SCREENING_LIST_IMPORT,
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
