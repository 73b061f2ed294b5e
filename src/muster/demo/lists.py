"""Reference lists as authorities hand them over, and the first screening of the registry against them."""

import random

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from muster.people.models import Person
from muster.screening.models import DEMO_RUN_REASON, Hit

# Reference lists as authorities hand them over: a few hundredths of the adults of the "held"
# category, spelled as each register would, so that the screening queue has list hits on day one.
# Name and owner in English here; loaded in the demo's language.
DEMO_LISTS = (
    (
        gettext_noop("Ministry of Interior wanted persons"),
        gettext_noop("Ministry of Interior"),
        "authority_ar",
        0.04,
    ),
    (
        gettext_noop("Partner agency watch list"),
        gettext_noop("Protection cluster partner"),
        "ngo",
        0.02,
    ),
)


def _load_reference_lists(scenario, screener, seed: int) -> None:
    import csv
    import io

    from muster.identity import PERSON_COLUMNS
    from muster.scenario.sources import render_records
    from muster.screening.imports import import_reference_list

    rng = random.Random(seed + 7)
    adults = [p for p in scenario.persons if p.category == "held" and not p.is_child]
    # A few listed men came out as civilians and are not held: their hits are what a screening
    # officer proposes "held" for, and a second officer approves.
    civilians = [p for p in scenario.persons if p.category == "civilian" and not p.is_child]
    for name, owner, source, share in DEMO_LISTS:
        chosen = rng.sample(adults, min(len(adults), max(3, min(150, round(share * len(adults))))))
        chosen += rng.sample(civilians, min(len(civilians), 3))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(PERSON_COLUMNS)
        records = render_records(chosen, {source: 1.0}, seed=seed, duplicates_within_source=0)
        for record, _truth in records:
            writer.writerow([record.get(col, "") for col in PERSON_COLUMNS])
        import_reference_list(
            out.getvalue().encode(),
            name=_(name),
            owner=_(owner),
            legal_basis=_("Demo scenario: list supplied under a data-sharing agreement."),
            list_date=timezone.localdate(),
            by=screener,
            file_name=f"{source}.csv",
            source_format="csv",
            skip_bad_rows=True,
        )


def _screen(screener) -> None:
    """Screen the whole registry against the reference lists now, rather than by the worker, so the
    queue holds list hits when the demo opens. The loaded registry has no duplicates by construction,
    so the registry-against-itself pass (the slow half at 60,000 persons) is left to the
    re-registrations below, which are screened as any registration is."""
    from muster.screening import services as screening
    from muster.screening.models import ScreeningRun
    from muster.screening.services.run_states import finish_run

    started = timezone.now()
    run = ScreeningRun.objects.create(
        kind=ScreeningRun.Kind.BATCH,
        status=ScreeningRun.Status.RUNNING,
        reason=DEMO_RUN_REASON,
        created_at=started,
        started_at=started,
        started_by=screener,
    )
    persons = list(Person.objects.filter(merged_into__isnull=True).order_by("id"))
    hits = screening.screen_persons(persons, run=run, registry=False)
    run.total = len(persons)
    finish_run(run, len(persons), hits, actor=screener)
    # One "held" proposal waiting for the second screening officer, on a confirmed list hit.
    hit = next(
        (
            h
            for h in Hit.objects.filter(
                kind=Hit.Kind.REFERENCE_LIST, band=Hit.Band.LIKELY
            ).order_by("-score", "id")
            if (current := screening.current_category(h.person)) is None
            or current.category != "held"
        ),
        None,
    )
    if hit is not None:
        screening.adjudicate(
            hit,
            "confirm",
            reason=_("Demo: listed person, identity checked at interview."),
            by=screener,
        )
        screening.decide_category(
            hit.person,
            "held",
            reason=_("Demo: confirmed on the list; the interview supports it."),
            legal_basis=hit.reference_entry.reference_list.legal_basis,
            basis_hit=hit,
            by=screener,
        )
