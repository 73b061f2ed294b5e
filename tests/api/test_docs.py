"""The API's schema and Swagger UI: served from the package, only to a signed-in user."""

import re

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_refuse_anonymous(client, url):
    assert client.get(url).status_code in (401, 403, 302)


@pytest.mark.django_db
def test_docs_load_nothing_from_outside(make_user, login):
    client = login(make_user("registration_officer"))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    external = re.findall(r"""(?:src|href)=["']?((?:https?:)?//[^"' >]+)""", page)
    assert external == []
    assert "cdn" not in page.lower() and "@latest" not in page
    # The start-up script is a file too: the CSP allows no inline script.
    assert "<script>" not in page
    for asset in re.findall(r"""src=["']([^"']+)""", page):
        assert client.get(asset).status_code == 200, asset
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.django_db
def test_the_schema_is_generated_without_warnings():
    # Two serializers named ReasonInput shared one component, so one endpoint's documented body was
    # the other's (a departure's reason of at most 2,000 characters on a hit's undo-merge, which
    # takes 5,000); the departures' kind enum was named by a hash (KindD9dEnum).
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache)
    components = schema["components"]["schemas"]
    assert components["ReasonInput"]["properties"]["reason"]["maxLength"] == 5000
    assert components["DepartureReasonInput"]["properties"]["reason"]["maxLength"] == 2000
    assert "DepartureKindEnum" in components
