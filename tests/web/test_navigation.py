"""The top bar offers only what the user's roles allow."""

import pytest
from django.urls import reverse

from muster.access.models import Role
from muster.web.context import NAV_LINKS, _target, nav_links

pytestmark = pytest.mark.django_db


def nav(client) -> str:
    html = client.get(reverse("home")).content.decode()
    return html[html.index('<nav class="mainnav">') : html.index("</nav>")]


def test_every_page_in_the_bar_is_installed_and_declares_what_it_needs():
    # The bar leaves out a page that does not resolve (other URLconfs render the layout too): a
    # renamed URL would silently drop its link, so every name in NAV_LINKS must resolve here.
    missing = [name for name, _label in NAV_LINKS if _target(name) is None]
    assert missing == []


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


def test_screening_queue_is_linked_only_for_screening_roles(make_user, login):
    queue = reverse("screening-queue")  # a renamed URL fails here, it is not skipped
    assert queue in nav(login(make_user("screening_officer")))
    assert queue not in nav(login(make_user("registration_officer")))


SCREENING_PAGES = (
    "screening-queue",
    "category-approvals",
    "screening-lists",
    "separated-families",
    "children-list",
)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("screening_officer", set(SCREENING_PAGES)),
        # protection reviews are the caseworker's; the screening queue is not
        ("tracing_caseworker", {"separated-families", "children-list"}),
        ("camp_manager", set()),
        ("registration_officer", set()),
        ("coordinator", set()),
    ],
)
def test_screening_pages_are_linked_exactly_for_the_roles_that_may_open_them(
    role, expected, make_user, login, facilities
):
    facility = facilities["camp"] if role == "camp_manager" else None
    client = login(make_user(role, facility=facility))
    bar = nav(client)
    for name in SCREENING_PAGES:
        linked = f'href="{reverse(name)}"' in bar
        assert linked == (name in expected), f"{role}: {name} linked={linked}"
        # The bar never offers a page that then refuses.
        if linked:
            assert client.get(reverse(name)).status_code == 200, name


def test_every_link_in_the_bar_opens_for_every_role(make_user, login, facilities):
    for role in Role.values:
        facility = facilities["camp"] if role == "camp_manager" else None
        client = login(make_user(role, facility=facility, username=f"nav-{role}"))
        user = client.get(reverse("home")).wsgi_request.user
        for link in nav_links(user):
            assert client.get(link["url"]).status_code == 200, (role, link["name"])
