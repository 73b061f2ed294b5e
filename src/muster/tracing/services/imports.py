"""Importing a list of the missing (CSV, XLSX, PFIF) as tracing requests, and exporting as PFIF.

An import reads the whole file first (:mod:`muster.tracing.imports`), then writes in ONE
transaction with each row in its own savepoint: a row is created, reported as a duplicate (its
reference from the same source was imported before: importing a file again changes nothing), or
refused with its field and reason; a row refused by the database leaves the others standing, and
a failure of the import itself (the database gone, the process stopped) leaves nothing of the
file. Every request is opened through :func:`open_request` (its own audit event, matched after
commit) and the file as a whole is one ``tracing.import`` event with its counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.uploads import check_upload_size
from muster.tracing import imports
from muster.tracing.audit_actions import TracingAction
from muster.tracing.models import TracingRequest
from muster.tracing.services.requests import REQUEST_FIELDS, open_request

CREATED, DUPLICATE, REFUSED = "created", "duplicate", "refused"
REPORT_COLUMNS = ("row", "outcome", "request", "source_ref", "field", "code", "message")


@dataclass(frozen=True)
class RowOutcome:
    row: int
    outcome: str  # created, duplicate or refused
    source_ref: str = ""
    request: str = ""  # the request number, created or found
    field: str = ""
    code: str = ""
    message: str = ""

    def as_row(self) -> list[str]:
        return [str(self.row), self.outcome, self.request, self.source_ref, self.field,
                self.code, self.message]  # fmt: skip

    def __str__(self) -> str:
        what = {CREATED: self.request, DUPLICATE: self.request}.get(self.outcome, "")
        where = f"{self.field}: " if self.field else ""
        return (
            f"row {self.row}: {self.outcome}"
            + (f" {what}" if what else "")
            + (f" ({where}{self.message})" if self.message else "")
        )


@dataclass
class ImportReport:
    file_name: str
    format: str
    outcomes: list[RowOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def created(self) -> int:
        return self.count(CREATED)

    @property
    def duplicates(self) -> int:
        return self.count(DUPLICATE)

    @property
    def refused(self) -> int:
        return len({o.row for o in self.outcomes if o.outcome == REFUSED})

    def rows(self) -> list[list[str]]:
        """The per-row report (REPORT_COLUMNS), in the file's order."""
        return [o.as_row() for o in sorted(self.outcomes, key=lambda o: o.row)]


def _refusal(exc: ValidationError) -> tuple[str, str, str]:
    """(field, code, message) of the first error of a service's refusal."""
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.error_dict.items()))
        first = errors[0]
        return name, first.code or "invalid", " ".join(first.messages)
    return "", exc.code or "invalid", " ".join(exc.messages)


def import_requests(
    data: bytes, *, file_name: str, by=None, office: str = "", request=None
) -> ImportReport:
    """Import a CSV, XLSX or PFIF list of the missing; ``office`` fills rows that name none.

    Raises ValidationError on ``file`` (with the reader's code) when the file cannot be read at
    all; otherwise every row is in the report.
    """
    check_upload_size(len(data))
    try:
        fmt, parsed = imports.read_requests(file_name, data)
    except imports.FileRefused as exc:
        raise ValidationError({"file": ValidationError(str(exc), code=exc.code)}) from None
    report = ImportReport(file_name=file_name, format=fmt, warnings=list(parsed.warnings))
    for error in parsed.errors:
        report.outcomes.append(
            RowOutcome(
                error.row, REFUSED, field=error.field, code=error.code, message=error.message
            )
        )
    office = (office or "").strip()
    with transaction.atomic():
        for row in parsed.rows:
            report.outcomes.append(_import_row(row, fmt, office, by, request, report))
        audit.record(
            TracingAction.TRACING_IMPORT,
            actor=by,
            request=request,
            detail={
                "file": file_name[-200:],
                "format": fmt,
                "rows": parsed.total,
                "created": report.created,
                "duplicates": report.duplicates,
                "refused": report.refused,
                "office": office,
            },
        )
    return report


def _own_request(ref: str) -> str:
    """The number of this system's request a PFIF person_record_id names (domain/number, as
    :func:`export_pfif` writes it), or ""."""
    domain, _slash, number = ref.partition("/")
    if domain != conf().PFIF_DOMAIN or not number:
        return ""
    return (
        TracingRequest.objects.filter(number=number).values_list("number", flat=True).first() or ""
    )


def _import_row(row, fmt: str, office: str, by, request, report: ImportReport) -> RowOutcome:
    values = row.values
    ref = str(values["source_ref"])
    if fmt == "pfif" and (own := _own_request(ref)):
        # A repository sends back what it received from us: the request is here already.
        message = _("this system's own request, exported from it")
        return RowOutcome(row.row, DUPLICATE, ref, own, message=message)
    fields = {k: values.get(k) for k in REQUEST_FIELDS}
    if office and not fields.get("office"):
        fields["office"] = office
    try:
        created = open_request(fields, by=by, source=fmt, source_ref=ref, request=request)
    except ValidationError as exc:
        name, code, message = _refusal(exc)
        if code == "already_imported":
            number = (
                TracingRequest.objects.filter(source=fmt, source_ref=ref)
                .values_list("number", flat=True)
                .first()
            )
            return RowOutcome(row.row, DUPLICATE, ref, number or "", message=_("imported before"))
        return RowOutcome(row.row, REFUSED, ref, field=name, code=code, message=message)
    if values.get("is_child") and not created.is_child:
        report.warnings.append(
            _("row %(r)d: is_child: the file marks a child, but without a birth year or an age "
              "at separation the request is not treated as a child's; add one")
            % {"r": row.row}
        )  # fmt: skip
    return RowOutcome(row.row, CREATED, ref, created.number)


def request_values(req: TracingRequest) -> dict[str, object]:
    """A request as the PFIF writer reads it."""
    values = {k: getattr(req, k) for k in REQUEST_FIELDS}
    return {
        **values,
        "number": req.number,
        "status": req.status,
        "source": req.source,
        "source_ref": req.source_ref,
        "created_at": req.created_at,
        "is_child": req.is_child,
    }


def export_pfif(
    requests: Iterable[TracingRequest],
    *,
    domain: str,
    include_contacts: bool = False,
    include_notes: bool = False,
    by=None,
    request=None,
    purpose: str = "",
    now: dt.datetime | None = None,
) -> bytes:
    """The requests as PFIF 1.4 XML, audited as an export (the persons found, by id, indexed).
    The requesters' contacts and the caseworkers' notes (free text: a phone number, a name) are
    left out unless asked for; the audit event says whether each was."""
    reqs = list(requests)
    xml = imports.write_pfif(
        (request_values(r) for r in reqs),
        domain=domain,
        include_contacts=include_contacts,
        include_notes=include_notes,
        now=now,
    )
    audit.record_export(
        {
            "export": "tracing-pfif",
            "purpose": purpose[:200],
            "format": "pfif-1.4",
            "rows": len(reqs),
            "requests": [r.number for r in reqs][:10000],
            "contacts": include_contacts,
            "notes": include_notes,
        },
        person_ids=[r.linked_person_id for r in reqs if r.linked_person_id],
        actor=by,
        request=request,
    )
    return xml
