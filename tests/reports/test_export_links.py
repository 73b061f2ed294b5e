"""Pages link to the files their reader may take, and only to those: a link never leads to a 403."""

import dataclasses
import re

import pytest
from django.urls import reverse

from muster.access import policy
from muster.access.models import Role
from muster.custody import services as custody

# Links to files (not the dashboard page, also under /reports/).
EXPORT_HREF = re.compile(r'href="(/reports/[^"]+\.(?:csv|xlsx|pdf)[^"]*)"')


def export_links(response) -> list[str]:
    assert response.status_code == 200
    return EXPORT_HREF.findall(response.content.decode())


@pytest.fixture
def movement(registered, facilities, make_user):
    members = list(registered.members.order_by("id"))
    return custody.dispatch(
        members,
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=make_user("camp_manager"),
    )


def test_camp_manager_finds_the_roll_of_their_camp_on_its_page(
    registered, facilities, make_user, login
):
    reception = facilities["reception"]
    client = login(make_user("camp_manager", facility=reception))
    links = export_links(client.get(reverse("facility-detail", args=[reception.pk])))
    assert links == [
        reverse("export-roll-csv", args=[reception.pk]),
        reverse("export-roll-xlsx", args=[reception.pk]),
    ]


@pytest.mark.parametrize("role", ["registration_officer", "coordinator", "tracing_caseworker"])
def test_roles_without_person_export_see_no_roll_link(
    registered, facilities, make_user, login, role
):
    client = login(make_user(role))
    page = client.get(reverse("facility-detail", args=[facilities["reception"].pk]))
    assert export_links(page) == []


def test_manifest_page_links_its_manifest_files(movement, make_user, login, facilities):
    client = login(make_user("camp_manager", facility=facilities["camp"]))
    links = export_links(client.get(reverse("movement-detail", args=[movement.number])))
    assert links == [
        reverse("export-manifest-movement-csv", args=[movement.number]),
        reverse("export-manifest-movement-xlsx", args=[movement.number]),
    ]


def test_a_role_that_may_view_movements_but_not_export_sees_no_manifest_link(
    movement, make_user, login, monkeypatch
):
    manager = policy.POLICY[Role.CAMP_MANAGER]
    monkeypatch.setitem(
        policy.POLICY,
        Role.CAMP_MANAGER,
        dataclasses.replace(manager, actions=manager.actions - {"person.export"}),
    )
    client = login(make_user("camp_manager"))
    assert export_links(client.get(reverse("movement-detail", args=[movement.number]))) == []


def test_coordinator_home_links_the_sitrep_files(registered, make_user, login):
    links = export_links(login(make_user("coordinator")).get(reverse("home")))
    assert links == [reverse("export-sitrep-csv"), reverse("export-sitrep-xlsx")]


def test_registration_officer_home_links_no_file(registered, make_user, login):
    assert export_links(login(make_user("registration_officer")).get(reverse("home"))) == []


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_export_link_a_role_is_shown_downloads(movement, facilities, make_user, login, role):
    client = login(make_user(role, facility=facilities["reception"]))
    pages = [
        reverse("home"),
        reverse("facility-detail", args=[facilities["reception"].pk]),
        reverse("facility-detail", args=[facilities["camp"].pk]),
        reverse("movement-detail", args=[movement.number]),
    ]
    for page in pages:
        response = client.get(page)
        if response.status_code != 200:
            continue  # a page the role may not open offers nothing
        for href in export_links(response):
            assert client.get(href).status_code == 200, f"{page} links {href}"


def test_export_links_read_in_arabic(movement, facilities, make_user, login):
    client = login(make_user("camp_manager"))
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    facility = client.get(reverse("facility-detail", args=[facilities["reception"].pk]))
    manifest = client.get(reverse("movement-detail", args=[movement.number]))
    assert "تنزيل كشف المقيمين" in facility.content.decode()
    assert "تنزيل كشف النقل" in manifest.content.decode()
    coordinator = login(make_user("coordinator"))
    assert "تنزيل الأرقام (مع وسوم HXL)" in coordinator.get(reverse("home")).content.decode()
