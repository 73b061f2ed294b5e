"""A camp manager sends a family on together: the household number on their slips finds every
member on the dispatch page (a family of five, one of them with another family name)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_household_number_finds_the_whole_family_to_dispatch(
    registered, facilities, make_user, login
):
    manager = make_user("camp_manager", facility=facilities["reception"])
    client = login(manager)
    url = reverse("dispatch", kwargs={"pk": facilities["reception"].pk})
    html = client.get(url, {"q": registered.number}).content.decode()
    for member in registered.members.all():
        assert member.number in html
    assert "Nobody here matches" not in html


def test_a_role_that_may_not_see_households_does_not_find_persons_by_one(
    registered, facilities, make_user, login
):
    from muster.access.lookup import search_persons
    from muster.people.models import Person

    coordinator = make_user("coordinator")
    found = search_persons(coordinator, Person.objects.all(), registered.number)
    assert not found.exists()


def test_the_search_box_says_a_household_number_finds_the_family(
    registered, facilities, make_user, login
):
    manager = make_user("camp_manager", facility=facilities["reception"])
    client = login(manager)
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    for name in ("dispatch", "facility-detail"):
        html = client.get(reverse(name, kwargs={"pk": facilities["reception"].pk})).content
        assert "الاسم، أو رقم التسجيل أو الأسرة أو الوثيقة" in html.decode(), name
