"""A candidate side by side with the request, its verification steps and the decision (four eyes
for a child)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from muster.access import policy
from muster.access.decorators import requires
from muster.access.projection import person_values
from muster.audit import services as audit
from muster.core.errors import errors_from
from muster.custody.models import Facility, Placement
from muster.people.reads import WEB, record_read
from muster.tracing import forms
from muster.tracing import services as tracing
from muster.tracing.audit_actions import TracingAction
from muster.tracing.models import (
    TracingCandidate,
    VerificationStep,
)
from muster.tracing.views.common import MANAGE

PERSON_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name", "mother_name",
                 "alias", "sex", "birth_year", "date_of_birth", "place_of_origin")  # fmt: skip


@requires(MANAGE)
@transaction.atomic
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(
        TracingCandidate.objects.select_related(
            "request", "person__household", "decided_by", "second_officer"
        ),
        pk=pk,
    )
    req = candidate.request
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "verify":
                tracing.record_verification_step(
                    candidate,
                    kind=request.POST.get("kind", ""),
                    reference=request.POST.get("reference", "")[:200],
                    note=request.POST.get("note", "")[:5000],
                    by=request.user,
                    request=request,
                )
                messages.success(request, _("Verification step recorded."))
            else:
                decided = tracing.decide_candidate(
                    candidate,
                    decision=request.POST.get("decision", ""),
                    reason=request.POST.get("reason", "")[:2000],
                    by=request.user,
                    request=request,
                )
                messages.success(
                    request,
                    _("Confirmed by you; a second caseworker must confirm a child's match.")
                    if decided.pending_second
                    else _("Decision recorded."),
                )
            return redirect("tracing-candidate", pk=candidate.pk)
        except ValidationError as exc:
            errors = errors_from(exc)
        candidate.refresh_from_db()
    person = candidate.person
    record_read(request, person, via=WEB, view="tracing-candidate", tracing_request=req.number)
    audit.record(TracingAction.TRACING_REQUEST_READ, request=request, obj=req,
                 detail={"view": "tracing-candidate", "candidate": candidate.pk})  # fmt: skip
    seen = person_values(person, policy.person_fields(request.user))
    shown = {k: str(seen[k]) for k in PERSON_FIELDS if seen.get(k) not in (None, "")}
    if "birth_year" not in shown and "date_of_birth" in shown:
        shown["birth_year"] = shown["date_of_birth"][:4]
    return render(
        request,
        "tracing/candidate.html",
        {
            "c": candidate,
            "req": req,
            "person": person,
            "rows": forms.compare_rows(candidate.explanation, shown),
            "where": _where(seen),
            "reading": forms.READINGS.get(candidate.reading, candidate.reading),
            "steps": candidate.verification_steps.select_related("recorded_by"),
            "kinds": VerificationStep.Kind.choices,
            "open": req.status in tracing.ACTIVE
            and candidate.status
            not in (
                TracingCandidate.Status.CONFIRMED,
                TracingCandidate.Status.REJECTED,
            ),  # fmt: skip
            "first_officer": candidate.pending_second
            and candidate.decided_by_id == request.user.pk,
            "four_eyes": tracing.needs_second_officer(candidate),
            "errors": errors,
            "labels": {
                "kind": _("Kind"),
                "reference": _("Reference"),
                "note": _("Note"),
                "decision": _("Decision"),
                "reason": _("Reason"),
            },  # fmt: skip
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


def _where(seen: dict) -> dict:
    """Where the registered person is now, as far as the reader may know (the page says it with
    _placed_at.html, as the person page does): placed at the facility (None where its kind would
    tell a category the reader may not see), the facility they are leaving, or the custody state
    (in transit, departed)."""
    facility, state = seen.get("current_facility"), seen.get("custody_state")
    # In the reader's language, as every other page names it (the projection keeps the name as
    # registered, for the API).
    named = Facility.objects.get(pk=facility["id"]) if facility else None
    if state == Placement.State.PLACED or (named and state is None):
        return {"placed": True, "state": Placement.State.PLACED.label, "facility": named}
    if named:
        return {"placed": False, "state": named.display_name}
    label = str(Placement.State(state).label) if state in Placement.State.values else ""
    return {"placed": False, "state": label}
