"""Many households submitted from KoboToolbox / ODK and imported from a file: checked as at
reception, written in bulk chunks (or one by one), each person screened; a per-row report."""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.rows import insert_rows
from muster.custody import services as custody
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Facility
from muster.intake.audit_actions import IntakeAction
from muster.intake.kobo import (
    DUPLICATE,
    IMPORTED,
    REFUSED,
    ImportBatch,
    Submission,
    check_submissions,
    document_problems,
    refuse_with,
    report_rows,
)
from muster.intake.models import ImportedSubmission, SubmissionImport
from muster.intake.services.reception import (
    check_documents,
    check_reception_point,
    register_household,
)
from muster.people import services as people
from muster.people.audit_actions import PeopleAction
from muster.people.models import PROTECTION_FLAGS, Household, Person
from muster.people.signals import (
    household_registered,
    registrations_finished,
    registrations_started,
)
from muster.people.validation import clean_household

# -- submissions from KoboToolbox and ODK ---------------------------------------------------------

# Households registered per transaction. Small: on SQLite (one writer at a time) an officer
# registering at reception while a large import runs waits for one chunk at most; and the progress
# shown moves at this step.
IMPORT_CHUNK = 25
# Households per transaction on the bulk path (a few bulk inserts, one audit event, one screening
# run per chunk); a chunk it cannot take whole goes household by household.
BULK_CHUNK = 250


def reception_points() -> QuerySet:
    return Facility.objects.filter(kind=Facility.Kind.RECEPTION_POINT, is_active=True)


def start_import(
    *, file_name: str, reception_point: Facility | None, by, request=None, data: bytes | None = None
) -> SubmissionImport:
    """Record that a file of submissions is being imported; ``reception_point`` serves submissions
    that name none. ``data``: the file, kept only until the worker has imported it."""
    if reception_point is not None:
        check_reception_point(reception_point)
    with transaction.atomic():
        run = SubmissionImport.objects.create(
            file_name=file_name[:200],
            reception_point=reception_point,
            created_at=timezone.now(),
            started_by=by,
            data=data,
            language=translation.get_language() or "",
        )
        audit.record(
            IntakeAction.IMPORT_START,
            actor=by,
            obj=run,
            request=request,
            detail={"file": run.file_name, "reception_point": getattr(reception_point, "pk", None)},
        )
    return run


# How many of the rows that name no reception point a refusal lists (then "and N more").
ROWS_NAMED = 10


def rows_without_point(batch: ImportBatch) -> list[int]:
    """The file's rows whose submission names no reception point: the import needs one chosen for
    the whole file only when there are any."""
    return [s.row for s in batch.submissions if not s.reception_point]


def rows_text(rows: Sequence[int]) -> str:
    """Row numbers for a message: "3, 7, 12", or the first few and how many more."""
    shown = ", ".join(str(r) for r in rows[:ROWS_NAMED])
    if len(rows) > ROWS_NAMED:
        more = len(rows) - ROWS_NAMED
        shown += " " + ngettext("… and %(n)d more", "… and %(n)d more", more) % {"n": more}
    return shown


def _point_lookup(points: Iterable[Facility]) -> dict[str, Facility]:
    """A submission names its reception point by id (the form's choice list) or by name."""
    lookup: dict[str, Facility] = {}
    for point in points:
        lookup[str(point.pk)] = point
        lookup.setdefault(point.name, point)
    return lookup


def check_import(
    batch: ImportBatch,
    *,
    reception_point: Facility | None,
    points: Iterable[Facility] | None = None,
) -> dict[str, Facility]:
    """Check every submission as reception checks a household, and mark those already imported.

    Writes nothing. Returns the reception points submissions may name (by id and by name);
    ``reception_point`` serves those that name none.
    """
    lookup = _point_lookup(reception_points() if points is None else points)
    check_submissions(
        batch,
        clean_household=clean_household,
        flags=PROTECTION_FLAGS,
        reception_point_ok=lambda v: v in lookup or (not v and reception_point is not None),
        check_document=document_problems,
    )
    pending = [s for s in batch.accepted]
    for start in range(0, len(pending), 500):
        part = {s.submission_id: s for s in pending[start : start + 500]}
        known = ImportedSubmission.objects.filter(submission_id__in=part).values_list(
            "submission_id", "household__number"
        )
        for submission_id, number in known:
            part[submission_id].duplicate = _("already imported as household %(number)s") % {
                "number": number
            }
            part[submission_id].household = number
    return lookup


def import_submissions(
    run: SubmissionImport,
    batch: ImportBatch,
    *,
    by,
    request=None,
    points: Iterable[Facility] | None = None,
    chunk: int | None = None,
    on_progress: Callable[[SubmissionImport], None] | None = None,
    bulk: bool = True,
) -> SubmissionImport:
    """Register every accepted submission of ``batch`` as a household, through
    :func:`register_household` (placed at its reception point, audited, screened after commit).

    Each household is whole or absent (its own savepoint); a submission already imported, here or
    by a concurrent import, is reported as a duplicate and changes nothing. Progress and counts are
    kept on ``run``, and at the end its per-row report.

    ``bulk`` (the default): each chunk is written with a few bulk inserts, audited by one event
    listing its households and persons, and screened in one run after it commits (see
    :func:`_import_bulk`); the same checks and outcome as household by household, which a chunk
    falls back to when it cannot be taken whole. ``bulk=False``: every household through
    :func:`register_household`.
    """
    SubmissionImport.objects.filter(pk=run.pk).update(
        status=SubmissionImport.Status.RUNNING,
        started_at=timezone.now(),
        source=batch.source[:40],
        total=len(batch.submissions),
    )
    run.refresh_from_db()
    lookup = check_import(batch, reception_point=run.reception_point, points=points)
    batch.written = True
    bulk = bulk if chunk is None else bulk and chunk > 1
    chunk = chunk or (BULK_CHUNK if bulk else IMPORT_CHUNK)
    todo = batch.accepted
    settled = len(batch.submissions) - len(todo)
    run.done = settled
    counts = _tally([s for s in batch.submissions if not s.ok])
    # Chunks committed one by one (not inside a caller's transaction): screened beside the writing.
    beside = (
        bulk
        and len(todo) >= max(conf().IMPORT_SCREEN_BESIDE_FROM, 1)
        and not transaction.get_connection().in_atomic_block
    )
    if beside:
        registrations_started.send(sender=SubmissionImport)
    try:
        for start in range(0, len(todo), chunk):
            part = todo[start : start + chunk]
            with transaction.atomic():
                if not (bulk and _import_bulk(part, run, lookup, by, request)):
                    for sub in part:
                        point = lookup.get(sub.reception_point) or run.reception_point
                        _import_one(sub, run, point, by, request)
                run.done = settled + start + len(part)
                counts += _tally(part)
                _save_counts(run, counts, len(batch.orphans))
            if on_progress is not None:
                on_progress(run)
    finally:
        if beside:  # returns once every chunk written has been screened
            registrations_finished.send(sender=SubmissionImport)
    with transaction.atomic():
        run.status = SubmissionImport.Status.DONE
        run.finished_at = timezone.now()
        run.report = report_rows(batch)
        run.data = None
        _save_counts(run, counts, len(batch.orphans), "status", "finished_at", "report", "data")
        audit.record(
            IntakeAction.IMPORT,
            actor=by,
            obj=run,
            request=request,
            detail={
                "source": run.source,
                "submissions": run.total,
                "imported": run.imported,
                "duplicates": run.duplicates,
                "refused": run.refused,
                "persons": run.persons,
            },
        )
    return run


def _import_bulk(part: Sequence[Submission], run: SubmissionImport, lookup, by, request) -> bool:
    """Register a chunk of submissions in bulk, with the checks of :func:`register_household`
    (reception point, documents, the persons' fields, protection and capacity through
    ``place_many``). All or nothing: on any refusal from the database or from placement (a full
    reception point, a number clash, a submission imported meanwhile) the chunk is rolled back and
    False returned, for the caller to take it household by household, which says which household
    was refused and why. Refusals of single households (their documents) are reported here."""
    ready: list[tuple[Submission, Facility]] = []
    refused: list[tuple[Submission, ValidationError]] = []
    for sub in part:
        point = lookup.get(sub.reception_point) or run.reception_point
        try:
            check_reception_point(point)
            check_documents(sub.cleaned)
        except ValidationError as exc:
            refused.append((sub, exc))
        else:
            ready.append((sub, point))
    made: list[tuple[Household, list[Person]]] = []
    try:
        with transaction.atomic():
            if ready:
                made = people.create_households_bulk([s.cleaned for s, _ in ready], by=by)
                at_point: dict[int, tuple[Facility, list[Person]]] = {}
                for (_, point), (_, persons) in zip(ready, made, strict=True):
                    at_point.setdefault(point.pk, (point, []))[1].extend(persons)
                for point, persons in at_point.values():
                    custody.place_many(
                        persons, point, by=by, request=request, audit_each=False, returning=False
                    )
                now = timezone.now()
                insert_rows(
                    ImportedSubmission,
                    ("submission_id", "household_id", "submission_import_id", "imported_at"),
                    [
                        (sub.submission_id, household.pk, run.pk, now)
                        for (sub, _), (household, _) in zip(ready, made, strict=True)
                    ],
                )
                persons = [p for _, ps in made for p in ps]
                # The events register_household writes, chained in one go.
                events: list[tuple[str, object, dict]] = []
                for (_, point), (household, members) in zip(ready, made, strict=True):
                    for person in members:
                        detail = {"household": household.number}
                        events.append((PeopleAction.PERSON_REGISTER, person, detail))
                    detail = {"members": len(members), "reception_point": point.pk}
                    events.append((PeopleAction.HOUSEHOLD_REGISTER, household, detail))
                    for person in members:
                        detail = {"facility": point.pk}
                        events.append((CustodyAction.PLACEMENT_CREATE, person, detail))
                audit.record_many(events, actor=by, request=request)
                # Screening once for the chunk, after it commits, as at reception.
                household_registered.send(sender=Household, household=None, persons=persons)
    except (ValidationError, IntegrityError):
        return False
    for (sub, _), (household, _) in zip(ready, made, strict=True):
        sub.household = household.number
    for sub, exc in refused:
        refuse_with(sub, exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages})
    return True


def _import_one(sub: Submission, run: SubmissionImport, point: Facility, by, request) -> None:
    try:
        with transaction.atomic():
            household = register_household(
                sub.cleaned, reception_point=point, by=by, request=request
            )
            ImportedSubmission.objects.create(
                submission_id=sub.submission_id,
                household=household,
                submission_import=run,
                imported_at=timezone.now(),
            )
    except IntegrityError:
        if ImportedSubmission.objects.filter(submission_id=sub.submission_id).exists():
            sub.duplicate = _("already imported (by an import running at the same time)")
        else:  # a check of the database's own (the values were checked before: not expected)
            sub.refuse("", _("the database refused the household (a check constraint failed)"))
    except ValidationError as exc:
        refuse_with(sub, exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages})
    else:
        sub.household = household.number


def _tally(submissions: Iterable[Submission]) -> Counter:
    """Submissions by status (``IMPORTED``, ``DUPLICATE``, ``REFUSED``), and the persons imported:
    kept chunk by chunk, not counted again over the whole file after each."""
    counts = Counter(s.status for s in submissions)
    counts["persons"] = sum(len(s.members) for s in submissions if s.status == IMPORTED)
    return counts


def _save_counts(run: SubmissionImport, counts: Counter, orphans: int, *fields: str) -> None:
    run.imported, run.persons = counts[IMPORTED], counts["persons"]
    run.duplicates, run.refused = counts[DUPLICATE], counts[REFUSED] + orphans
    run.save(update_fields=["done", "imported", "persons", "duplicates", "refused", *fields])


def fail_import(run: SubmissionImport, error: str, *, by=None, request=None) -> SubmissionImport:
    """The file could not be read (or the import stopped): say why on the run; nothing half-done
    stays (each household is whole or absent), and the file is not kept."""
    with transaction.atomic():
        run.status = SubmissionImport.Status.FAILED
        run.error = error[:300]
        run.finished_at = timezone.now()
        run.data = None
        run.save(update_fields=["status", "error", "finished_at", "data"])
        audit.record(
            IntakeAction.IMPORT,
            actor=by,
            obj=run,
            request=request,
            detail={"status": run.status, "error": run.error},
        )
    return run
