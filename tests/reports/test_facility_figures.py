"""A facility's figures as the home, facility and dispatch pages show them."""

import datetime as dt

from django.utils import timezone

from muster.custody.models import Placement
from muster.reports.figures import facility_figures
from muster.screening import services as screening
from tests import factories


def test_merging_a_duplicate_adds_no_arrival(facilities, make_user):
    # The same man registered yesterday at Reception Point 1 and today at Reception Point 2: his
    # records merged, he is at Reception Point 2, and one person arrived there today, not two.
    second = factories.facility("Reception Point 2", "reception_point", 5000, "SY0902")
    yesterday = factories.household(reception_point=facilities["reception"])
    Placement.objects.filter(person__household=yesterday).update(
        started_at=timezone.now() - dt.timedelta(days=1)
    )
    today = factories.household(reception_point=second)
    arrived = facility_figures(second).arrivals_today
    assert arrived == today.members.count()
    kept = yesterday.members.order_by("id").first()
    duplicate = today.members.order_by("id").first()
    screening.merge_duplicate(kept, duplicate, by=make_user("screening_officer"), reason="same man")
    assert Placement.objects.get(person=kept, is_current=True).facility == second
    figures = facility_figures(second)
    assert figures.arrivals_today == arrived
    assert figures.population == today.members.count()
