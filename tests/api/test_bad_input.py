"""Bad input at the API: always a JSON 400 naming the field, never a 500, nothing half-written."""

import pytest

from muster.people.models import Household, Person


@pytest.fixture
def registrar(api_as):
    return api_as("registration_officer")[1]


def register(client, facilities, members, **extra):
    return client.post(
        "/api/households/",
        {"reception_point": facilities["reception"].pk, "members": members, **extra},
    )


def test_impossible_date_of_birth_is_named_by_member_and_nothing_is_saved(
    registrar, facilities, household_data
):
    household_data[1]["date_of_birth"] = "1985-13-02"
    response = register(registrar, facilities, household_data)
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["members[1].date_of_birth", "codes"]
    assert errors["codes"] == {"members[1].date_of_birth": ["not_a_date"]}
    assert "'1985-13-02' is not a date (YYYY-MM-DD)" in errors["members[1].date_of_birth"][0]
    assert not Person.objects.exists() and not Household.objects.exists()


def test_unknown_reception_point_is_refused_by_id(registrar, household_data):
    response = registrar.post(
        "/api/households/", {"reception_point": 99, "members": household_data}
    )
    assert response.status_code == 400
    assert response.json() == {"reception_point": ["no facility with id 99"]}


def test_member_without_given_name_is_refused(registrar, facilities, household_data):
    del household_data[2]["given_name"]
    response = register(registrar, facilities, household_data)
    assert response.status_code == 400
    assert list(response.json()) == ["members[2].given_name"]
    assert not Person.objects.exists()


def test_arabic_html_and_hidden_characters_in_names_are_stored_exactly(
    registrar, facilities, household_data
):
    household_data[0]["given_name"] = "<script>alert('x')</script>"
    household_data[0]["family_name"] = "العبيدي\u202e"
    household_data[1]["given_name"] = "عائشة"
    response = register(registrar, facilities, household_data)
    assert response.status_code == 201, response.content
    head, spouse = response.json()["members"][:2]
    assert head["given_name"] == "<script>alert('x')</script>"
    assert head["family_name"] == "العبيدي\u202e"
    assert spouse["given_name"] == "عائشة"
    stored = Person.objects.get(number=head["number"])
    assert (stored.given_name, stored.family_name) == (
        "<script>alert('x')</script>",
        "العبيدي\u202e",
    )
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("member_patch", "field"),
    [
        ({"given_name": {"first": "Muhammad"}}, "members[0].given_name"),
        ({"given_name": ["Muhammad"]}, "members[0].given_name"),
        ({"given_name": "M" * 201}, "members[0].given_name"),
        ({"birth_year": "nineteen eighty"}, "members[0].birth_year"),
        ({"birth_year": 1850}, "members[0].birth_year"),
        ({"sex": "male"}, "members[0].sex"),
        ({"separated_child": "perhaps"}, "members[0].separated_child"),
        ({"documents": "passport"}, "members[0].documents"),
        ({"documents": ["passport"]}, "members[0].documents[0].non_field_errors"),
        ({"documents": [{"doc_type": "passport"}]}, "members[0].documents[0].number"),
        ({"nationality": "I" * 61}, "members[0].nationality"),
        ({"nationality": 368}, "members[0].nationality"),
        ({"category": "civilian"}, "members[0].category"),
        ({"number": "P-CHOSEN"}, "members[0].number"),
        ({"given_name": "Muhammad\x00"}, "members[0].given_name"),
    ],
)
def test_wrong_types_and_unknown_fields_are_400_naming_the_field(
    registrar, facilities, household_data, member_patch, field
):
    household_data[0].update(member_patch)
    response = register(registrar, facilities, household_data)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"reception_point": "first", "members": []},
        {"reception_point": 10**30, "members": [{"given_name": "A"}]},
        {"reception_point": None, "members": None},
        {"members": "everyone"},
        {"members": [[1, 2, 3]]},
    ],
)
def test_garbage_bodies_are_400(registrar, body):
    response = registrar.post("/api/households/", body)
    assert response.status_code == 400, response.content
    assert response.json()


def test_non_json_body_is_400(registrar):
    response = registrar.client.post(
        "/api/households/", "reception_point=1&members=x", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    response = registrar.client.post("/api/households/", {"members": "x"})  # a form post
    assert response.status_code == 415


def test_a_json_list_instead_of_an_object_is_400(registrar):
    response = registrar.client.post("/api/households/", "[1, 2]", content_type="application/json")
    assert response.status_code == 400


def test_bad_filters_and_ids_are_400_or_404_not_500(api_as, facilities):
    _, manager = api_as("camp_manager")
    assert manager.get("/api/people/", {"facility": "camp"}).status_code == 400
    assert manager.get("/api/people/", {"facility": "99"}).json() == {
        "facility": ["no facility with id 99"]
    }
    assert manager.get("/api/people/", {"facility": str(10**30)}).status_code == 400
    assert manager.get("/api/people/", {"flag": "dangerous"}).status_code == 400
    assert manager.get("/api/facilities/abc/").status_code == 404
    assert manager.get(f"/api/facilities/{10**30}/").status_code == 404
    assert manager.get("/api/movements/NOPE/").status_code == 404
    response = manager.post(
        "/api/movements/",
        {"from_facility": facilities["reception"].pk, "to_facility": 99, "persons": ["P1"]},
    )
    assert response.json() == {"to_facility": ["no facility with id 99"]}


def test_nul_characters_in_paths_and_filters_are_refused_not_500(api_as, members):
    # PostgreSQL cannot compare text with NUL in it: such a value must never reach a query.
    _, registrar = api_as("registration_officer")
    assert registrar.get("/api/people/%00/").status_code == 404
    assert registrar.get("/api/people/%00/timeline/").status_code == 404
    assert registrar.get("/api/households/%00/").status_code == 404
    assert registrar.get("/api/movements/%00/").status_code in (403, 404)
    response = registrar.get("/api/people/", {"q": "Muh\x00ammad"})
    assert response.status_code == 400
    assert "q" in response.json()
    assert registrar.get("/api/people/", {"number": "\x00"}).status_code == 400


def test_a_body_nested_thousands_deep_is_400_not_500(registrar, api_as):
    households = Household.objects.count()
    for depth in (5000, 40):
        body = "[" * depth + "]" * depth
        response = registrar.client.post("/api/households/", body, content_type="application/json")
        assert response.status_code == 400, response.content[:200]
        assert "nested more than 32 levels deep" in response.json()["detail"]
    wrapped = {"reception_point": 1, "members": [{"given_name": [[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}]}
    assert registrar.post("/api/households/", wrapped).status_code == 400
    _admin, admin = api_as("administrator")
    response = admin.client.post("/api/facilities/", "{" * 3000, content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]
    assert Household.objects.count() == households


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (
            '{"reception_point": 1, "members": [{"given_name": "A", "sex": "\\ud83d"}]}',
            "members[0].sex",
            "D83D",
        ),
        ('{"reception_point": 1, "members": [], "\\udc00": 1}', "\\udc00", "DC00"),
    ],
)
def test_a_lone_surrogate_in_a_body_is_400_naming_the_field(registrar, body, field, code):
    response = registrar.client.post("/api/households/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert response.json()[field] == [f"Surrogate characters are not allowed: U+{code}."]
    assert not Household.objects.exists()


def test_a_lone_surrogate_in_a_choice_field_is_400_at_every_door(api_as, facilities):
    _admin, admin = api_as("administrator")
    raw = '{"name": "Camp X", "kind": "\\ud83d"}'
    response = admin.client.post("/api/facilities/", raw, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert response.json() == {"kind": ["Surrogate characters are not allowed: U+D83D."]}
    camp = facilities["camp"]
    response = admin.client.patch(
        f"/api/facilities/{camp.pk}/", raw, content_type="application/json"
    )
    assert response.status_code == 400 and "kind" in response.json()
    camp.refresh_from_db()
    assert camp.name != "Camp X"


def test_an_api_address_that_does_not_exist_is_a_json_404(api_as, members):
    _, registrar = api_as("registration_officer")
    for url in (
        "/api/nope/",
        "/api/people/P1/nope/",
        "/api/people/%00/",
        "/api/tracing-candidates/",
    ):
        response = registrar.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert response.json() == {"detail": "Not found."}
    response = registrar.post(f"/api/people/{members[0].number}/nope/", {})
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    page = registrar.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_nationality_that_is_no_country_code_is_400_naming_the_member_and_field(
    registrar, facilities, household_data
):
    household_data[1]["nationality"] = "ZZZ"
    household_data[0]["documents"] = [
        {"doc_type": "passport", "number": "N0123456", "issuing_country": "QQQ"}
    ]
    response = register(registrar, facilities, household_data)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert errors["codes"] == {
        "members[1].nationality": ["not_a_country"],
        "members[0].documents[0].issuing_country": ["not_a_country"],
    }
    assert "'ZZZ' is not an ISO 3166 alpha-3 code" in errors["members[1].nationality"][0]
    assert not Person.objects.exists() and not Household.objects.exists()


@pytest.mark.parametrize(
    ("written", "stored"),
    [("SYR", "SYR"), ("irq", "IRQ"), ("IQ", "IRQ"), ("XXA", "XXA"), ("XXX", "XXX"), ("", ""),
     # As the web form takes them: a country's name or adjective, stored as its code.
     ("Iraqi", "IRQ"), ("عراقي", "IRQ"), ("Syrian Arab Republic", "SYR"), ("عێراقی", "IRQ")],
)  # fmt: skip
def test_country_codes_the_stateless_and_the_unknown_are_still_registered(
    registrar, facilities, household_data, written, stored
):
    household_data[1]["nationality"] = written
    response = register(registrar, facilities, household_data)
    assert response.status_code == 201, response.content
    assert Person.objects.get(relationship_to_head="spouse").nationality == stored


@pytest.mark.parametrize("path", ["/api/people/", "/api/households/", "/api/facilities/"])
def test_an_offset_beyond_any_list_is_refused_by_name_not_a_server_error(
    api_as, registered, facilities, path
):
    _, client = api_as("screening_officer")
    response = client.get(path, {"offset": "72590306266752917504"})
    assert response.status_code == 400
    assert list(response.json()) == ["offset"]
    # The furthest offset allowed is an empty page, not an error.
    far = client.get(path, {"offset": str(10**12)})
    assert far.status_code == 200 and far.json()["results"] == []


@pytest.mark.parametrize("offset", ["null", "-1", "1.5", "abc", "١٢"])
def test_an_offset_that_is_not_a_whole_number_is_refused_not_read_as_the_first_page(
    api_as, registered, offset
):
    _, client = api_as("screening_officer")
    response = client.get("/api/people/", {"offset": offset, "limit": 1})
    assert response.status_code == 400
    assert response.json() == {
        "offset": [f"'{offset}' is not a whole number from 0 to 1000000000000"]
    }
    # An empty offset is no offset: the first page.
    assert client.get("/api/people/", {"offset": "", "limit": 1}).status_code == 200


@pytest.mark.parametrize("limit", ["abc", "0", "-1", "1.5", "null", "١٢"])
@pytest.mark.parametrize("path", ["/api/people/", "/api/facilities/"])
def test_a_limit_that_is_not_a_whole_number_is_refused_not_read_as_the_default(
    api_as, registered, path, limit
):
    _, client = api_as("screening_officer")
    response = client.get(path, {"limit": limit})
    assert response.status_code == 400
    assert response.json() == {"limit": [f"'{limit}' is not a whole number from 1 to 200"]}
    # An empty limit is no limit: the default page, which says its size.
    page = client.get(path, {"limit": ""})
    assert page.status_code == 200 and page.json()["limit"] == 50


def test_a_limit_above_the_largest_page_is_cut_and_the_page_says_so(api_as, registered):
    """Documented behaviour: a larger limit is cut, not refused; the response's limit and the
    next link carry the size used, and the schema says both."""
    _, client = api_as("screening_officer")
    body = client.get("/api/facilities/", {"limit": 5000, "offset": 0}).json()
    assert body["limit"] == 200
    assert body["next"] is None or "limit=200" in body["next"]
    assert client.get("/api/people/", {"limit": 7}).json()["limit"] == 7
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/facilities/"]["get"]["parameters"]}
    assert parameters["limit"]["schema"]["minimum"] == 1
    assert "cut to 200" in parameters["limit"]["description"]
    listed = schema["components"]["schemas"]["PaginatedFacilityList"]["properties"]
    assert "cut to 200" in listed["limit"]["description"]


def test_the_api_takes_a_nationality_as_the_web_form_does_and_stores_its_code(
    registrar, facilities, household_data, api_as
):
    # The web form took "Iraqi" and "عراقي"; the API refused them ("at most 3 characters").
    household_data[0]["nationality"] = "Iraqi"
    household_data[1]["nationality"] = "عراقي"
    response = register(registrar, facilities, household_data)
    assert response.status_code == 201, response.content
    assert [m["nationality"] for m in response.json()["members"][:2]] == ["IRQ", "IRQ"]
    spouse = Person.objects.get(relationship_to_head="spouse")
    assert spouse.nationality == "IRQ"
    # A correction over the API takes it the same way.
    _, screener = api_as("screening_officer")
    body = {"nationality": "Syrian", "reason": "passport seen"}
    response = screener.patch(f"/api/people/{spouse.number}/", body)
    assert response.status_code == 200, response.content
    assert Person.objects.get(pk=spouse.pk).nationality == "SYR"
    # A word that names no country is still refused, naming the field.
    household_data[1]["nationality"] = "Kurd"
    response = register(registrar, facilities, household_data)
    assert response.status_code == 400
    assert response.json()["codes"] == {"members[1].nationality": ["not_a_country"]}


def test_a_body_too_deep_or_with_a_lone_surrogate_is_refused_in_the_callers_language(registrar):
    """Both refusals were English whatever the Accept-Language (the only API messages so)."""
    body = "[" * 40 + "]" * 40
    response = registrar.client.post(
        "/api/households/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ckb"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("هەڵە لە خوێندنەوەی JSON")
    body = '{"reception_point": 1, "members": [{"given_name": "A", "sex": "\\ud83d"}]}'
    response = registrar.client.post(
        "/api/households/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="kmr"
    )
    assert response.status_code == 400
    assert response.json()["members[0].sex"] == [
        "Tîpên cîgir (surrogate) nayên qebûlkirin: U+D83D."
    ]
    assert not Household.objects.exists()
