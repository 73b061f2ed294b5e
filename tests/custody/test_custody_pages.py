"""Facility pages, dispatch with a printable manifest, receipt person by person, unaccounted."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.custody.models import ManifestLine, Movement, Placement
from muster.screening import services as screening

pytestmark = pytest.mark.django_db


def members(household):
    return list(household.members.order_by("id"))


@pytest.fixture
def reception_manager(make_user, facilities):
    return make_user("camp_manager", facility=facilities["reception"])


@pytest.fixture
def camp_manager(make_user, facilities):
    return make_user("camp_manager", facility=facilities["camp"])


def test_facility_page_shows_population_arrivals_and_the_people_here(
    registered, facilities, reception_manager, login, make_user
):
    screening.decide_category(
        members(registered)[0], "civilian", reason="documents", by=make_user("screening_officer")
    )
    client = login(reception_manager)
    response = client.get(reverse("facility-detail", kwargs={"pk": facilities["reception"].pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="arrivals-today">3<' in html
    assert "3 <small>/ 5000</small>" in html
    assert "Muhammad Jasim Hamad al-Obeidi" in html and "عائشة علي الجبوري" in html
    assert "Civilian" in html and "Not yet decided" in html
    # Search within the facility, across scripts.
    response = client.get(
        reverse("facility-detail", kwargs={"pk": facilities["reception"].pk}), {"q": "عمر"}
    )
    html = response.content.decode()
    assert "Omar Muhammad" in html and "Muhammad Jasim Hamad" not in html


def test_camp_manager_cannot_open_a_facility_outside_their_scope(
    registered, facilities, camp_manager, login
):
    client = login(camp_manager)
    assert (
        client.get(
            reverse("facility-detail", kwargs={"pk": facilities["reception"].pk})
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("dispatch", kwargs={"pk": facilities["reception"].pk})).status_code
        == 404
    )
    listing = client.get(reverse("facility-list")).content.decode()
    assert "Al-Hol Camp" in listing and "Reception Point 1" not in listing


def test_registration_officer_may_not_dispatch(registered, facilities, officer_client):
    response = officer_client.get(reverse("dispatch", kwargs={"pk": facilities["reception"].pk}))
    assert response.status_code == 403


def test_dispatch_through_the_form_prints_a_manifest_and_receipt_confirms_each_person(
    registered, facilities, reception_manager, camp_manager, login
):
    head, spouse, son = members(registered)
    client = login(reception_manager)
    dispatch_url = reverse("dispatch", kwargs={"pk": facilities["reception"].pk})
    page = client.get(dispatch_url).content.decode()
    assert f'value="{head.pk}"' in page and "data-select-all" in page

    response = client.post(
        dispatch_url,
        {
            "person": [head.pk, spouse.pk, son.pk],
            "to_facility": facilities["camp"].pk,
            "vehicle": "bus 14",
            "note": "morning convoy",
        },
    )
    assert response.status_code == 302
    movement = Movement.objects.get()
    assert response["Location"] == reverse("movement-detail", kwargs={"number": movement.number})
    manifest = client.get(response["Location"]).content.decode()
    for text in (
        movement.number,
        "Reception Point 1",
        "Al-Hol Camp",
        "bus 14",
        head.number,
        "Muhammad Jasim Hamad al-Obeidi",
        "Received by (receiving facility)",
    ):
        assert text in manifest, text

    # The camp sees what is expected, and receives two of three; the third did not arrive.
    client = login(camp_manager)
    camp = reverse("facility-detail", kwargs={"pk": facilities["camp"].pk})
    assert 'data-testid="expected">3<' in client.get(camp).content.decode()
    receive_url = reverse("receive", kwargs={"pk": facilities["camp"].pk})
    page = client.get(receive_url).content.decode()
    assert movement.number in page and "عائشة علي الجبوري" in page
    response = client.post(
        receive_url,
        {
            "movement": movement.number,
            "action": "receive",
            "person": [head.pk, son.pk],
            "separation_reason": "mother not on the bus",
        },
    )
    assert response.status_code == 302
    assert custody.current_placement(head).facility == facilities["camp"]
    assert custody.current_placement(spouse).state == Placement.State.IN_TRANSIT

    response = client.post(
        receive_url, {"movement": movement.number, "action": "missing", "person": [spouse.pk]}
    )
    assert response.status_code == 400
    assert "say what is known" in response.content.decode()
    # The note field itself is marked and focused, not only the message at the top of the card.
    assert 'name="note" class="note"' in response.content.decode()
    note_input = response.content.decode().split('name="note" class="note"')[1].split(">")[0]
    assert 'aria-invalid="true"' in note_input and "autofocus" in note_input
    response = client.post(
        receive_url,
        {
            "movement": movement.number,
            "action": "missing",
            "person": [spouse.pk],
            "note": "not on the bus at arrival",
        },
    )
    assert response.status_code == 302
    line = ManifestLine.objects.get(person=spouse)
    assert line.outcome == ManifestLine.Outcome.MISSING and line.note == "not on the bus at arrival"
    html = client.get(camp).content.decode()
    assert 'data-testid="arrivals-today">2<' in html and 'data-testid="expected">0<' in html


def test_dispatch_errors_are_shown_beside_their_fields_and_nothing_moves(
    registered, facilities, reception_manager, login
):
    head, spouse, son = members(registered)
    client = login(reception_manager)
    url = reverse("dispatch", kwargs={"pk": facilities["reception"].pk})
    response = client.post(url, {"person": [head.pk], "to_facility": ""})
    assert response.status_code == 400
    assert "choose where they are going" in response.content.decode()

    # Small Camp has 3 places: taking 3 is fine, but first fill it so this transfer overflows.
    response = client.post(url, {"person": [head.pk], "to_facility": facilities["camp"].pk})
    html = response.content.decode()
    assert response.status_code == 400
    start = html.index('name="separation_reason"')
    assert "separates members of household" in html[start : start + 800]
    assert f'value="{head.pk}" id="p{head.pk}" checked' in html  # the selection is kept

    small = facilities["small_camp"]
    small.capacity = 2
    small.save()
    response = client.post(url, {"person": [head.pk, spouse.pk, son.pk], "to_facility": small.pk})
    html = response.content.decode()
    assert response.status_code == 400 and "has room for 2 more" in html
    assert Movement.objects.count() == 0
    response = client.post(
        url,
        {
            "person": [head.pk, spouse.pk, son.pk],
            "to_facility": small.pk,
            "override_reason": "camp manager agreed by radio",
        },
    )
    assert response.status_code == 302
    assert Movement.objects.get().capacity_override_reason == "camp manager agreed by radio"


def test_unaccounted_list_after_thirteen_hours(
    registered, facilities, reception_manager, make_user, login
):
    people = members(registered)
    movement = custody.dispatch(
        people,
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=reception_manager,
    )
    url = reverse("unaccounted")
    client = login(make_user("repatriation_officer"))
    assert movement.number not in client.get(url).content.decode()

    Movement.objects.filter(pk=movement.pk).update(
        dispatched_at=timezone.now() - timedelta(hours=13)
    )
    html = client.get(url).content.decode()
    assert movement.number in html and "Al-Hol Camp" in html
    assert people[0].number in html and "Muhammad Jasim Hamad al-Obeidi" in html
    assert ">1<" in html  # one hour past the 12-hour limit

    # A coordinator sees the movements, not who is on them, on the figures page; not the named list.
    coordinator = login(make_user("coordinator"))
    assert coordinator.get(url).status_code == 403
    html = coordinator.get(reverse("unaccounted-figures")).content.decode()
    assert movement.number in html
    assert people[0].number not in html and "Muhammad" not in html


def test_camp_manager_sees_unaccounted_only_for_their_facilities(
    registered, facilities, reception_manager, make_user, login
):
    movement = custody.dispatch(
        members(registered),
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=reception_manager,
    )
    Movement.objects.filter(pk=movement.pk).update(
        dispatched_at=timezone.now() - timedelta(hours=13)
    )
    elsewhere = login(make_user("camp_manager", facility=facilities["holding"]))
    assert movement.number not in elsewhere.get(reverse("unaccounted")).content.decode()
    # and the figures page, which shows every movement, is not theirs
    assert elsewhere.get(reverse("unaccounted-figures")).status_code == 403


def test_opening_a_movement_outside_ones_facilities_is_not_found_and_audited(
    registered, facilities, reception_manager, make_user, login
):
    movement = custody.dispatch(
        members(registered),
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=reception_manager,
    )
    elsewhere = login(make_user("camp_manager", facility=facilities["holding"]))
    response = elsewhere.get(reverse("movement-detail", args=[movement.number]))
    assert response.status_code == 404
    denied = AuditEvent.objects.filter(action="request.denied").last()
    assert denied.detail["reason"] == "movement outside scope"


def test_facility_list_shows_population_against_capacity(registered, facilities, make_user, login):
    html = login(make_user("coordinator")).get(reverse("facility-list")).content.decode()
    assert "Reception Point 1" in html and "Small Camp" in html
    assert 'style="inline-size: 0%"' in html  # 3 of 5000: a bar, barely started


def test_a_manager_lists_the_unaccompanied_or_separated_children_here(
    registered, facilities, reception_manager, login
):
    # A camp manager had no way to find them but to page through the whole roll.
    from muster.people.models import Person

    child = Person.objects.get(separated_child=True)
    others = [p for p in members(registered) if p.pk != child.pk]
    client = login(reception_manager)
    url = reverse("facility-detail", kwargs={"pk": facilities["reception"].pk})
    page = client.get(url).content.decode()
    assert 'data-testid="children-only"' in page
    html = client.get(url, {"children": "1"}).content.decode()
    assert child.number in html and not any(p.number in html for p in others)
    assert 'name="children" value="1" checked' in html


def test_receiving_a_family_apart_says_how_to_report_the_one_not_on_the_bus(
    registered, facilities, reception_manager, camp_manager, login
):
    # A walk: the receiving officer, asked why the family was received apart, typed "the child was
    # not on the truck" as the reason; the child stayed "in transit", not counted as unaccounted.
    head, spouse, son = members(registered)
    movement = custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=reception_manager,
    )
    client = login(camp_manager)
    receive_url = reverse("receive", kwargs={"pk": facilities["camp"].pk})
    response = client.post(
        receive_url,
        {"movement": movement.number, "action": "receive", "person": [head.pk, spouse.pk]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "state the reason" in page
    assert "report them as not arrived" in page
    assert custody.current_placement(head).state == Placement.State.IN_TRANSIT  # nothing half-done


def test_asked_why_a_family_is_received_apart_the_others_can_be_reported_not_arrived(
    registered, facilities, make_user, login
):
    # Two of three ticked, the page asks why the family is received apart. Following the hint
    # (tick the missing one, report) reported all three; "those not ticked" reports only her.

    head, spouse, son = registered.members.order_by("id")
    manager = make_user("camp_manager")
    bus = custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
    )
    client = login(manager)
    url = reverse("receive", kwargs={"pk": facilities["camp"].pk})
    ticked = {"movement": bus.number, "person": [head.pk, son.pk]}
    refused = client.post(url, {**ticked, "action": "receive"})
    assert refused.status_code == 400 and 'data-testid="missing-rest"' in refused.content.decode()
    response = client.post(url, {**ticked, "action": "missing_rest", "note": "not on the bus"})
    assert response.status_code == 200
    outcomes = dict(ManifestLine.objects.filter(movement=bus).values_list("person_id", "outcome"))
    assert outcomes == {head.pk: "pending", spouse.pk: "missing", son.pk: "pending"}
    html = response.content.decode()
    assert f'value="{head.pk}" id="r{bus.pk}-{head.pk}" checked' in html  # still ticked
    # Now received without a reason asked: the one apart was reported not arrived.
    assert client.post(url, {**ticked, "action": "receive"}).status_code == 302
    assert custody.current_placement(head).facility == facilities["camp"]
    assert ManifestLine.objects.get(movement=bus, person=spouse).outcome == "missing"


def test_dispatch_names_a_family_split_and_a_full_camp_together(
    registered, facilities, make_user, login
):
    # Two of three sent to a camp with one free place: both problems on the first refusal, not
    # the second only after the officer has answered the first.
    head, spouse, son = registered.members.order_by("id")
    small = facilities["small_camp"]
    small.capacity = 1
    small.save()
    client = login(make_user("camp_manager"))
    url = reverse("dispatch", kwargs={"pk": facilities["reception"].pk})
    response = client.post(url, {"person": [head.pk, spouse.pk], "to_facility": small.pk})
    html = response.content.decode()
    assert response.status_code == 400
    assert "separates members of household" in html and "has room for 1 more" in html
    assert not Movement.objects.exists()


def test_reporting_someone_not_arrived_without_a_note_is_told_beside_the_note_in_sorani(
    registered, facilities, reception_manager, camp_manager, login
):
    # The message stood above the table, the note box it is about in the bar under it.
    head, spouse, son = members(registered)
    movement = custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=reception_manager,
    )
    client = login(camp_manager)
    client.post(reverse("set_language"), {"language": "ckb", "next": "/"})
    response = client.post(
        reverse("receive", kwargs={"pk": facilities["camp"].pk}),
        {"movement": movement.number, "action": "missing", "person": [spouse.pk]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    card = page[page.index(f'id="mv-{movement.number}"') :]
    note = card.index('<input name="note"')
    said = card.index('data-testid="error-note"')
    assert note < said < card.index('value="missing"')  # under the box, before the button
    assert "ئەوەی زانراوە بنووسە" in card[said : said + 300]
    assert card[:note].count('class="field-error"') == 0  # not also above the table
    assert custody.current_placement(spouse).state == Placement.State.IN_TRANSIT


def test_a_facility_shows_expected_and_reported_not_arrived_adding_up_to_in_transit_there(
    registered, facilities, reception_manager, camp_manager, login
):
    """ "Expected" left out those reported not arrived, so it read less than those in transit to
    the camp, and nothing said where the others were. Now each is shown, and they add up."""
    head, spouse, son = members(registered)
    movement = custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=reception_manager,
    )
    custody.report_missing(movement, spouse, note="not on the bus", by=camp_manager)
    in_transit_there = (
        custody.in_transit_lines().filter(movement__to_facility=facilities["camp"]).count()
    )
    assert in_transit_there == 3
    client = login(camp_manager)
    for url in (
        reverse("facility-detail", kwargs={"pk": facilities["camp"].pk}),
        reverse("facility-list"),
    ):
        html = client.get(url).content.decode()
        assert 'data-testid="expected">2<' in html or '<td class="num">2</td>' in html, url
        assert 'data-testid="reported-not-arrived">1<' in html, url
    html = client.get(reverse("facility-detail", kwargs={"pk": facilities["camp"].pk})).content
    html = html.decode()
    assert "Expected (dispatched here, still on the way)" in html
    assert "Reported not arrived here" in html
    assert "In transit to here: 3 (the expected and those reported not arrived together)." in html
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    html = client.get(reverse("facility-detail", kwargs={"pk": facilities["camp"].pk})).content
    html = html.decode()
    assert "أُبلغ عن عدم وصولهم إلى هنا" in html and "في الطريق إلى هنا: 3" in html


@pytest.mark.parametrize(
    "language, transfer, receipt",
    [
        ("en", "This transfer separates members", "Receiving only part of household"),
        ("kmr", "Ev veguhastin endamên", "Wergirtina tenê beşek"),
    ],
)
def test_splitting_a_household_is_refused_in_full_sentences(
    registered, facilities, reception_manager, camp_manager, login, language, transfer, receipt
):
    # The refusals began in lower case ("this transfer separates...", "receiving only part...")
    # and had no full stop.
    head, spouse, son = members(registered)
    client = login(reception_manager)
    client.cookies["django_language"] = language
    url = reverse("dispatch", kwargs={"pk": facilities["reception"].pk})
    response = client.post(url, {"person": [head.pk], "to_facility": facilities["camp"].pk})
    assert response.status_code == 400
    message = re.search(rf"{transfer}[^<]*", response.content.decode()).group(0).strip()
    assert message.endswith(".") and registered.number in message, message
    movement = custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=reception_manager,
    )
    client = login(camp_manager)
    client.cookies["django_language"] = language
    response = client.post(
        reverse("receive", kwargs={"pk": facilities["camp"].pk}),
        {"movement": movement.number, "action": "receive", "person": [head.pk, spouse.pk]},
    )
    assert response.status_code == 400
    message = re.search(rf"{receipt}[^<]*", response.content.decode()).group(0).strip()
    assert registered.number in message and son.number in message, message
    # Each part a sentence: the refusal, the children left in transit, what to do about them.
    sentences = [p.strip() for p in re.split(r"(?<=\.) ", message)]
    assert len(sentences) == 3 and all(p[0].isupper() and p.endswith(".") for p in sentences)
