"""The top bar offers only what the user's roles allow."""

import pytest
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db


def nav(client) -> str:
    html = client.get(reverse("home")).content.decode()
    return html[html.index('<nav class="mainnav">') : html.index("</nav>")]


def test_registration_officer_sees_reception_and_search_not_unaccounted(officer_client):
    bar = nav(officer_client)
    assert reverse("reception") in bar and reverse("person-search") in bar
    assert reverse("unaccounted") not in bar


def test_camp_manager_gets_the_unaccounted_list_by_name_once(make_user, login, facilities):
    bar = nav(login(make_user("camp_manager", facility=facilities["camp"])))
    assert f'href="{reverse("unaccounted")}"' in bar
    assert reverse("unaccounted-figures") not in bar


def test_coordinator_sees_facilities_and_unaccounted_figures_not_reception(make_user, login):
    bar = nav(login(make_user("coordinator")))
    assert reverse("facility-list") in bar and reverse("unaccounted-figures") in bar
    assert f'href="{reverse("unaccounted")}"' not in bar
    assert reverse("reception") not in bar and reverse("person-search") not in bar


def test_screening_queue_is_linked_only_for_screening_roles_and_only_if_it_exists(make_user, login):
    try:
        queue = reverse("screening-queue")
    except NoReverseMatch:
        pytest.skip("the screening pages are not installed in this tree")
    assert queue in nav(login(make_user("screening_officer")))
    assert queue not in nav(login(make_user("registration_officer")))
