"""Screening runs: each registration screened against the registry and the reference lists, the whole
registry in batch, and a crash recorded as a failed run (never read as "no hits")."""

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from muster.audit import services as audit
from muster.identity import Candidate
from muster.people.models import Person
from muster.screening import matching
from muster.screening.audit_actions import ScreeningAction
from muster.screening.models import (
    Hit,
    ReferenceEntry,
    ScreeningRun,
)
from muster.screening.services.run_states import (
    fail_run,
    finish_run,
    start_run,
)

logger = logging.getLogger("muster.screening.services")


def _pair_key_duplicate(a_id: int, b_id: int) -> str:
    lo, hi = sorted((a_id, b_id))
    return f"dup:{lo}:{hi}"


def _pair_key_list(list_name: str, ref_id: str, person_id: int) -> str:
    return f"ref:{list_name}:{ref_id}:{person_id}"[:300]


def _household_records(household_ids: set[int]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    if not household_ids:
        return out
    rows = Person.objects.filter(household_id__in=household_ids, merged_into__isnull=True).values(
        "household_id", *matching.PERSON_FIELDS
    )
    for row in rows:
        hh = row.pop("household_id")
        out[hh].append(matching.person_record(row))
    return out


def _older_first(a: Person, b: Person) -> tuple[Person, Person]:
    return (a, b) if (a.registered_at, a.pk) <= (b.registered_at, b.pk) else (b, a)


def screen_persons(
    persons: Sequence[Person],
    *,
    run: ScreeningRun | None = None,
    registry: bool = True,
    lists: bool = True,
    by=None,
    lists_index=None,
    records: Mapping[int, Mapping] | None = None,
) -> list[Hit]:
    """Screen persons against the registry and the current reference lists; create new hits.
    ``records``: their person records by pk, already made (``matching.person_record``).

    A pair that already has a hit (open, decided or rejected) is never proposed again. Persons of
    the same household and records already merged together are not duplicates of each other.
    """
    persons = [p for p in persons if not p.merged_into_id]
    if not persons:
        return []
    # Bring the indexes up to date once for the whole call, not once per person.
    registry_index = matching.REGISTRY.sync() if registry else None
    if lists and lists_index is None:
        lists_index = matching.REGISTRY.lists()
    # Every person's candidates scored in one pass (a chunk of an import: hundreds of persons).
    made = records or {}
    records = [made.get(p.pk) or matching.person_record(p) for p in persons]
    return propose_hits(
        persons,
        matching.registry_candidates_many(records, index=registry_index) if registry else None,
        matching.list_candidates_many(records, index=lists_index) if lists else None,
        run=run,
        by=by,
    )


def propose_hits(
    persons: Sequence[Person],
    registry_found: Sequence[Sequence[Candidate]] | None,
    list_found: Sequence[Sequence[Candidate]] | None,
    *,
    run: ScreeningRun | None = None,
    by=None,
) -> list[Hit]:
    """The hits for persons' candidates (``registry_found`` / ``list_found``: each person's, in
    the order of ``persons``; None: not searched), as :func:`screen_persons` proposes them."""
    found: list[tuple[Person, Candidate, str]] = []  # (person, candidate, kind)
    for kind, each in (("dup", registry_found), ("ref", list_found)):
        if each is not None:
            found += [(p, c, kind) for p, cs in zip(persons, each, strict=True) for c in cs]
    if not found:
        return []

    dup_ids = {int(c.record_id) for _, c, k in found if k == "dup"}
    candidates = {
        p.pk: p
        for p in Person.objects.filter(pk__in=dup_ids, merged_into__isnull=True).select_related(
            "household"
        )
    }
    entry_ids = {int(c.record_id[1:]) for _, c, k in found if k == "ref"}
    entries = {
        e.pk: e
        for e in ReferenceEntry.objects.filter(pk__in=entry_ids).select_related("reference_list")
    }
    proposals: dict[str, dict] = {}
    for person, cand, kind in found:
        band = matching.band_of(cand.match_probability)
        if band is None:
            continue
        if kind == "dup":
            other = candidates.get(int(cand.record_id))
            if other is None or other.pk == person.pk:
                continue  # merged meanwhile, or a stale index entry
            if person.household_id and other.household_id == person.household_id:
                continue
            key = _pair_key_duplicate(person.pk, other.pk)
        else:
            entry = entries.get(int(cand.record_id[1:]))
            if entry is None or not entry.reference_list.is_current:
                continue
            other = entry
            key = _pair_key_list(entry.reference_list.name, entry.ref_id, person.pk)
        if key in proposals and proposals[key]["cand"].match_probability >= cand.match_probability:
            continue  # an alias of the same listed person scored lower
        proposals[key] = {
            "person": person,
            "other": other,
            "cand": cand,
            "band": band,
            "kind": kind,
        }
    if not proposals:
        return []
    existing = set(Hit.objects.filter(pair_key__in=proposals).values_list("pair_key", flat=True))
    fresh = {k: v for k, v in proposals.items() if k not in existing}
    if not fresh:
        return []

    households = _household_records(
        {v["person"].household_id for v in fresh.values() if v["kind"] == "dup"}
        | {v["other"].household_id for v in fresh.values() if v["kind"] == "dup"}
    )
    now = timezone.now()
    hits = []
    with transaction.atomic():
        for key, v in fresh.items():
            explanation = dict(v["cand"].explanation)
            if v["kind"] == "dup":
                newer, older = _older_first(v["other"], v["person"])[::-1]
                explanation["family"] = matching.family_links(
                    [
                        r
                        for r in households.get(newer.household_id, [])
                        if r["record_id"] != str(newer.pk)
                    ],
                    [
                        r
                        for r in households.get(older.household_id, [])
                        if r["record_id"] != str(older.pk)
                    ],
                )
                if newer.pk != v["person"].pk:
                    explanation = _swap_sides(explanation)
                fields = {"person": newer, "kind": Hit.Kind.DUPLICATE, "candidate": older}
            else:
                fields = {
                    "person": v["person"],
                    "kind": Hit.Kind.REFERENCE_LIST,
                    "reference_entry": v["other"],
                }
            hit, created = Hit.objects.get_or_create(
                pair_key=key,
                defaults={
                    **fields,
                    "score": v["cand"].match_probability,
                    "weight": v["cand"].score,
                    "band": v["band"],
                    "explanation": explanation,
                    "run": run,
                    "created_at": now,
                },
            )
            if created:
                audit.record(
                    ScreeningAction.SCREENING_HIT,
                    actor=by,
                    obj=hit.person,
                    detail={"hit": hit.pk, "kind": hit.kind, "band": hit.band},
                )
                hits.append(hit)
        if run is not None and hits:
            ScreeningRun.objects.filter(pk=run.pk).update(
                hits_created=F("hits_created") + len(hits)
            )
    return hits


def _swap_sides(explanation: dict) -> dict:
    out = {}
    for field, item in explanation.items():
        item = dict(item)
        if "a" in item or "b" in item:
            item["a"], item["b"] = item.get("b", ""), item.get("a", "")
        read = {"a_read": item.pop("b_read", None), "b_read": item.pop("a_read", None)}
        item.update({k: v for k, v in read.items() if v is not None})
        crossed = {"a_field": item.pop("b_field", None), "b_field": item.pop("a_field", None)}
        item.update({k: v for k, v in crossed.items() if v})
        out[field] = item
    return out


def screen_registration(
    person_ids: Sequence[int], persons: Sequence[Person] = ()
) -> ScreeningRun | None:
    """Screen newly registered persons (called after their registration committed); ``persons``:
    the same persons as the registration wrote them, which spares reading them back.

    Never raises: a registration must not fail or slow down because screening failed. A failure is
    kept on its run (status failed, the error's type, no personal data) and in the audit log, and
    the screening queue shows it: a crash must never read as "no hits". The next batch re-screen
    catches up.
    """
    run = start_run(len(person_ids))
    if run is None:
        return None
    try:
        persons = registered_persons(person_ids, persons)
        # The registry index takes them in, once, as they are (screen_persons' own sync then
        # finds nothing new).
        # Each person's record made once, for the index and for the scoring.
        records = {p.pk: matching.person_record(p) for p in persons}
        matching.REGISTRY.sync(persons, records)
        # Outside a transaction (a real request, after the registration committed) a changed set of
        # lists is rebuilt in the background; these persons are screened again once it is ready.
        lists_index = matching.REGISTRY.lists(
            stale_ok=not transaction.get_connection().in_atomic_block, person_ids=person_ids
        )
        with transaction.atomic():
            hits = screen_persons(persons, run=run, lists_index=lists_index, records=records)
            return finish_run(run, len(persons), hits)
    except Exception as exc:  # noqa: BLE001 - screening must never break a registration
        logger.error(
            "screening of %d new registration(s) failed (%s); batch re-screen will catch up",
            len(person_ids),
            type(exc).__name__,
        )
        return fail_run(run, type(exc).__name__)


def registered_persons(person_ids: Sequence[int], persons: Sequence[Person]) -> list[Person]:
    """The persons of ``person_ids``: those given, or read back if any is missing."""
    wanted = set(person_ids)
    persons = [p for p in persons if p.pk in wanted]
    if len(persons) != len(wanted):
        persons = list(Person.objects.filter(pk__in=person_ids))
    return persons


def on_household_registered(sender, household, persons, **kwargs) -> None:
    from muster.screening.services import beside

    ids = [p.pk for p in persons]
    persons = list(persons)
    # During a long import, handed to the scoring process beside it (services.beside).
    screen = getattr(beside.active(), "submit", screen_registration)
    transaction.on_commit(lambda: screen(ids, persons))


BATCH_CHUNK = 500


def run_batch_rescreen(run_id: int, *, chunk: int = BATCH_CHUNK) -> ScreeningRun:
    """The body of the background job: screen every person, recording progress on the run."""
    run = ScreeningRun.objects.get(pk=run_id)
    ScreeningRun.objects.filter(pk=run.pk).update(
        status=ScreeningRun.Status.RUNNING, started_at=timezone.now(), done=0
    )
    try:
        ids = list(
            Person.objects.filter(merged_into__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)
        )
        ScreeningRun.objects.filter(pk=run.pk).update(total=len(ids))
        matching.REGISTRY.sync()
        for start in range(0, len(ids), chunk):
            persons = list(Person.objects.filter(pk__in=ids[start : start + chunk]))
            screen_persons(persons, run=run)
            ScreeningRun.objects.filter(pk=run.pk).update(done=min(start + chunk, len(ids)))
        ScreeningRun.objects.filter(pk=run.pk).update(
            status=ScreeningRun.Status.DONE, finished_at=timezone.now()
        )
    except Exception as exc:
        logger.error("batch re-screen %d failed (%s)", run.pk, type(exc).__name__)
        ScreeningRun.objects.filter(pk=run.pk).update(
            status=ScreeningRun.Status.FAILED,
            finished_at=timezone.now(),
            error=type(exc).__name__,
        )
        raise
    run.refresh_from_db()
    audit.record(
        ScreeningAction.SCREENING_RUN,
        obj=run,
        detail={"kind": run.kind, "persons": run.done, "hits": run.hits_created},
    )
    return run


def screen_against_new_lists(person_ids: list[int]) -> None:
    """Screen again, against the lists just rebuilt, persons screened against the previous ones."""
    persons = list(Person.objects.filter(pk__in=person_ids, merged_into__isnull=True))
    if persons:
        with transaction.atomic():
            screen_persons(persons, registry=False)


matching.REGISTRY.after_lists_rebuilt = screen_against_new_lists
