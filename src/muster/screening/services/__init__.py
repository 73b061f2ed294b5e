"""The verbs of screening: screen registrations, adjudicate hits, decide categories, protect.

Muster never assigns a category by itself: every decision names the officer and the reason, and
"held" takes effect only when a second officer approves it. Screening only proposes (hits); an
officer decides, and every decision is kept with its reason.

Three sub-domains: ``categories`` (decide, approve, refuse), ``runs`` (screening persons at
registration and in batch; ``run_states``: a run started, finished or failed; ``beside``: a long
import's chunks scored in a second process while it writes the next) and ``adjudication`` (the
hit queue, decisions, merges). Import the verbs from here: ``from muster.screening import services as screening``."""

from muster.screening.services.adjudication import (
    OPEN_STATUSES,
    AlreadyDecided,
    adjudicate,
    hit_queue,
    merge_duplicate,
    merge_undone,
    registrations_of,
    undo_merge,
    unmerge_duplicate,
)
from muster.screening.services.categories import (
    approve_category,
    current_category,
    decide_category,
    decide_household_categories,
    held_or_proposed,
    pending_approvals,
    pending_category,
    refuse_category,
)
from muster.screening.services.run_states import (
    WorkerLost,
    fail_abandoned_run,
    failed_runs,
    unscreened_since_failure,
)
from muster.screening.services.runs import (
    BATCH_CHUNK,
    on_household_registered,
    run_batch_rescreen,
    screen_persons,
    screen_registration,
)

__all__ = [
    "current_category",
    "pending_category",
    "held_or_proposed",
    "decide_category",
    "decide_household_categories",
    "approve_category",
    "refuse_category",
    "pending_approvals",
    "OPEN_STATUSES",
    "AlreadyDecided",
    "screen_persons",
    "screen_registration",
    "WorkerLost",
    "fail_abandoned_run",
    "failed_runs",
    "unscreened_since_failure",
    "on_household_registered",
    "BATCH_CHUNK",
    "run_batch_rescreen",
    "hit_queue",
    "adjudicate",
    "undo_merge",
    "merge_duplicate",
    "merge_undone",
    "unmerge_duplicate",
    "registrations_of",
]
