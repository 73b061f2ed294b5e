"""Reunification through the custody chain: the person found leaves their facility into the family's
or an office's care as a departure of kind *reunification*; the receiving side's receipt (recorded
here, or on the departure's own pages) marks the request reunited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.custody import services as custody
from muster.departures import services as departures
from muster.departures.models import Departure, DepartureLine, Kind
from muster.people.models import Person
from muster.protection import rules as protection
from muster.tracing.audit_actions import TracingAction
from muster.tracing.models import BestInterestsDetermination, TracingCandidate, TracingRequest
from muster.tracing.services.candidates import reweigh_after_commit
from muster.tracing.services.decisions import latest_best_interests
from muster.tracing.services.requests import _err


def _confirmed(req: TracingRequest) -> TracingCandidate:
    candidate = (
        req.candidates.filter(status=TracingCandidate.Status.CONFIRMED)
        .select_related("person")
        .first()
    )
    if candidate is None or req.linked_person_id is None:
        raise _err(
            "candidate",
            _("%(r)s has no confirmed match: confirm a candidate first") % {"r": req.number},
            "no_confirmed_match",
        )
    return candidate


@dataclass
class Relative:
    """A member of the household a person was registered with, and where they are now."""

    person: Person
    placement: object  # custody's current Placement, or None
    with_person: bool  # placed at the facility where the person is placed
    caregiver: bool  # an adult (a parent or caregiver registered with a child)


def relatives_registered_with(person: Person) -> list[Relative]:
    """The other members of ``person``'s household (records merged away left out), each with
    their current placement: whom a reunification would take the person away from."""
    if not person.household_id:
        return []
    here = custody.current_placement(person)
    facility_id = here.facility_id if here is not None and here.state == here.State.PLACED else None
    members = (
        Person.objects.filter(household_id=person.household_id, merged_into__isnull=True)
        .exclude(pk=person.pk)
        .order_by("id")
    )
    out = []
    for m in members:
        placement = custody.current_placement(m)
        with_person = (
            facility_id is not None
            and placement is not None
            and placement.state == placement.State.PLACED
            and placement.facility_id == facility_id
        )
        out.append(Relative(m, placement, with_person, not protection.is_child(m)))
    return out


def caregivers_parted(person: Person, relatives: list[Relative] | None = None) -> list[Person]:
    """The adults of a child's household placed with the child, from whom a reunification would
    part them (none for an adult)."""
    if not protection.is_child(person):
        return []
    relatives = relatives_registered_with(person) if relatives is None else relatives
    return [r.person for r in relatives if r.with_person and r.caregiver]


@transaction.atomic
def reunify(
    req: TracingRequest,
    *,
    receiving: str,
    destination_name: str,
    destination_pcode: str = "",
    note: str = "",
    separation_confirmed: bool = False,
    separation_reason: str = "",
    by,
    request=None,
) -> Departure:
    """Send the person found to their family (``receiving``: the relative or the office taking them
    into care; ``destination_name``: where): a reunification departure, dispatched at once (custody
    *placed* -> *leaving*); the receipt comes from the receiving side.

    A child's reunification is refused unless the latest best-interests determination says
    reunify; and, when it parts the child from an adult of the household registered with them and
    placed with them (a parent, a caregiver), unless the caseworker confirms that with a reason
    (``separation_confirmed``, ``separation_reason``), which the audit event keeps.
    """
    req = TracingRequest.objects.select_for_update().get(pk=req.pk)
    if req.status != TracingRequest.Status.VERIFYING:
        raise _err(
            "status",
            _("%(r)s is %(s)s") % {"r": req.number, "s": req.get_status_display()},
            "request_not_active",
        )
    candidate = _confirmed(req)
    person = candidate.person
    if req.is_child or candidate.pending_second or protection.is_child(person):
        bid = latest_best_interests(req)
        if bid is None or bid.outcome != BestInterestsDetermination.Outcome.REUNIFY:
            raise _err(
                "best_interests",
                _(
                    "a child is reunified only after a best-interests determination that says "
                    "reunify"
                ),
                "best_interests_required",
            )
    if (
        req.reunification_id is not None
        and DepartureLine.objects.filter(
            departure_id=req.reunification_id,
            person=person,
            outcome__in=[DepartureLine.Outcome.PLANNED, *departures.OPEN],
        ).exists()
    ):
        raise _err(
            "reunification",
            _("%(r)s is already on its way: record the receipt") % {"r": req.number},
            "already_dispatched",
        )
    placement = custody.current_placement(person)
    if placement is not None and placement.state == placement.State.IN_TRANSIT:
        raise _err(
            "person",
            # The facility is not named: a caseworker may not learn which camp a person is sent to.
            _(
                "%(p)s is in transit: the reunification leaves from the facility they are going "
                "to, once their arrival is recorded"
            )
            % {"p": person.number},
            "in_transit",
        )
    if placement is None or placement.facility is None:
        raise _err(
            "person",
            _("%(p)s is not at a facility: a reunification leaves from one") % {"p": person.number},
            "not_at_facility",
        )
    parted = caregivers_parted(person)
    reason = (separation_reason or "").strip()
    if parted and not (separation_confirmed and reason):
        raise _err(
            "separation_reason",
            _(
                "%(p)s is at the facility with adults of the household registered with them "
                "(%(list)s): the reunification parts the child from them; confirm it and say why"
            )
            % {"p": person.number, "list": ", ".join(m.number for m in parted)},
            "parts_from_caregiver",
        )
    details = {
        "guarantor": receiving,
        "destination_name": destination_name,
        "destination_pcode": destination_pcode,
        "note": note,
    }
    departure = departures.plan_departure(
        [person],
        kind=Kind.REUNIFICATION,
        from_facility=placement.facility,
        details=details,
        by=by,
        request=request,
        # The separation is read by whoever sees the household's separations, the household the
        # person leaves included (captors, at times): it says no more than a departure.
        separation_reason=_("left custody on a departure"),
        reunification_of=req.number,
    )
    departure = departures.dispatch_departure(departure, by=by, request=request)
    req.reunification = departure
    req.updated_at = timezone.now()
    req.save(update_fields=["reunification", "updated_at"])
    audit.record(
        TracingAction.TRACING_REUNIFY,
        actor=by,
        obj=req,
        request=request,
        detail={
            "departure": departure.number,
            "person": person.pk,
            # The caseworker's decision to part a child from the adults placed with them.
            **({"parted_from": [m.number for m in parted], "reason": reason} if parted else {}),
        },
    )
    return departure


@transaction.atomic
def record_reunification_receipt(
    req: TracingRequest, *, received: bool = True, note: str = "", by, request=None
) -> TracingRequest:
    """The receiving side's word: received (the person has departed; the request is reunited) or
    refused (``note`` says why; the person is back at the facility, the request still open)."""
    req = TracingRequest.objects.select_for_update().get(pk=req.pk)
    if req.reunification_id is None:
        raise _err(
            "reunification",
            _("%(r)s has no reunification on its way") % {"r": req.number},
            "not_dispatched",
        )
    outcome = DepartureLine.Outcome.RECEIVED if received else DepartureLine.Outcome.REFUSED
    # departures.confirm sends departure_confirmed: on_departure_confirmed marks the request.
    departures.confirm(
        req.reunification, [(req.linked_person_id, outcome, note)], by=by, request=request
    )
    req.refresh_from_db()
    return req


def on_departure_confirmed(sender, departure, outcomes, by=None, request=None, **kwargs) -> None:
    """A reunification's receipt, however recorded: a request whose person was received is
    reunited (in the confirmation's transaction)."""
    if departure.kind != Kind.REUNIFICATION:
        return
    received = [p for p, o in outcomes.items() if o == DepartureLine.Outcome.RECEIVED]
    refused = [p for p, o in outcomes.items() if o != DepartureLine.Outcome.RECEIVED]
    now = timezone.now()
    for req in TracingRequest.objects.select_for_update().filter(reunification=departure):
        if req.linked_person_id in received and req.status != TracingRequest.Status.REUNITED:
            req.status = TracingRequest.Status.REUNITED
            req.reunited_at = now
            req.updated_at = now
            req.save(update_fields=["status", "reunited_at", "updated_at"])
            audit.record(
                TracingAction.TRACING_REUNIFY_RECEIPT,
                actor=by,
                obj=req,
                request=request,
                detail={"departure": departure.number, "outcome": "received"},
            )
            # No longer a rival: other requests' proposals of its candidates are weighed again.
            reweigh_after_commit(req.pk, req.candidates.values_list("person_id", flat=True))
        elif req.linked_person_id in refused:
            audit.record(
                TracingAction.TRACING_REUNIFY_RECEIPT,
                actor=by,
                obj=req,
                request=request,
                detail={"departure": departure.number, "outcome": outcomes[req.linked_person_id]},
            )
