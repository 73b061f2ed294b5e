"""The dispatch basket: an officer builds one selection across pages and searches (kept on the
server, per user), sees how many and who are in it, takes some out, and dispatches them at once,
with the refusals of a dispatch (a family split without a reason, a full camp)."""

import re

import pytest
from django.urls import reverse

from muster.custody import services as custody
from muster.custody import views
from muster.custody.models import Movement, Placement
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_households(registered, facilities, make_user):
    """The usual household of three and Karim, alone, at Reception Point 1; two persons a page."""
    karim = factories.household_data()[:1]
    karim[0].update(given_name="Karim", family_name="Haddad", birth_year="1970")
    alone = factories.household(karim, reception_point=facilities["reception"])
    head, spouse, son = registered.members.order_by("id")
    return head, spouse, son, alone.members.get()


@pytest.fixture
def officer(make_user, facilities, login):
    return login(make_user("camp_manager", facility=facilities["reception"]))


def selected(html: str) -> int:
    """The basket panel's count."""
    return int(re.search(r'data-selected-count="person" data-elsewhere="\d+">(\d+)<', html)[1])


def basket_numbers(html: str) -> list[str]:
    start = html.index('id="basket"')
    part = html[start : html.index("</div>", start)]
    return re.findall(r'<span class="code">([^<]+)</span>', part)


def test_a_selection_built_over_two_pages_is_dispatched_at_once(
    two_households, facilities, officer, monkeypatch
):
    monkeypatch.setattr(views, "DISPATCH_PAGE_SIZE", 2)
    head, spouse, son, karim = two_households
    url = reverse("dispatch", kwargs={"pk": facilities["reception"].pk})
    basket = reverse("dispatch-basket", kwargs={"pk": facilities["reception"].pk})
    page1 = officer.get(url).content.decode()
    assert (
        f'name="person" value="{head.pk}"' in page1
        and f'name="person" value="{son.pk}"' not in page1
    )
    # Page 1: the parents ticked, without script (the button back to the same page).
    response = officer.post(
        basket, {"shown": [head.pk, spouse.pk], "person": [head.pk, spouse.pk], "back_page": "1"}
    )
    assert response.status_code == 302 and response["Location"] == f"{url}?page=1"
    # Page 2: the parents are still chosen, shown in the basket with its count.
    page2 = officer.get(url, {"page": 2}).content.decode()
    assert (
        f'name="person" value="{son.pk}"' in page2
        and f'name="person" value="{head.pk}"' not in page2
    )
    assert selected(page2) == 2 and 'data-elsewhere="2"' in page2
    assert basket_numbers(page2) == [head.number, spouse.number]
    # Karim ticked on page 2: three in all.
    officer.post(basket, {"shown": [son.pk, karim.pk], "person": [karim.pk]})
    # A search elsewhere does not lose them either.
    found = officer.get(url, {"q": "Karim"}).content.decode()
    assert selected(found) == 3
    assert basket_numbers(found) == [head.number, spouse.number, karim.number]

    # Dispatched from page 2 with the son unticked: the household is split, refused as before,
    # and nothing moves; the selection stays.
    to_camp = {"to_facility": facilities["camp"].pk, "shown": [son.pk, karim.pk]}
    response = officer.post(f"{url}?page=2", {**to_camp, "person": [karim.pk]})
    assert response.status_code == 400
    assert 'data-code="household_split"' in response.content.decode() or (
        "separation_reason" in response.content.decode()
    )
    assert not Movement.objects.exists()
    assert basket_numbers(response.content.decode()) == [head.number, spouse.number, karim.number]

    # The son ticked too; the small camp (3 places) is full for four: refused, nothing moves.
    both = {"shown": [son.pk, karim.pk], "person": [son.pk, karim.pk]}
    response = officer.post(f"{url}?page=2", {**both, "to_facility": facilities["small_camp"].pk})
    assert response.status_code == 400 and 'data-code="capacity_exceeded"' in (
        response.content.decode()
    )
    assert not Movement.objects.exists()
    assert selected(response.content.decode()) == 4

    # Karim taken out of the selection (htmx: the basket's panel comes back, and this page's
    # boxes as they now are, out of band).
    response = officer.post(
        basket,
        {"shown": [son.pk, karim.pk], "person": [son.pk, karim.pk], "remove": karim.pk},
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and selected(fragment) == 3
    assert basket_numbers(fragment) == [head.number, spouse.number, son.number]
    oob = [b for b in fragment.split("<input")[1:] if 'hx-swap-oob="true"' in b]
    assert any(f'name="person" value="{karim.pk}"' in b and " checked" not in b for b in oob)
    assert any(f'name="person" value="{son.pk}"' in b and " checked" in b for b in oob)

    # Dispatched: the whole household, from the pages they were chosen on; the basket is empty.
    response = officer.post(f"{url}?page=2", {**to_camp, "person": [son.pk]})
    assert response.status_code == 302
    movement = Movement.objects.get()
    assert set(movement.lines.values_list("person_id", flat=True)) == {
        head.pk,
        spouse.pk,
        son.pk,
    }
    assert custody.current_placement(karim).facility == facilities["reception"]
    assert selected(officer.get(url).content.decode()) == 0


def test_the_basket_is_each_users_own_and_refuses_persons_from_elsewhere(
    two_households, facilities, officer, make_user
):
    head, spouse, son, karim = two_households
    url = reverse("dispatch", kwargs={"pk": facilities["reception"].pk})
    basket = reverse("dispatch-basket", kwargs={"pk": facilities["reception"].pk})
    officer.post(basket, {"shown": [karim.pk], "person": [karim.pk]})
    other = factories.signed_in(make_user("camp_manager", facility=facilities["reception"]))
    assert selected(other.get(url).content.decode()) == 0
    # Someone at another facility is never put in.
    other_point = factories.facility("Reception Point 2", "reception_point")
    elsewhere = factories.household(
        factories.household_data()[:1], reception_point=other_point
    ).members.get()
    officer.post(basket, {"shown": [elsewhere.pk], "person": [elsewhere.pk]})
    assert basket_numbers(officer.get(url).content.decode()) == [karim.number]


def test_one_dispatched_meanwhile_is_taken_out_and_the_officer_asked_to_check(
    two_households, facilities, officer, make_user
):
    head, spouse, son, karim = two_households
    url = reverse("dispatch", kwargs={"pk": facilities["reception"].pk})
    basket = reverse("dispatch-basket", kwargs={"pk": facilities["reception"].pk})
    officer.post(basket, {"shown": [karim.pk, head.pk], "person": [karim.pk]})
    # Another officer sends Karim off first.
    custody.dispatch(
        [karim],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=make_user("camp_manager", facility=facilities["reception"]),
    )
    response = officer.post(url, {"to_facility": facilities["holding"].pk})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-code="selection_changed"' in html
    assert Movement.objects.count() == 1
    assert custody.current_placement(karim).state == Placement.State.IN_TRANSIT
    assert selected(html) == 0
