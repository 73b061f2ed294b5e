"""The home page: what each role has waiting, in cards. The stages' pages live in their apps
(``intake``, ``people``, ``custody``, ``screening``, ``protection``, ``reports``, ``audit``, ``access``);
``web`` keeps the home page, the navigation (``context.py``) and what every page's form shares
(``forms.py``).
"""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access import policy
from muster.access.decorators import signed_in
from muster.audit import services as audit
from muster.audit.audit_actions import AuditAction
from muster.audit.labels import annotate
from muster.custody import services as custody_services
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Facility
from muster.custody.queries import last_closed_roll_call
from muster.departures import queries as departure_queries
from muster.reports.exports import may_export_sitrep
from muster.reports.figures import facility_figures
from muster.reports.sitrep import situation_report
from muster.screening import services as screening
from muster.screening.queries import CATEGORY_LABELS


def _unaccounted_url(user) -> str | None:
    """The unaccounted list this user may open: by name (movement.view) or figures (report.view)."""
    if policy.can(user, "movement.view"):
        return reverse("unaccounted")
    if policy.can(user, "report.view"):
        return reverse("unaccounted-figures")
    return None


def _roll_call_row(user, facility) -> dict:
    """A facility card's roll call: the button to it, and the last closed one's "not seen"."""
    if not policy.may_act_at(user, "rollcall.take", facility.pk):
        return {}
    return {
        "roll_call": True,
        "open_roll_call": custody_services.open_roll_call(facility),
        "last_roll_call": last_closed_roll_call(facility),
    }


# --- home -------------------------------------------------------------------------------------

AUDITOR_RECENT = 10


def _auditor_home() -> dict:
    """The auditor's cards: the latest events (readable), the chain's head, who-read, exports."""
    recent = list(audit.AuditEvent.objects.order_by("-seq")[:AUDITOR_RECENT])
    annotate(recent)
    exports = list(audit.AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("-seq")[:5])
    annotate(exports)
    return {
        "recent": recent,
        "exports": exports,
        "events": recent[0].seq if recent else 0,
    }


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = policy.facility_scope(user, "facility.view")
    my_facilities = []
    if scope:
        for f in Facility.objects.filter(pk__in=scope).order_by("name"):
            my_facilities.append(
                {
                    "facility": f,
                    "dispatch": policy.may_act_at(user, "movement.dispatch", f.pk),
                    "receive": policy.may_act_at(user, "movement.receive", f.pk),
                    # A camp manager's situation report: the figures of the facilities in their
                    # grant (the policy scopes them there), not the whole operation's.
                    "figures": facility_figures(f, reunions=policy.reunification_scope(user)),
                    "departures_link": policy.may_act_at(user, "departure.view", f.pk),
                    **_roll_call_row(user, f),
                }
            )
    lost_children = []
    if policy.can(user, "movement.view") and "given_name" in policy.person_fields(user):
        lost_children = departure_queries.children_lost_near(
            policy.facility_scope(user, "movement.view"),
            # Off a departure too, those the reader may see (none without departure.view).
            policy.facility_scope(user, "departure.view")
            if policy.can(user, "departure.view")
            else set(),
            policy.reunification_scope(user),
        )
        if lost_children:
            # The card names them: a read of personal data like the unaccounted page's.
            audit.record_list(
                request,
                [line.person_id for line in lost_children],
                action=CustodyAction.UNACCOUNTED_READ,
                page="home",
                children=len(lost_children),
            )
    context = {
        "lost_children": lost_children,
        "can_register": policy.can(user, "person.register"),
        "can_search": policy.can(user, "person.search"),
        "can_facilities": policy.can(user, "facility.view"),
        "can_manage_users": policy.can(user, "user.manage"),
        "unaccounted_url": _unaccounted_url(user),
        "can_decide": policy.can(user, "category.decide"),
        "my_facilities": my_facilities,
        "roles": sorted(policy.roles(user)),
    }
    if policy.can(user, "audit.view"):
        context["audit"] = _auditor_home()
    if policy.can(user, "screening.view"):
        context["screening_cards"] = _screening_cards()
    if policy.can(user, "tracing.manage"):
        context["tracing_cards"] = _tracing_cards(user)
    if policy.can(user, "report.view"):
        report = situation_report()
        for f in report["facilities"]:
            pct = round(100 * f["occupancy"]) if f["occupancy"] is not None else None
            f["percent"] = pct
            f["bar_width"] = min(100, pct or 0)
        context["report"] = report
        context["may_export_sitrep"] = may_export_sitrep(user)
        context["generated_at"] = timezone.localtime()
        context["category_rows"] = [
            (CATEGORY_LABELS.get(k, k), v) for k, v in report["by_category"].items()
        ]
    return render(request, "home.html", context)


def _screening_cards() -> dict:
    """What waits for a screening officer: open hits by kind, held proposals awaiting a second
    officer, and the last whole-registry run (a crash must not read as "no hits")."""
    from muster.screening.models import Hit, ScreeningRun

    open_hits = dict(
        screening.hit_queue()
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return {
        "hits": [(k, label, open_hits.get(k, 0)) for k, label in Hit.Kind.choices],
        "approvals": screening.pending_approvals().count(),
        "last_run": ScreeningRun.objects.filter(kind=ScreeningRun.Kind.BATCH).first(),
        "failed": screening.unscreened_since_failure(),
    }


def _tracing_cards(user) -> list[tuple[str, str, int]]:
    """What waits for a tracing caseworker: requests with a candidate to look at, requests being
    verified, children's confirmations awaiting a second caseworker (not this one). Counts only:
    the list they open is audited."""
    from muster.tracing import queries as tracing
    from muster.tracing.models import TracingRequest

    Status = TracingRequest.Status
    counts = dict(
        TracingRequest.objects.filter(status__in=(Status.CANDIDATE_FOUND, Status.VERIFYING))
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    url = reverse("tracing-requests")
    return [
        (f"{url}?status={s}", label, counts.get(s, 0))
        for s, label in Status.choices
        if s in (Status.CANDIDATE_FOUND, Status.VERIFYING)
    ] + [
        (
            url + "#awaiting-me",
            _("Children's matches awaiting your confirmation as second caseworker"),
            tracing.awaiting_second_officer(user).count(),
        )
    ]
