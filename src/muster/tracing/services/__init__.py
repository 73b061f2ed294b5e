"""The verbs of family tracing: open, change and close a request; match it against the registry
(and each new registration against the open requests); verify a candidate, decide it (four eyes
for a child), record a best-interests determination; reunify through the custody chain.

Each verb is one transaction and writes its audit events inside it. Departures' and custody's
tables change only through :mod:`muster.departures.services`. The package: ``requests``,
``registry`` (the in-memory index of the registry), ``candidates``, ``decisions``,
``reunification``. Callers import the package: ``from muster.tracing import services``.
"""

from muster.tracing.services.candidates import (
    MIN_STORED,
    TOP,
    check_registrations,
    find_candidates,
    on_household_registered,
    on_person_corrected,
    search_again,
)
from muster.tracing.services.decisions import (
    DECISIONS,
    decide_candidate,
    latest_best_interests,
    needs_second_officer,
    record_best_interests,
    record_verification_step,
)
from muster.tracing.services.registry import REGISTRY, request_records, reset
from muster.tracing.services.requests import (
    ACTIVE,
    MAX_PHOTO_BYTES,
    REQUEST_FIELDS,
    clean_fields,
    close_request,
    open_request,
    read_photo,
    update_request,
)
from muster.tracing.services.reunification import (
    caregivers_parted,
    on_departure_confirmed,
    record_reunification_receipt,
    relatives_registered_with,
    reunify,
)

__all__ = [
    "ACTIVE",
    "DECISIONS",
    "MAX_PHOTO_BYTES",
    "MIN_STORED",
    "REGISTRY",
    "REQUEST_FIELDS",
    "TOP",
    "check_registrations",
    "clean_fields",
    "close_request",
    "decide_candidate",
    "find_candidates",
    "latest_best_interests",
    "needs_second_officer",
    "on_departure_confirmed",
    "on_household_registered",
    "on_person_corrected",
    "open_request",
    "read_photo",
    "record_best_interests",
    "record_reunification_receipt",
    "record_verification_step",
    "request_records",
    "reset",
    "reunify",
    "caregivers_parted",
    "relatives_registered_with",
    "search_again",
    "update_request",
]
