"""Roll call pages, as a camp manager takes one: from the facility page, a number scanned and a
person ticked (each answered at once), someone from elsewhere recorded, the close and its not-seen
list, its file; another camp's manager gets nothing, a coordinator the figures alone."""

import pytest
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.custody.models import RollCall
from tests import factories

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def web(manager):
    return factories.signed_in(manager)


def actions(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).values_list("action", flat=True))


def test_a_camp_manager_takes_a_roll_call_from_the_facility_page(family, point, web, manager):
    head, spouse, son = family
    elsewhere = factories.household(
        factories.household_data()[:1],
        reception_point=factories.facility("Reception Point 2", "reception_point"),
    ).members.get()
    facility_page = web.get(reverse("facility-detail", kwargs={"pk": point.pk})).content.decode()
    roll_calls = reverse("roll-calls", kwargs={"pk": point.pk})
    assert (
        f'href="{roll_calls}"' in facility_page and 'data-testid="roll-call-link"' in facility_page
    )
    assert "Start a roll call" in web.get(roll_calls).content.decode()

    response = web.post(roll_calls)
    roll_call = RollCall.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "roll-call", kwargs={"number": roll_call.number}
    )
    page = web.get(response["Location"]).content.decode()
    assert "0 of 3 seen" in page and head.number in page and "Muhammad" in page
    assert actions(object_type="custody.rollcall") == ["rollcall.start", "rollcall.persons.list"]

    mark = reverse("roll-call-mark", kwargs={"number": roll_call.number})
    # A wristband scanned: marked, with the name; the figures swapped out of band.
    answer = web.post(
        mark, {"number": head.number.lower(), "shown": [head.pk, son.pk]}, **HX
    ).content.decode()
    # The row of the list on the screen answers too (out of band).
    assert f'<tr id="unseen-{head.pk}" class="ticked" hx-swap-oob="true">' in answer
    assert f'id="unseen-{son.pk}"' not in answer
    assert f"marked: {head.number} Muhammad" in answer
    assert 'data-code="marked"' in answer and "1 of 3 seen" in answer
    assert 'hx-swap-oob="true"' in answer
    # Scanned again: already marked, nothing more recorded.
    again = web.post(mark, {"number": head.number}, **HX).content.decode()
    assert 'data-code="already"' in again and "1 of 3 seen" in again
    assert actions(action="rollcall.mark") == ["rollcall.mark"]
    # A typo: a clear refusal.
    typo = web.post(mark, {"number": "P-NOSUCH1"}, **HX).content.decode()
    assert 'data-code="unknown_number"' in typo and "P-NOSUCH1" in typo
    # Someone registered at another reception point: not on the list, where they are said,
    # recorded, not moved (out of this manager's scope: no facility named, no name).
    stranger = web.post(mark, {"number": elsewhere.number}, **HX).content.decode()
    assert 'data-code="not_on_list"' in stranger and "placed at another facility" in stranger
    assert "Reception Point 2" not in stranger and "Muhammad" not in stranger
    assert custody.current_placement(elsewhere).facility.name == "Reception Point 2"
    # The son ticked in the list of those not yet seen: his row answers.
    ticked = web.post(mark, {"person": [son.pk]}, **HX).content.decode()
    assert f'id="unseen-{son.pk}"' in ticked and "2 of 3 seen" in ticked
    # The list of those not yet seen now holds the spouse alone.
    unseen = web.get(response["Location"], **HX).content.decode()
    assert spouse.number in unseen and son.number not in unseen and head.number not in unseen

    close = reverse("roll-call-close", kwargs={"number": roll_call.number})
    assert web.post(close, {"note": "count at the water point"}).status_code == 302
    roll_call.refresh_from_db()
    assert (roll_call.seen, roll_call.not_seen, roll_call.not_on_list) == (2, 1, 1)
    result = web.get(response["Location"]).content.decode()
    assert 'data-testid="list-not_seen"' in result and spouse.number in result
    assert spouse.household.number in result and "count at the water point" in result
    assert 'data-testid="scan-number"' not in result  # read-only
    elsewhere_list = web.get(response["Location"], {"list": "elsewhere"}).content.decode()
    assert elsewhere.number in elsewhere_list and "placed at another facility" in elsewhere_list
    # A mark after the close is refused.
    late = web.post(mark, {"number": spouse.number}, **HX).content.decode()
    assert 'data-code="roll_call_closed"' in late
    assert roll_call.lines.get(person=spouse).seen_at is None

    # The last roll call's "not seen" on the facility page and on the manager's home.
    for url in (reverse("facility-detail", kwargs={"pk": point.pk}), reverse("home")):
        shown = web.get(url).content.decode()
        assert 'data-testid="last-roll-call"' in shown, url
        assert reverse("roll-call", kwargs={"number": roll_call.number}) in shown
    lists = AuditEvent.objects.filter(action="rollcall.persons.list", object_id=str(roll_call.pk))
    assert lists.filter(detail__outcome="not_seen").exists()


def test_the_list_of_those_not_yet_seen_is_searched_and_ticked_without_script(
    family, point, web, manager
):
    head, spouse, son = family
    roll_call = custody.start_roll_call(point, by=manager)
    url = reverse("roll-call", kwargs={"number": roll_call.number})
    found = web.get(url, {"q": "Omar"}).content.decode()
    assert son.number in found and spouse.number not in found
    mark = reverse("roll-call-mark", kwargs={"number": roll_call.number})
    response = web.post(mark, {"person": [son.pk], "back_q": "Omar"})
    assert response.status_code == 302 and response["Location"] == f"{url}?q=Omar"
    assert roll_call.lines.get(person=son).how == "tick"
    # An id not on this list names nobody.
    other = factories.household(
        factories.household_data()[:1],
        reception_point=factories.facility("Reception Point 2", "reception_point"),
    ).members.get()
    refused = web.post(mark, {"person": [other.pk]}, **HX).content.decode()
    assert 'data-code="nobody_selected"' in refused and other.number not in refused


def test_a_second_roll_call_is_refused_with_the_open_ones_number(family, point, web, manager):
    first = custody.start_roll_call(point, by=manager)
    response = web.post(reverse("roll-calls", kwargs={"pk": point.pk}))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-code="roll_call_open"' in body and first.number in body
    assert RollCall.objects.count() == 1


def test_another_camps_manager_gets_nothing_and_is_recorded(family, point, manager, facilities):
    roll_call = custody.start_roll_call(point, by=manager)
    custody.mark_seen(roll_call, family[0], by=manager, how="scan")
    other = factories.signed_in(factories.user("camp_manager", facility=facilities["camp"]))
    number = {"number": roll_call.number}
    denied_before = AuditEvent.objects.filter(action="request.denied").count()
    assert other.get(reverse("roll-call", kwargs=number)).status_code == 404
    assert other.post(reverse("roll-call-mark", kwargs=number), {"number": "X"}).status_code == 404
    assert other.post(reverse("roll-call-close", kwargs=number)).status_code == 404
    assert other.post(reverse("roll-calls", kwargs={"pk": point.pk})).status_code == 404
    csv = reverse("export-roll-call-not-seen-csv", kwargs=number)
    assert other.get(csv).status_code == 404
    assert AuditEvent.objects.filter(action="request.denied").count() == denied_before + 5
    roll_call.refresh_from_db()
    assert roll_call.is_open and roll_call.lines.filter(seen_at__isnull=False).count() == 1


def test_a_coordinator_reads_the_figures_and_no_names(family, point, manager, make_user):
    roll_call = custody.start_roll_call(point, by=manager)
    custody.mark_seen(roll_call, family[0], by=manager, how="scan")
    custody.close_roll_call(roll_call, by=manager)
    coordinator = factories.signed_in(make_user("coordinator"))
    page = coordinator.get(reverse("roll-call", kwargs={"number": roll_call.number}))
    body = page.content.decode()
    assert page.status_code == 200 and "1 of 3 seen" in body
    assert all(p.number not in body for p in family) and "Muhammad" not in body
    listing = coordinator.get(reverse("roll-calls", kwargs={"pk": point.pk})).content.decode()
    assert roll_call.number in listing and "Start a roll call" not in listing
    mark = reverse("roll-call-mark", kwargs={"number": roll_call.number})
    assert coordinator.post(mark, {"number": family[1].number}).status_code == 403
    assert coordinator.post(reverse("roll-calls", kwargs={"pk": point.pk})).status_code == 403


def test_the_not_seen_list_is_downloaded_and_the_export_recorded(family, point, web, manager):
    head, spouse, son = family
    roll_call = custody.start_roll_call(point, by=manager)
    custody.mark_seen(roll_call, head, by=manager, how="scan")
    custody.close_roll_call(roll_call, by=manager)
    page = web.get(reverse("roll-call", kwargs={"number": roll_call.number})).content.decode()
    csv_url = reverse("export-roll-call-not-seen-csv", kwargs={"number": roll_call.number})
    assert csv_url in page
    response = web.get(csv_url)
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    header, *rows = text.strip().splitlines()
    assert header.startswith("roll_call,number,given_name") and "separated_child" in header
    assert len(rows) == 2 and {spouse.number, son.number} == {r.split(",")[1] for r in rows}
    event = AuditEvent.objects.get(action="export")
    assert event.detail["export"] == "rollcall.not_seen" and event.detail["rows"] == 2
    xlsx = web.get(reverse("export-roll-call-not-seen-xlsx", kwargs={"number": roll_call.number}))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
