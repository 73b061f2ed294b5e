"""A facility's figures as the home, facility and dispatch pages show them."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from muster.custody.models import Placement
from muster.departures import services as departures
from muster.departures.queries import sitrep_counts
from muster.people import services as people
from muster.reports.figures import facility_figures
from muster.screening import services as screening
from tests import factories
from tests.departures.conftest import make_crowd
from tests.departures.test_services import RETURN


def test_merging_a_duplicate_adds_no_arrival(facilities, make_user):
    # The same man registered yesterday at Reception Point 1 and today at Reception Point 2: his
    # records merged, he is at Reception Point 2, and one person arrived there today, not two.
    second = factories.facility("Reception Point 2", "reception_point", 5000, "SY0902")
    yesterday = factories.household(reception_point=facilities["reception"])
    Placement.objects.filter(person__household=yesterday).update(
        started_at=timezone.now() - dt.timedelta(days=1)
    )
    today = factories.household(reception_point=second)
    arrived = facility_figures(second, reunions=None).arrivals_today
    assert arrived == today.members.count()
    kept = yesterday.members.order_by("id").first()
    duplicate = today.members.order_by("id").first()
    # He heads today's household: his wife heads it before his record is merged away (a merge
    # may not leave a household headed by a merged record).
    people.make_head(
        today.members.get(relationship_to_head="spouse"),
        former_head_relationship="spouse",
        reason="her husband is registered with yesterday's household",
        by=make_user("registration_officer"),
    )
    screening.merge_duplicate(kept, duplicate, by=make_user("screening_officer"), reason="same man")
    assert Placement.objects.get(person=kept, is_current=True).facility == second
    figures = facility_figures(second, reunions=None)
    assert figures.arrivals_today == arrived
    assert figures.population == today.members.count()


def _leaving(html: str) -> list[int]:
    """The "leaving on a departure" figures of a page (a link or not)."""
    return [int(n) for n in re.findall(r'data-testid="leaving">(?:<a href="[^"]*">)?(\d+)<', html)]


def test_a_camp_shows_who_leaves_it_on_a_departure_until_confirmed(facilities, make_user, login):
    # A return from Al-Hol dispatched and not yet confirmed: the camp manager saw "in transit from
    # here 0" while the coordinator's dashboard, filtered on Al-Hol, counted the person in transit.
    camp = facilities["camp"]
    person = make_crowd(camp, 1, size=1)[0]
    officer = make_user("repatriation_officer")
    departure = departures.plan_departure(
        [person], kind="return", from_facility=camp, details=RETURN, by=officer
    )
    departures.dispatch_departure(departure, by=officer)
    manager = login(make_user("camp_manager", facility=camp))
    link = f'href="{reverse("departure-list")}?status=dispatched&amp;facility={camp.pk}"'
    detail = manager.get(reverse("facility-detail", args=[camp.pk])).content.decode()
    assert 'data-testid="in-transit-out">0<' in detail  # transfers alone, as before
    assert _leaving(detail) == [1] and link in detail
    listed = manager.get(reverse("facility-list")).content.decode()
    assert _leaving(listed) == [1] and link in listed
    assert _leaving(manager.get(reverse("home")).content.decode()) == [1]
    # The coordinator's dashboard filtered on the camp counts the same person in transit (no
    # transfer here); the coordinator may not open the departures, so the figure is no link.
    coordinator = login(make_user("coordinator"))
    dashboard = coordinator.get(reverse("dashboard"), {"facility": camp.pk}).content.decode()
    assert 'data-figure="in_transit">1<' in dashboard
    assert sitrep_counts({camp.pk})["leaving"] == 1
    detail = coordinator.get(reverse("facility-detail", args=[camp.pk])).content.decode()
    assert _leaving(detail) == [1] and link not in detail
    # Confirmed received: no longer leaving.
    departures.confirm(departure, [(person.pk, "received", "")], by=officer)
    manager = login(make_user("camp_manager", facility=camp))
    assert _leaving(manager.get(reverse("facility-detail", args=[camp.pk])).content.decode()) == [0]
    assert sitrep_counts({camp.pk})["leaving"] == 0


def _facility_note(html: str) -> str:
    return html.split('data-testid="facility-figures-note">', 1)[1].split("</p>", 1)[0]


def test_a_camp_manager_reads_that_the_unaccounted_are_among_the_camps_figures(
    facilities, make_user, login
):
    # A transfer from Al-Hol reported not arrived: the camp manager's home showed "in transit from
    # here 1" under the camp and the Unaccounted list held the same person, with nothing to say
    # the two are one and the same and not two people to look for.
    from muster.custody import services as custody
    from muster.custody.services.transit import unaccounted_lines

    camp = facilities["camp"]
    person = make_crowd(camp, 1, size=1)[0]
    manager = make_user("camp_manager", facility=camp)
    movement = custody.dispatch(
        [person], from_facility=camp, to_facility=facilities["reception"], by=manager
    )
    receiver = make_user("camp_manager", facility=facilities["reception"])
    custody.report_missing(movement, person, note="not on the bus at arrival", by=receiver)
    assert unaccounted_lines().count() == 1
    client = login(manager)
    for url in (reverse("home"), reverse("facility-detail", args=[camp.pk])):
        html = client.get(url).content.decode()
        assert 'data-testid="in-transit-out">1<' in html, url
        assert _facility_note(html) == (
            "Unaccounted persons (overdue, or reported not arrived) are among those counted "
            "above, not in addition to them."
        ), url
    arabic = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert _facility_note(arabic).startswith(
        "مجهولو المكان (المتأخرون أو من أُبلغ عن عدم وصولهم)"
    ), arabic
