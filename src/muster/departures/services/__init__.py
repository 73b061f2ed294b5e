"""The verbs of departures: plan a batch, approve it, dispatch it, confirm each person, import the
receiving side's confirmation, cancel, record a death, record a nationality verification.

Each verb is one transaction and writes its audit events inside it. Custody's placements change only
through :mod:`muster.custody.services.exits`; the protection rules (children without a caregiver, families
split) come from :mod:`muster.protection.rules`; the "held" rule reads screening's categories.

Refusals name the field and the persons: a held person may leave only by handover to an authority
(with its legal basis), for treatment abroad, or by death; a child with no adult of their household on
the same departure needs a protection review that permits it; a repatriation needs each person's
nationality verified as the destination state's; a batch that splits a household needs a reason.

The package: ``rules`` (required details, refusal rules), ``batches`` (plan, approve, cancel,
dispatch), ``receipts`` (confirm, import the receiving side's spreadsheet), ``deaths``,
``nationality``. Callers import the package: ``from muster.departures import services``.
"""

from muster.departures.services.batches import (
    approve_departure,
    cancel_departure,
    dispatch_departure,
    plan_departure,
)
from muster.departures.services.deaths import record_death
from muster.departures.services.nationality import verify_nationality
from muster.departures.services.receipts import ConfirmResult, confirm, import_receipt
from muster.departures.services.rules import (
    DETAIL_FIELDS,
    HELD_MAY_LEAVE,
    MAX_BATCH,
    NEEDS_APPROVAL,
    NEEDS_NOTE,
    NEXT,
    OPEN,
    REQUIRED,
    Outcome,
    Status,
    check_persons,
    latest_verifications,
)

__all__ = [
    "DETAIL_FIELDS",
    "HELD_MAY_LEAVE",
    "MAX_BATCH",
    "NEEDS_APPROVAL",
    "NEEDS_NOTE",
    "NEXT",
    "OPEN",
    "REQUIRED",
    "ConfirmResult",
    "Outcome",
    "Status",
    "approve_departure",
    "cancel_departure",
    "check_persons",
    "confirm",
    "dispatch_departure",
    "import_receipt",
    "latest_verifications",
    "plan_departure",
    "record_death",
    "verify_nationality",
]
