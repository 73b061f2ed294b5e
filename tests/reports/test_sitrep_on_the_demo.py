"""The situation report's headline figures on the demo's evacuation: what each counts, and that the
registered add up to those at facilities, in transit and departed (the unaccounted among those in
transit), after a merge of duplicates as well."""

from collections import Counter

import yaml
from django.contrib.auth import get_user_model
from django.urls import reverse

from muster.custody import services as custody
from muster.custody.models import Placement
from muster.departures import queries as departures
from muster.people.models import Person
from muster.reports import sitrep
from muster.screening.models import Hit
from muster.screening.services.adjudication import merge_duplicate
from tests.factories import shared_demo

_demo, demo = shared_demo(persons=250, seed=2)


def _buckets() -> Counter:
    """Each registered person (not merged away) by the state of their one current placement."""
    return Counter(
        Placement.objects.filter(is_current=True, person__merged_into__isnull=True).values_list(
            "state", flat=True
        )
    )


def _assert_partition(report: dict) -> None:
    active = Person.objects.filter(merged_into__isnull=True)
    states = _buckets()
    assert sum(states.values()) == active.count() == report["registered"]
    assert report["at_facilities"] == states["placed"]
    assert report["in_transit"] == states["in_transit"] + states["leaving"]
    assert report["departed"] == states["departed"]
    assert (
        report["at_facilities"] + report["in_transit"] + report["departed"]
        == (report["registered"])
    )
    # The unaccounted are persons in transit, not a further bucket.
    unaccounted = {line.person_id for line in custody.unaccounted_lines()} | {
        line.person_id for line in departures.unaccounted_lines()
    }
    in_transit = set(
        Placement.objects.filter(is_current=True, state__in=["in_transit", "leaving"]).values_list(
            "person_id", flat=True
        )
    )
    assert len(unaccounted) == report["unaccounted"] and unaccounted <= in_transit


def test_registered_are_at_facilities_in_transit_or_departed_each_once(demo):
    report = sitrep.situation_report()
    assert report["in_transit"] and report["unaccounted"] and report["departed"]
    _assert_partition(report)
    # The sum a coordinator made of the four tiles counts the unaccounted twice.
    assert (
        report["at_facilities"] + report["in_transit"] + report["unaccounted"] + report["departed"]
        == report["registered"] + report["unaccounted"]
    )


def test_a_merged_duplicate_leaves_the_figures_adding_up(demo):
    hit = Hit.objects.filter(kind=Hit.Kind.DUPLICATE, status="open").first()
    officer = get_user_model().objects.get(username="screening-officer")
    before = sitrep.situation_report()
    merge_duplicate(hit.candidate, hit.person, by=officer, reason="same person")
    report = sitrep.situation_report()
    assert report["registered"] == before["registered"] - 1
    _assert_partition(report)


def _note(html: str) -> str:
    return html.split('data-testid="figures-note">', 1)[1].split("</p>", 1)[0]


def test_home_page_and_dashboard_say_what_the_figures_add_up_to(demo, login):
    report = sitrep.situation_report()
    client = login(get_user_model().objects.get(username="coordinator"))
    sum_line = (
        f"Registered {report['registered']} = at facilities {report['at_facilities']} "
        f"+ in transit {report['in_transit']} + departed {report['departed']}"
    )
    for url in (reverse("home"), reverse("dashboard")):
        note = _note(client.get(url).content.decode())
        assert sum_line in note, url
        assert "Unaccounted persons are among those in transit" in note
    # Under a facility filter the registry's sum does not apply; the overlap is still told.
    camp = Placement.objects.filter(is_current=True, state="placed").first().facility_id
    note = _note(client.get(reverse("dashboard"), {"facility": camp}).content.decode())
    assert "Registered" not in note and "among those in transit" in note
    arabic = _note(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ar").content.decode())
    assert f"المسجَّلون {report['registered']} = في المرافق {report['at_facilities']}" in arabic


def test_api_feed_gives_the_persons_at_facilities(demo, login):
    client = login(get_user_model().objects.get(username="coordinator"))
    feed = client.get("/api/sitrep/").json()
    assert feed["at_facilities"] + feed["in_transit"] + feed["departed"] == feed["registered"]
    schema = yaml.safe_load(client.get("/api/schema/").content)
    fields = schema["components"]["schemas"]["SitrepFeed"]["properties"]
    assert "a part of in_transit, not in addition to it" in fields["unaccounted"]["description"]
    assert (
        "registered = at_facilities + in_transit + departed"
        in (fields["at_facilities"]["description"])
    )


def test_the_sorani_pdf_numbers_its_pages_one_of_n(demo, login, tmp_path):
    """The page footer took the page's right-to-left direction: page 1 of 3 read '3 / 1'."""
    import pytest

    from muster.reports import pdf
    from tests.factories import pdf_page_footer, user

    if pdf.available() is not None:
        pytest.skip(f"no PDF renderer here: {pdf.available()}")
    client = login(user("coordinator"))
    response = client.get(reverse("dashboard-pdf"), {"language": "ckb"})
    assert response.status_code == 200, response.content[:200]
    pages, footer = pdf_page_footer(response.content, tmp_path)
    assert pages >= 2
    assert footer == ["1", "/", str(pages)], footer
