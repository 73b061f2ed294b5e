"""Protection pages (under /screening/): a child's protection reviews, separated families, children
for tracing. Each page that shows persons is audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access import policy
from muster.access.decorators import requires
from muster.audit import services as audit
from muster.core.errors import errors_from
from muster.core.paging import paginate
from muster.custody import services as custody
from muster.departures import queries as departure_queries
from muster.people.models import Person
from muster.people.reads import WEB, record_read
from muster.protection import queries as protection_queries
from muster.protection import services as protection
from muster.protection.models import ProtectionReview


@requires("protection.review")
@transaction.atomic
def protection_review(request: HttpRequest, number: str) -> HttpResponse:
    person = get_object_or_404(Person, number=number)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            protection.record_protection_review(
                person,
                outcome=request.POST.get("outcome", ""),
                reason=request.POST.get("reason", ""),
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors = errors_from(exc)
        else:
            messages.success(request, _("Protection review recorded."))
            return redirect("protection-review", number=person.number)
    record_read(request, person, via=WEB, view="protection")
    return render(
        request,
        "screening/protection_review.html",
        {
            "person": person,
            "reviews": person.protection_reviews.select_related("reviewer").order_by("-at"),
            "outcomes": ProtectionReview.Outcome.choices,
            "separations": protection_queries.separations_of(person),
            "errors": errors,
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


@requires("protection.review")
def separated_families(request: HttpRequest) -> HttpResponse:
    page = paginate(request, protection_queries.separated_families())
    shown = [p.pk for sep in page for group in (sep.moved, sep.remained) for p in group.all()]
    # Who did not move is not "stayed" when on a transfer now (a child reported not arrived
    # when her mother was repatriated): listed apart, as in transit, with the line's outcome.
    travelling = custody.on_the_way([p.pk for sep in page for p in sep.remained.all()])
    # A family placed at one facility again (the one reported not arrived turned up, those who
    # went ahead were joined) is told so, not left to read as still apart.
    placed = custody.placed_at(shown)
    rows = []
    for sep in page:
        family = [p.pk for group in (sep.moved, sep.remained) for p in group.all()]
        where = {placed.get(pk) for pk in family}
        rows.append(
            {
                "separation": sep,
                "stayed": [p for p in sep.remained.all() if p.pk not in travelling],
                "on_the_way": [
                    (p, travelling[p.pk]) for p in sep.remained.all() if p.pk in travelling
                ],
                "together_at": where.pop() if len(where) == 1 and None not in where else None,
            }
        )
    audit.record_list(request, shown, view="separated-families", persons=len(shown))
    return render(request, "screening/separated_families.html", {"page": page, "rows": rows})


@requires("protection.review")
def children(request: HttpRequest) -> HttpResponse:
    # The figures' day (reports.dashboard.children): an age is the same on both.
    today = timezone.localdate()
    # A child not received (overdue, reported not arrived or not presented, or left in transit
    # while the family was received), off a transfer or a departure, needs protection as much as a
    # flagged one, whether or not a flag says so. Reunifications the reader may not see are not
    # told here either.
    hidden = policy.reunification_scope(request.user)
    # A child whose departure is confirmed (reunified, returned, died…) has left our care: not
    # listed with the children in it, as the situation report's figure does not count them; they
    # are listed apart (``?left=1``). One leaving on a departure not yet confirmed is still ours.
    departed = custody.departed_placements()
    left = request.GET.get("left") == "1"
    adults = not left and request.GET.get("adults") == "1"
    who_left = protection_queries.children_who_left(departed, today)
    # In our care, flagged, 18 or over: counted nowhere; listed apart (``?adults=1``) for review.
    flagged_adults = (
        protection_queries.flagged_adults(today)
        .exclude(Exists(departed.filter(person_id=OuterRef("pk"))))
        .order_by("registered_at", "id")
    )
    if left or adults:
        lost: dict = {}
        qs = who_left if left else flagged_adults.select_related("household")
    else:
        lost = departure_queries.children_lost(
            departure_lines=departure_queries.without_hidden_reunifications(
                departure_queries.open_lines(), hidden, prefix="departure__"
            )
        )
        qs = protection_queries.children_for_tracing(today, also=lost, departed=departed)
    page = paginate(request, qs.prefetch_related("placements__facility"))
    rows = []
    for child in page:
        current = next((p for p in child.placements.all() if p.is_current), None)
        rows.append(
            {
                "person": child,
                "placement": current,
                "age": child.age_on(today),
                "lost": lost.get(child.pk),
            }
        )
    audit.record_list(
        request, [r["person"].pk for r in rows], view="children-list", persons=len(rows)
    )
    return render(
        request,
        "screening/children.html",
        {
            "page": page,
            "rows": rows,
            "left": left,
            "adults": adults,
            "left_count": None if left or adults else who_left.count(),
            "flagged_adults": None if left or adults else flagged_adults.count(),
        },
    )
