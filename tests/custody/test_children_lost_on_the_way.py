"""A child left in transit while the family is received, or reported not arrived, raises an alert."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from muster.custody import services as custody
from muster.protection.models import FamilySeparation

pytestmark = pytest.mark.django_db


@pytest.fixture
def reception_manager(make_user, facilities):
    return make_user("camp_manager", facility=facilities["reception"])


@pytest.fixture
def camp_manager(make_user, facilities):
    return make_user("camp_manager", facility=facilities["camp"])


@pytest.fixture
def on_the_way(registered, facilities, reception_manager):
    """The household of three (the son is 11) dispatched together to Al-Hol."""
    head, spouse, son = registered.members.order_by("id")
    movement = custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=reception_manager,
    )
    return movement, head, spouse, son


def test_receiving_the_family_without_its_child_needs_a_reason_and_is_recorded(
    on_the_way, camp_manager
):
    movement, head, spouse, son = on_the_way
    with pytest.raises(ValidationError) as refused:
        custody.receive(movement, [head, spouse], by=camp_manager)
    assert son.number in refused.value.message_dict["separation_reason"][0]
    assert custody.current_placement(head).state == "in_transit"

    custody.receive(
        movement, [head, spouse], by=camp_manager, separation_reason="boy not on the bus"
    )
    separation = FamilySeparation.objects.get()
    assert set(separation.remained.all()) == {son}
    assert set(separation.moved.all()) == {head, spouse}


def test_a_child_already_reported_not_arrived_needs_no_second_reason(on_the_way, camp_manager):
    """The report said what is known: receiving the parents after it records the separation with
    that note as its reason; a member only pending still needs one."""
    movement, head, spouse, son = on_the_way
    custody.report_missing(movement, son, note="not on the bus at arrival", by=camp_manager)
    with pytest.raises(ValidationError):  # the spouse is only pending, not reported
        custody.receive(movement, [head], by=camp_manager)
    assert custody.receive(movement, [head, spouse], by=camp_manager) == 2
    separation = FamilySeparation.objects.get()
    assert set(separation.remained.all()) == {son}
    assert separation.reason == f"{son.number} reported not arrived: not on the bus at arrival"
    assert custody.current_placement(son).state == "in_transit"


def test_the_receive_page_asks_for_the_reason(on_the_way, camp_manager, login, facilities):
    movement, head, spouse, son = on_the_way
    client = login(camp_manager)
    url = reverse("receive", kwargs={"pk": facilities["camp"].pk})
    body = {"movement": movement.number, "person": [head.pk, spouse.pk], "action": "receive"}
    page = client.post(url, body)
    assert page.status_code == 400
    assert 'name="separation_reason"' in page.content.decode()
    assert client.post(url, {**body, "separation_reason": "boy missing"}).status_code == 302
    assert FamilySeparation.objects.count() == 1


def test_a_child_left_in_transit_is_on_the_unaccounted_page_and_the_managers_home(
    on_the_way, camp_manager, login
):
    movement, head, spouse, son = on_the_way
    custody.receive(movement, [head, spouse], by=camp_manager, separation_reason="not on bus")
    client = login(camp_manager)
    for url in (reverse("unaccounted"), reverse("home")):
        html = client.get(url).content.decode()
        assert 'data-testid="children-unaccounted"' in html, url
        alert = html.split('data-testid="children-unaccounted"')[1].split("</section>")[0]
        assert son.number in alert and head.number not in alert


def test_a_child_reported_not_arrived_shows_the_true_status(on_the_way, camp_manager, login):
    movement, head, spouse, son = on_the_way
    custody.report_missing(movement, son, note="not on the bus at arrival", by=camp_manager)
    client = login(camp_manager)
    html = client.get(reverse("person-detail", kwargs={"number": son.number})).content.decode()
    assert 'data-testid="not-arrived"' in html
    assert camp_manager.username in html and "Al-Hol Camp" in html
    assert 'class="badge warn">In transit' not in html
    alert = client.get(reverse("unaccounted")).content.decode()
    assert son.number in alert.split('data-testid="children-unaccounted"')[1].split("</section>")[0]


def test_the_homes_card_is_audited_and_shows_flags_only_to_roles_that_see_them(
    on_the_way, camp_manager, make_user, login
):
    """The repatriation officer sees names and where a movement went, never protection flags; the
    card's read is in the audit log, as the unaccounted page's is."""
    from muster.audit.models import AuditEvent
    from muster.custody.audit_actions import CustodyAction

    movement, head, spouse, son = on_the_way
    son.separated_child = True
    son.save(update_fields=["separated_child"])
    custody.receive(movement, [head, spouse], by=camp_manager, separation_reason="not on bus")
    for role, flag_shown in (("camp_manager", True), ("repatriation_officer", False)):
        user = camp_manager if role == "camp_manager" else make_user(role)
        before = AuditEvent.objects.filter(action=CustodyAction.UNACCOUNTED_READ).count()
        html = login(user).get(reverse("home")).content.decode()
        alert = html.split('data-testid="children-unaccounted"')[1].split("</section>")[0]
        assert son.number in alert, role
        assert ('class="badge warn">Separated<' in alert) is flag_shown, role
        read = AuditEvent.objects.filter(action=CustodyAction.UNACCOUNTED_READ).order_by("-seq")
        assert read.count() == before + 1, role
        assert read.first().actor_username == user.username


def test_a_child_lost_on_the_way_did_not_stay_behind(on_the_way, camp_manager, login):
    # His family was received without him: his page said he "stayed when others moved", as if he
    # had never left.
    movement, head, spouse, son = on_the_way
    custody.report_missing(movement, son, note="not on the bus at arrival", by=camp_manager)
    custody.receive(movement, [head, spouse], by=camp_manager)
    client = login(camp_manager)
    html = client.get(reverse("person-detail", kwargs={"number": son.number})).content.decode()
    assert "did not arrive with the others at" in html and "stayed when others moved" not in html
    parent = client.get(reverse("person-detail", kwargs={"number": head.number})).content.decode()
    assert "moved to" in parent
