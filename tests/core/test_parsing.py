"""Numbers and days from requests: '²' (isdigit but not int), '١٢' and 10**30 never give a 500."""

import datetime as dt

import pytest

from muster.core.parsing import MAX_ID, parse_day, parse_id, parse_int

HUGE = str(10**30)
BAD_NUMBERS = ["²", "1²", "١٢", HUGE, "-1", "1.5", " ", "\u2007"]


def test_parse_int_refuses_what_int_cannot_take_and_bounds_the_rest():
    assert parse_int("²") is None
    assert parse_int("12") == 12
    assert parse_int("١٢") == 12  # Arabic-Indic digits are decimal digits
    assert parse_int(HUGE) is None
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id(str(MAX_ID + 1)) is None
    assert parse_id("0") is None
    assert parse_int("121", lo=0, hi=120) is None


def test_parse_day_refuses_the_calendar_ends():
    assert parse_day("2019-03-23") == dt.date(2019, 3, 23)
    # 2019-W12-6 is ISO 8601's week date for 2019-03-23, ten characters date.fromisoformat reads.
    for text in ("9999-12-31", "0001-01-01", "2019-3-23", "²019-03-23", "٢٠١٩-٣-٢٣", "2019-W12-6"):
        assert parse_day(text) is None


def test_parse_day_reads_a_date_typed_on_an_arabic_or_sorani_keyboard():
    assert parse_day("٢٠١٩-٠٣-٢٣") == dt.date(2019, 3, 23)  # Arabic-Indic digits
    assert parse_day("۲۰۱۹-۰۳-۲۳") == dt.date(2019, 3, 23)  # Extended (Persian, Sorani) digits


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_posted_ids_never_give_a_500(bad, facilities, make_user, login):
    from tests.factories import household_post

    client = login(make_user("registration_officer"))
    reception = facilities["reception"]
    data = household_post(
        [{"given_name": "Omar", "family_name": "Ali", "sex": "M", "birth_year": "1990"}],
        reception,
    )
    data["reception_point"] = bad
    assert client.post("/reception/", data).status_code in (200, 400)
    camp = facilities["camp"].pk
    client = login(make_user("camp_manager"))
    for url, body in (
        (f"/facilities/{camp}/dispatch/", {"person": [bad], "to_facility": bad}),
        (f"/facilities/{camp}/receive/", {"person": [bad], "movement": bad}),
    ):
        assert client.post(url, body).status_code in (200, 400, 403, 404), url
    client = login(make_user("screening_officer"))
    assert client.get("/screening/", {"facility": bad}).status_code in (200, 400, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_api_query_ids_never_give_a_500(bad, make_user):
    from rest_framework.test import APIClient

    client = APIClient()
    for role, url in (
        ("screening_officer", "/api/screening/hits/"),
        ("registration_officer", "/api/people/"),
    ):
        client.force_authenticate(make_user(role))
        assert client.get(url, {"facility": bad}).status_code in (200, 400), url


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [HUGE, str(MAX_ID + 1)])
def test_huge_ids_in_urls_are_404(bad, make_user, login):
    from rest_framework.test import APIClient

    for role, urls in (
        ("coordinator", [f"/facilities/{bad}/", f"/reports/facilities/{bad}/roll.csv"]),
        ("screening_officer", [f"/screening/hits/{bad}/"]),
    ):
        client = login(make_user(role))
        for url in urls:
            assert client.get(url).status_code in (403, 404), url
    api = APIClient()
    api.force_authenticate(make_user("screening_officer"))
    for prefix in ("screening/lists", "screening/runs", "screening/hits"):
        assert api.get(f"/api/{prefix}/{bad}/").status_code == 404, prefix
    api.force_authenticate(make_user("coordinator"))
    assert api.get(f"/api/facilities/{bad}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "²019-01-01", "٢٠١٩-٠١-٠١"])
def test_audit_dates_at_the_calendar_ends_are_refused_not_500(day, make_user, login):
    client = login(make_user("auditor"))
    for field in ("since", "until"):
        assert client.get("/audit/", {field: day}).status_code in (200, 400), field
