"""Issue 11, field day: lists that page and say how many, search ranked by closeness, the auditor's
pages, error pages. Real HTTP through the test client, signed in with the role that uses the page."""

import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from muster.intake import services as intake
from muster.people.validation import clean_household

pytestmark = pytest.mark.django_db


def _register(facilities, officer, members):
    return intake.register_household(
        clean_household(members), reception_point=facilities["reception"], by=officer
    )


def _child(i: int) -> dict:
    return {
        "given_name": f"Child{chr(65 + i % 26)}{chr(65 + i // 26)}",
        "family_name": "Hamdan",
        "sex": "F" if i % 2 else "M",
        "birth_year": "2016",
        "relationship_to_head": "daughter" if i % 2 else "son",
        "separated_child": True,
    }


def _head(given="Khalid", family="Hamdan", **extra) -> dict:
    return {
        "given_name": given,
        "family_name": family,
        "sex": "M",
        "birth_year": "1980",
        "relationship_to_head": "head",
        **extra,
    }


# --- item 4: lists that cut silently --------------------------------------------------------------


def test_children_list_says_how_many_and_pages(facilities, make_user, login):
    officer = make_user("registration_officer")
    for h in range(5):
        _register(facilities, officer, [_head()] + [_child(h * 15 + i) for i in range(15)])
    client = login(make_user("tracing_caseworker"))
    first = client.get(reverse("children-list")).content.decode()
    assert first.count('href="/people/') >= 50
    assert "1–50 of 75" in first
    assert 'rel="next"' in first
    second = client.get(reverse("children-list"), {"page": 2}).content.decode()
    assert "51–75 of 75" in second
    rows = re.findall(r"protection/(P[0-9A-Z]{8})/", first + second)
    assert len(set(rows)) == 75


def test_search_results_page_past_fifty(facilities, make_user, login):
    officer = make_user("registration_officer")
    for h in range(4):
        _register(facilities, officer, [_head()] + [_child(h * 15 + i) for i in range(15)])
    client = login(make_user("registration_officer"))
    first = client.get(reverse("person-search"), {"q": "Hamdan"}).content.decode()
    assert "1–50 of 64" in first
    second = client.get(reverse("person-search"), {"q": "Hamdan", "page": 2}).content.decode()
    assert "51–64 of 64" in second
    assert "q=Hamdan" in second  # the pager keeps the query


# --- item 5: search ranked by closeness, both scripts, number prefixes ----------------------------


def _rows(html: str) -> list[str]:
    return re.findall(r'href="/people/(P[0-9A-Z]{8})/"', html)


def test_search_ranks_the_closest_person_first(facilities, make_user, login):
    officer = make_user("registration_officer")
    # 26 others who share one of the words, registered before her (the old order put her last).
    for i in range(13):
        _register(facilities, officer, [_head(given="Fatima", family=f"Zubaidi{chr(65 + i)}")])
        _register(facilities, officer, [_head(given=f"Abbas{chr(65 + i)}", family="al-Obaidi")])
    hh = _register(facilities, officer, [{**_head(given="Fatima", family="al-Obeidi"), "sex": "F"}])
    target = hh.members.get().number
    client = login(make_user("registration_officer"))
    html = client.get(reverse("person-search"), {"q": "Fatima al-Obaidi"}).content.decode()
    assert _rows(html)[0] == target


def test_arabic_query_finds_the_family_registered_in_arabic_script(facilities, make_user, login):
    officer = make_user("registration_officer")
    numbers = set()
    for given in ("أحمد", "خالد", "محمد"):
        hh = _register(
            facilities,
            officer,
            [
                {
                    "given_name": given,
                    "family_name": "العبيدي",
                    "sex": "M",
                    "birth_year": "1979",
                    "relationship_to_head": "head",
                }
            ],
        )
        numbers.add(hh.members.get().number)
    client = login(make_user("registration_officer"))
    html = client.get(reverse("person-search"), {"q": "محمد العبيدي"}).content.decode()
    found = _rows(html)
    assert set(found) == numbers
    assert found[0] in numbers
    # Both scripts: the stored spelling and a transliteration.
    assert 'data-testid="other-script"' in html
    assert "al-Obaidi" in html


def test_a_partial_registration_number_finds_the_person(registered, make_user, login):
    head = registered.members.order_by("id").first()
    client = login(make_user("registration_officer"))
    for partial in (head.number[:6], head.number[:5].lower()):
        html = client.get(reverse("person-search"), {"q": partial}).content.decode()
        assert head.number in _rows(html), partial


# --- item 6: the auditor's home page and the log made readable ------------------------------------


def test_auditor_home_has_cards_and_the_menu_links_the_log(registered, make_user, login):
    head = registered.members.order_by("id").first()
    reader = login(make_user("registration_officer"))
    reader.get(reverse("person-detail", args=[head.number]))
    client = login(make_user("auditor"))
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="auditor-home"' in html
    assert f'href="{reverse("audit-log")}"' in html  # the menu and the cards
    assert reverse("audit-verify") in html
    assert "Record viewed" in html and head.number in html
    verify = client.get(reverse("audit-verify")).content.decode()
    assert "The chain is intact" in verify


def test_audit_log_shows_numbers_labels_and_readable_detail(registered, make_user, login):
    head = registered.members.order_by("id").first()
    login(make_user("registration_officer")).get(reverse("person-detail", args=[head.number]))
    client = login(make_user("auditor"))
    html = client.get(reverse("audit-log"), {"object": head.number}).content.decode()
    assert f"people.person:{head.pk}" not in html
    assert head.number in html
    assert "Record viewed" in html
    assert "{&#x27;" not in html and "{'" not in html  # no raw dicts
    assert '<dl class="kv">' in html
    assert 'type="date"' not in html  # the browser's mm/dd/yyyy; dates are typed YYYY-MM-DD


# --- item 9: error pages, 2FA error, favicon, one-line 403 ----------------------------------------


def test_403_and_404_pages_have_the_menu_and_speak_arabic(make_user, login):
    client = login(make_user("registration_officer"))
    forbidden = client.get(reverse("audit-log"))
    assert forbidden.status_code == 403
    html = forbidden.content.decode()
    assert 'data-testid="error-403"' in html and 'class="mainnav"' in html
    missing = client.get("/people/PNOSUCH99/")
    assert missing.status_code == 404
    assert 'data-testid="error-404"' in missing.content.decode()
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    html = client.get(reverse("audit-log")).content.decode()
    assert 'dir="rtl"' in html and "Not allowed" not in html


def test_every_page_links_a_favicon_that_is_served(make_user, login):
    client = login(make_user("registration_officer"))
    html = client.get(reverse("home")).content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert client.get(href).status_code == 200


def test_favicon_ico_is_served_at_the_root_for_pages_without_an_icon_link(client):
    # The API's JSON, a raw file and some browsers ask /favicon.ico whatever the page links.
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header, one or more images


def test_a_refused_request_logs_one_line_without_traceback(make_user, login, caplog):
    client = login(make_user("registration_officer"))
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get(reverse("audit-log")).status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.exc_info is None for r in records)


# --- dispatch: free places, the selected counter, the panel in view --------------------------------


def test_dispatch_shows_free_places_and_a_selected_counter(
    registered, facilities, make_user, login
):
    manager = make_user("camp_manager", facility=facilities["reception"])
    client = login(manager)
    html = client.get(
        reverse("dispatch", kwargs={"pk": facilities["reception"].pk})
    ).content.decode()
    assert re.search(r"70[,٬]?000 free places", html)  # Al-Hol: capacity 70000, nobody there yet
    assert "3 free places" in html  # Small Camp
    assert 'data-testid="selected-count"' in html and "data-selected-count" in html
    assert "dispatch-panel" in html


# --- Arabic polish: scores as percentages ----------------------------------------------------------


def test_score_help_reads_as_percentages_in_arabic(make_user, login):
    client = login(make_user("screening_officer"))
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    html = client.get(reverse("screening-queue")).content.decode()
    score_help = re.search(r'data-testid="score-help">(.*?)</p>', html, re.S).group(1)
    assert re.search(r"\d+ %", strip_tags(score_help))


# --- exports that carry the figures ----------------------------------------------------------------


def _csv_rows(response):
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_sitrep_csv_carries_categories_arrivals_children_and_readable_kinds(
    registered, make_user, login
):
    rows = _csv_rows(login(make_user("coordinator")).get(reverse("export-sitrep-csv")))
    header = rows[0]
    col = {name: header.index(name) for name in header}
    body = rows[2:]
    assert not any("TOTAL" in r[col["facility"]] for r in body)  # no figures in a name cell
    sections = {r[col["section"]] for r in body}
    assert {"facility", "figure", "category", "arrivals", "generated"} <= sections
    assert "total" not in sections  # HXL tools add the facility rows up themselves
    children = next(r for r in body if r[col["item"]] == "separated or unaccompanied children")
    assert children[col["persons"]] == "1"
    arrivals = [r for r in body if r[col["section"]] == "arrivals"]
    assert sum(int(r[col["persons"]]) for r in arrivals) == 3
    reception = next(r for r in body if r[col["facility"]] == "Reception Point 1")
    assert reception[col["kind"]] == "Reception point"
    generated = next(r for r in body if r[col["section"]] == "generated")
    assert generated[col["date"]].endswith("+03:00")  # Asia/Damascus, not UTC


def test_manifest_carries_from_to_vehicle_time_in_manifest_order(
    registered, facilities, make_user, login
):
    from muster.custody import services as custody

    manager = make_user("camp_manager")
    members = list(registered.members.order_by("-id"))  # dispatched youngest first
    movement = custody.dispatch(
        members,
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
        vehicle="bus 14",
    )
    url = reverse("export-manifest-movement-csv", kwargs={"number": movement.number})
    rows = _csv_rows(login(manager).get(url))
    col = {name: i for i, name in enumerate(rows[0])}
    body = rows[1:]
    assert {r[col["from_facility"]] for r in body} == {"Reception Point 1"}
    assert {r[col["to_facility"]] for r in body} == {"Al-Hol Camp"}
    assert {r[col["vehicle"]] for r in body} == {"bus 14"}
    assert all(r[col["dispatched_at"]].endswith("+03:00") for r in body)
    lines = list(movement.lines.order_by("id").values_list("person__number", flat=True))
    assert [r[col["number"]] for r in body] == lines
