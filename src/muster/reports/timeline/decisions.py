"""Decisions about the person: categories (and "held" proposals), household separations,
protection reviews."""

from django.utils.translation import gettext as _

from muster.access.policy import separation_destination, shows_separation_reason
from muster.core.text import isolate
from muster.custody import services as custody
from muster.people.models import Person
from muster.protection.models import FamilySeparation, ProtectionReview
from muster.protection.queries import separations_of
from muster.reports.timeline.event import Event
from muster.screening.models import ApprovalStatus, CategoryDecision

# Fields that make a role part of screening: only they see "held" proposals not (yet) in force, who
# decided, and the reasons. Others see a category only once it is the person's category.
_SCREENING_FIELDS = {"category_reason", "category_decided_by"}


def category_events(person: Person, fields) -> list[Event]:
    """Approved decisions are categories; a "held" proposal is shown as such, never as a category."""
    screening_role = bool(fields & _SCREENING_FIELDS)
    show_who = "category_decided_by" in fields
    events = []
    decisions = CategoryDecision.objects.filter(person=person).select_related(
        "decided_by", "approved_by"
    )
    for d in decisions:
        category = d.get_category_display()
        reasons = []
        if "category_reason" in fields:
            reasons.append(d.reason)
            if d.legal_basis:
                reasons.append(_("legal basis: %(b)s") % {"b": isolate(d.legal_basis)})
            if d.basis:
                reasons.append(_("basis: %(b)s") % {"b": isolate(d.basis)})
        proposer = d.decided_by.get_username() if show_who and d.decided_by_id else ""
        approver = d.approved_by.get_username() if show_who and d.approved_by_id else ""
        needed_approval = d.approved_at is not None or d.status != ApprovalStatus.APPROVED
        if needed_approval and screening_role:
            text = (
                _("%(c)s proposed by %(u)s") % {"c": isolate(category), "u": isolate(proposer)}
                if proposer
                else _("%(c)s proposed") % {"c": isolate(category)}
            )
            if d.status == ApprovalStatus.PENDING:
                text += " — " + _("awaiting approval by a second officer")
            events.append(Event(d.decided_at, "category_proposed", text, " · ".join(reasons)))
            reasons = []  # shown with the proposal; the approval or refusal carries its note
        if d.status == ApprovalStatus.REFUSED:
            if screening_role:
                note = d.approval_note if "category_reason" in fields else ""
                text = (
                    _("%(c)s refused by %(u)s") % {"c": isolate(category), "u": isolate(approver)}
                    if approver
                    else _("%(c)s refused") % {"c": isolate(category)}
                )
                events.append(Event(d.approved_at or d.decided_at, "category_refused", text, note))
            continue
        if d.status != ApprovalStatus.APPROVED:
            continue
        parts = list(reasons)
        if needed_approval:
            if approver:
                parts.append(_("approved by %(u)s") % {"u": isolate(approver)})
            if "category_reason" in fields and d.approval_note:
                parts.append(d.approval_note)
        elif proposer:
            parts.append(_("by %(u)s") % {"u": isolate(proposer)})
        if not d.is_current:
            parts.append(_("superseded"))
        events.append(
            Event(
                d.approved_at if needed_approval else d.decided_at,
                "category",
                _("Category: %(c)s") % {"c": isolate(category)},
                " · ".join(parts),
            )
        )
    return events


def separation_events(person: Person, fields) -> list[Event]:
    events = []
    moved = set(FamilySeparation.objects.filter(moved=person).values_list("pk", flat=True))
    for sep in separations_of(person):
        if sep.pk in moved:
            where = _("moved to %(f)s")
        elif custody.left_on_the_way(sep, person):
            # On the transfer, not received with the others: lost on the way, not left behind.
            where = _("did not arrive with the others at %(f)s")
        else:
            where = _("stayed when others moved to %(f)s")
        where %= {"f": isolate(separation_destination(fields, sep))}
        events.append(
            Event(
                sep.recorded_at,
                "separated",
                _("Separated from household: %(r)s") % {"r": isolate(sep.reason)}
                if shows_separation_reason(fields)
                else _("Separated from household"),
                where,
            )
        )
    return events


def protection_events(person: Person, detail: bool) -> list[Event]:
    events = []
    for review in ProtectionReview.objects.filter(person=person).select_related("reviewer"):
        parts = []
        if detail:
            parts.append(review.reason)
            parts.append(_("by %(u)s") % {"u": isolate(review.reviewer.get_username())})
        events.append(
            Event(
                review.at,
                "protection_review",
                _("Protection review: %(o)s") % {"o": isolate(review.get_outcome_display())},
                " · ".join(parts),
            )
        )
    return events
