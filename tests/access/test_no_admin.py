"""No back door around the policy: Django's admin is not mounted, not even for a superuser.

The admin would show people, custody and screening records to whoever is ``is_superuser`` (the
administrator role must not see case data), mint API tokens without the second factor, and read
without writing audit events. Users and role grants go through muster.access.services instead.
"""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(login):
    root = get_user_model().objects.create_superuser("root", password="correct horse battery")
    return login(root)


def test_a_superuser_cannot_open_a_person_through_the_admin(registered, superuser_client):
    person = registered.members.order_by("id").first()
    for path in (
        "/admin/",
        "/admin/login/",
        "/admin/people/person/",
        f"/admin/people/person/{person.pk}/change/",
        "/admin/auth/user/",
        "/admin/authtoken/tokenproxy/add/",
    ):
        response = superuser_client.get(path)
        assert response.status_code == 404, path
        assert person.given_name not in response.content.decode(), path


def test_the_admin_app_is_not_installed():
    assert not apps.is_installed("django.contrib.admin")
