"""The person list's count is exact for ordinary queries and capped beyond a horizon, so that a
common name among a million registered does not cost a full count on every page."""

from muster.api import base


def test_count_is_exact_below_the_cap_and_capped_above_it_with_the_next_page_still_linked(
    api_as, registered, monkeypatch
):
    _, client = api_as("registration_officer")
    members = registered.members.count()
    assert members == 3

    exact = client.get("/api/people/", {"limit": 1}).json()
    assert exact["count"] == members and exact["count_capped"] is False

    monkeypatch.setattr(base, "COUNT_CAP", 1)
    page = client.get("/api/people/", {"limit": 1}).json()
    # Counted up to offset + limit + cap = 2 of the 3: the list says there are more.
    assert page["count"] == 2 and page["count_capped"] is True
    assert len(page["results"]) == 1 and page["next"]
    # The client follows "next" to the end and sees every person once.
    seen = [row["number"] for row in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [row["number"] for row in page["results"]]
    assert sorted(seen) == sorted(registered.members.values_list("number", flat=True))
    assert page["count"] == members and page["count_capped"] is False


def test_the_schema_documents_the_capped_count(api_as):
    _, client = api_as("coordinator")
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "count_capped" in schema
