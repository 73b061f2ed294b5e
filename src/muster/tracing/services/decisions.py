"""A caseworker's work on a candidate: verification steps, the decision (four eyes for a child),
the best-interests determination.

The doors let only tracing caseworkers (``tracing.manage``) call these; the four-eyes rule here
asks for a second, different officer.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.protection import rules as protection
from muster.tracing.audit_actions import TracingAction
from muster.tracing.models import (
    BestInterestsDetermination,
    TracingCandidate,
    TracingRequest,
    VerificationStep,
)
from muster.tracing.services.candidates import reweigh_after_commit
from muster.tracing.services.requests import ACTIVE, _err, settle_status

Status = TracingCandidate.Status
DECISIONS = ("confirm", "reject")
# A sample's reference: letters, digits and - / . _ only (a lab's or an office's number).
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/._ ]{0,99}$")
# A run of nucleotide letters is genetic data, whatever field it is typed in: refused.
_SEQUENCE = re.compile(r"[ACGTUacgtu]{16,}")


def _active_request(req: TracingRequest) -> None:
    if req.status not in ACTIVE:
        raise _err(
            "status",
            _("%(r)s is %(s)s") % {"r": req.number, "s": req.get_status_display()},
            "request_not_active",
        )


def _locked(candidate: TracingCandidate) -> TracingCandidate:
    return (
        TracingCandidate.objects.select_for_update()
        .select_related("request", "person")
        .get(pk=candidate.pk)
    )


def needs_second_officer(candidate: TracingCandidate) -> bool:
    """A child's match (the request says a child, or the registered person is under 18 or of
    unknown age) is confirmed only by two caseworkers."""
    return candidate.request.is_child or protection.is_child(candidate.person)


@transaction.atomic
def record_verification_step(
    candidate: TracingCandidate, *, kind: str, reference: str = "", note: str = "", by, request=None
) -> VerificationStep:
    """Record an interview, documents seen, a relative's confirmation or a DNA sample's reference
    (the number only: never genetic data)."""
    candidate = _locked(candidate)
    _active_request(candidate.request)
    reference, note = (reference or "").strip(), (note or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if kind not in VerificationStep.Kind.values:
        errors["kind"] = [
            ValidationError(
                _("'%(v)s' is not a kind of verification step (%(list)s)")
                % {"v": str(kind)[:30], "list": ", ".join(VerificationStep.Kind.values)},
                code="not_a_kind",
            )
        ]
    if candidate.status in (Status.CONFIRMED, Status.REJECTED):
        errors["candidate"] = [
            ValidationError(_("this candidate has been decided"), code="already_decided")
        ]
    if kind == VerificationStep.Kind.DNA_REFERENCE and not reference:
        errors["reference"] = [
            ValidationError(_("a DNA step records the sample's reference"), code="required")
        ]
    if reference and not _REFERENCE.match(reference):
        errors["reference"] = [
            ValidationError(
                _("a reference is letters, digits and - / . _ (at most 100)"),
                code="not_a_reference",
            )
        ]
    if _SEQUENCE.search(reference) or _SEQUENCE.search(note):
        errors["note" if _SEQUENCE.search(note) else "reference"] = [
            ValidationError(
                _("looks like genetic data: record the sample's reference number only"),
                code="genetic_data",
            )
        ]
    if kind != VerificationStep.Kind.DNA_REFERENCE and not note:
        errors["note"] = [ValidationError(_("say what was seen or said"), code="note_required")]
    if errors:
        raise ValidationError(errors)
    step = VerificationStep.objects.create(
        candidate=candidate,
        kind=kind,
        reference=reference,
        note=note[:5000],
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    if candidate.status == Status.PROPOSED:
        candidate.status = Status.VERIFYING
        candidate.save(update_fields=["status"])
    req = candidate.request
    settle_status(req)
    audit.record(
        TracingAction.TRACING_VERIFICATION,
        actor=by,
        obj=req,
        request=request,
        detail={"candidate": candidate.pk, "person": candidate.person_id, "kind": kind},
    )
    return step


@transaction.atomic
def decide_candidate(
    candidate: TracingCandidate, *, decision: str, reason: str, by, request=None
) -> TracingCandidate:
    """Confirm or reject a candidate, with the reason.

    An adult's confirmation links the request to the person at once. A child's needs two
    caseworkers: the first confirmation leaves it awaiting a second (``pending_second``); a
    second, different caseworker confirming completes it; either may reject.
    """
    reason = (reason or "").strip()
    if decision not in DECISIONS:
        raise _err(
            "decision",
            _("choose one")
            if not str(decision or "").strip()
            else _("'%(v)s' is not a decision (confirm or reject)") % {"v": str(decision)[:20]},
            "not_a_decision",
        )
    if not reason:
        raise _err("reason", _("say why"), "reason_required")
    candidate = _locked(candidate)
    req = TracingRequest.objects.select_for_update().get(pk=candidate.request_id)
    _active_request(req)
    if candidate.status in (Status.CONFIRMED, Status.REJECTED):
        raise _err(
            "candidate",
            _("this candidate is already %(s)s") % {"s": candidate.get_status_display()},
            "already_decided",
        )
    now = timezone.now()
    if decision == "reject":
        candidate.status = Status.REJECTED
        candidate.pending_second = False
        if candidate.decided_by_id and candidate.decided_by_id != getattr(by, "pk", None):
            candidate.second_officer = by
        else:
            candidate.decided_by = by
        candidate.decided_at, candidate.reason = now, reason[:2000]
        candidate.save()
        status = settle_status(req, now)
        audit.record(
            TracingAction.TRACING_CANDIDATE_REJECT,
            actor=by,
            obj=req,
            request=request,
            detail={"candidate": candidate.pk, "person": candidate.person_id, "status": status},
        )
        return candidate
    if candidate.person.merged_into_id:
        raise _err(
            "candidate",
            _("%(p)s has been merged into another record: find the candidates again")
            % {"p": candidate.person.number},
            "person_merged",
        )
    if req.candidates.filter(status=Status.CONFIRMED).exclude(pk=candidate.pk).exists():
        raise _err(
            "candidate",
            _("another candidate of %(r)s is already confirmed") % {"r": req.number},
            "request_already_confirmed",
        )
    if needs_second_officer(candidate) and not candidate.pending_second:
        candidate.status = Status.VERIFYING
        candidate.pending_second = True
        candidate.decided_by, candidate.decided_at, candidate.reason = by, now, reason[:2000]
        candidate.save()
        settle_status(req, now)
        audit.record(
            TracingAction.TRACING_CANDIDATE_CONFIRM_PROPOSE,
            actor=by,
            obj=req,
            request=request,
            detail={"candidate": candidate.pk, "person": candidate.person_id},
        )
        return candidate
    if candidate.pending_second:
        if by is None or candidate.decided_by_id == getattr(by, "pk", None):
            raise _err(
                "second_officer",
                _("a child's match is confirmed by a second caseworker, not the first"),
                "same_officer",
            )
        candidate.second_officer = by
        candidate.reason = f"{candidate.reason}\n{reason}"[:4000]
    else:
        candidate.decided_by, candidate.decided_at, candidate.reason = by, now, reason[:2000]
    candidate.status = Status.CONFIRMED
    candidate.pending_second = False
    candidate.confirmed_at = now
    candidate.save()
    req.linked_person, req.updated_at = candidate.person, now
    req.save(update_fields=["linked_person", "updated_at"])
    settle_status(req, now)
    audit.record(
        TracingAction.TRACING_CANDIDATE_CONFIRM,
        actor=by,
        obj=req,
        request=request,
        detail={
            "candidate": candidate.pk,
            "person": candidate.person_id,
            "four_eyes": candidate.second_officer_id is not None,
        },
    )
    # The person is this request's now: other requests' proposals of them drop in their queues.
    reweigh_after_commit(req.pk, [candidate.person_id])
    return candidate


@transaction.atomic
def record_best_interests(
    req: TracingRequest,
    *,
    outcome: str,
    reasoning: str,
    by,
    candidate: TracingCandidate | None = None,
    request=None,
) -> BestInterestsDetermination:
    """Record a best-interests determination for the child sought (the latest one counts)."""
    reasoning = (reasoning or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if outcome not in BestInterestsDetermination.Outcome.values:
        errors["outcome"] = [
            ValidationError(
                _("choose one")
                if not str(outcome or "").strip()
                else _("'%(v)s' is not an outcome (%(list)s)")
                % {
                    "v": str(outcome)[:30],
                    "list": ", ".join(BestInterestsDetermination.Outcome.values),
                },
                code="not_an_outcome",
            )
        ]
    if not reasoning:
        errors["reasoning"] = [
            ValidationError(_("give the reasoning of the determination"), code="reason_required")
        ]
    if candidate is not None and candidate.request_id != req.pk:
        errors["candidate"] = [
            ValidationError(_("not a candidate of this request"), code="not_this_request")
        ]
    if errors:
        raise ValidationError(errors)
    req = TracingRequest.objects.select_for_update().get(pk=req.pk)
    _active_request(req)
    bid = BestInterestsDetermination.objects.create(
        request=req,
        candidate=candidate,
        outcome=outcome,
        reasoning=reasoning[:10000],
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit.record(
        TracingAction.TRACING_BEST_INTERESTS,
        actor=by,
        obj=req,
        request=request,
        detail={"outcome": outcome, "candidate": candidate.pk if candidate else None},
    )
    return bid


def latest_best_interests(req: TracingRequest) -> BestInterestsDetermination | None:
    return req.best_interests.order_by("-recorded_at", "-id").first()
