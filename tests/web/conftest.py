"""Helpers for driving the web UI through Django's test client."""

import pytest


def household_post(members: list[dict], reception_point, **extra) -> dict:
    """The POST body the reception form sends for ``members`` (flat ``members[i].field`` names)."""
    data = {"reception_point": str(reception_point.pk), **extra}
    for i, member in enumerate(members):
        for key, value in member.items():
            if key == "documents":
                for j, doc in enumerate(value):
                    for dk, dv in doc.items():
                        data[f"members[{i}].documents[{j}].{dk}"] = dv
            elif value is True:
                data[f"members[{i}].{key}"] = "on"
            elif value is not False:
                data[f"members[{i}].{key}"] = value
    return data


@pytest.fixture
def officer(make_user):
    return make_user("registration_officer")


@pytest.fixture
def officer_client(login, officer):
    return login(officer)
