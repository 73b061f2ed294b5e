"""The screening API, and attempts to get around the protection safeguards through the API."""

from muster.audit.models import AuditEvent
from muster.custody.models import Movement
from muster.protection.models import FamilySeparation, ProtectionReview
from muster.screening.models import Hit
from tests.screening.test_hits_and_adjudication import OBEIDI, OBEIDI_AGAIN
from tests.screening.test_reference_lists import ARABIC_ROW, csv_bytes


def members(household):
    return list(household.members.order_by("id"))


# -- safeguards cannot be bypassed through the API ------------------------------------------------


def test_api_refuses_to_dispatch_a_child_to_holding_without_protection_review(
    api_as, registered, facilities
):
    _, manager = api_as("camp_manager")
    child = members(registered)[2]
    body = {
        "from_facility": facilities["reception"].pk,
        "to_facility": facilities["holding"].pk,
        "persons": [p.number for p in members(registered)],
    }
    response = manager.post("/api/movements/", body)
    assert response.status_code == 400, response.content
    assert child.number in response.json()["protection_review"][0]
    assert not Movement.objects.exists()

    # A capacity override or a separation reason is no way around it either.
    response = manager.post(
        "/api/movements/",
        {
            **body,
            "persons": [child.number],
            "override_reason": "urgent",
            "separation_reason": "security",
        },  # fmt: skip
    )
    assert response.status_code == 400
    assert "protection_review" in response.json()
    assert not Movement.objects.exists()

    _, caseworker = api_as("tracing_caseworker")
    response = caseworker.post(
        "/api/screening/protection-reviews/",
        {"person": child.number, "outcome": "holding_permitted", "reason": "BIA on file"},
    )
    assert response.status_code == 201, response.content
    response = manager.post("/api/movements/", body)
    assert response.status_code == 201, response.content


def test_camp_manager_cannot_record_a_protection_review_to_unlock_holding(
    api_as, registered, facilities
):
    _, manager = api_as("camp_manager")
    child = members(registered)[2]
    response = manager.post(
        "/api/screening/protection-reviews/",
        {"person": child.number, "outcome": "holding_permitted", "reason": "I say so"},
    )
    assert response.status_code == 403
    assert not ProtectionReview.objects.exists()


def test_api_refuses_to_separate_a_household_without_a_reason(api_as, registered, facilities):
    _, manager = api_as("camp_manager")
    head = members(registered)[0]
    body = {
        "from_facility": facilities["reception"].pk,
        "to_facility": facilities["camp"].pk,
        "persons": [head.number],
    }
    for blank in ({}, {"separation_reason": "   "}):
        response = manager.post("/api/movements/", {**body, **blank})
        assert response.status_code == 400, response.content
        assert "separation_reason" in response.json()
    assert not Movement.objects.exists() and not FamilySeparation.objects.exists()

    response = manager.post(
        "/api/movements/", {**body, "separation_reason": "father to hospital wing"}
    )
    assert response.status_code == 201, response.content

    _, screener = api_as("screening_officer")
    listed = screener.get("/api/screening/separations/").json()["results"]
    assert listed[0]["household"] == registered.number
    assert listed[0]["moved"] == [head.number]
    assert sorted(listed[0]["remained"]) == sorted(p.number for p in members(registered)[1:])
    assert listed[0]["reason"] == "father to hospital wing"
    # The tracing caseworker reviews separations but sees no categories: the reason could tell one.
    _, caseworker = api_as("tracing_caseworker")
    listed = caseworker.get("/api/screening/separations/").json()["results"]
    assert listed[0]["moved"] == [head.number] and listed[0]["reason"] is None


# -- lists, hits and decisions --------------------------------------------------------------------


def test_a_lists_date_at_the_api_is_read_as_every_date_is(api_as):
    """The API's dates go through core.parsing.parse_day as the pages' do: Eastern Arabic digits
    are read; an ISO week date (2026-W44-7) or the calendar's end (9999-12-31), which DRF's own
    date field took, is a 400 naming the field."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, officer = api_as("screening_officer")
    form = {"name": "Wanted list", "owner": "Ministry of Interior", "legal_basis": "Decree 12"}
    for bad in ("2026-W44-7", "9999-12-31"):
        upload = SimpleUploadedFile("w.csv", csv_bytes(ARABIC_ROW), content_type="text/csv")
        response = officer.client.post(
            "/api/screening/lists/", {**form, "list_date": bad, "file": upload}
        )
        assert response.status_code == 400, response.content
        assert response.json()["list_date"] == [f"'{bad}' is not a date (YYYY-MM-DD)"]
    upload = SimpleUploadedFile("w.csv", csv_bytes(ARABIC_ROW), content_type="text/csv")
    response = officer.client.post(
        "/api/screening/lists/", {**form, "list_date": "٢٠٢٦-١١-٠١", "file": upload}
    )
    assert response.status_code == 201, response.content
    assert response.json()["list_date"] == "2026-11-01"


def test_list_import_through_the_api_reports_rows_and_needs_the_lists_permission(api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = {
        "name": "Wanted list",
        "owner": "Ministry of Interior",
        "legal_basis": "Decree 12/2019",
        "list_date": "2026-11-01",
    }
    _, registrar = api_as("registration_officer")
    upload = SimpleUploadedFile("w.csv", csv_bytes(ARABIC_ROW), content_type="text/csv")
    response = registrar.client.post("/api/screening/lists/", {**form, "file": upload})
    assert response.status_code == 403

    _, officer = api_as("screening_officer")
    bad = SimpleUploadedFile("w.csv", csv_bytes(ARABIC_ROW, "L-9,,Omar,,,,,,Q,,,,"))
    response = officer.client.post("/api/screening/lists/", {**form, "file": bad})
    assert response.status_code == 400
    assert response.json()["file"] == [
        "row 3, sex: 'Q' is not a sex (M or F; empty, U or X where it is not known)"
    ]

    good = SimpleUploadedFile("w.csv", csv_bytes(ARABIC_ROW))
    response = officer.client.post("/api/screening/lists/", {**form, "file": good})
    assert response.status_code == 201, response.content
    assert response.json()["entry_count"] == 1


def test_two_officers_deciding_one_hit_through_the_api(api_as, register):
    register([OBEIDI])
    again = register([OBEIDI_AGAIN]).members.get()
    _, first = api_as("screening_officer")
    _, second = api_as("screening_officer")

    queue = first.get("/api/screening/hits/", {"band": "likely"}).json()["results"]
    assert [h["person"]["number"] for h in queue] == [again.number]
    hit = first.get(f"/api/screening/hits/{queue[0]['id']}/").json()
    assert hit["explanation"]["given_name"]["level"] == "transliteration"
    assert "Given name" in hit["summary"]
    assert AuditEvent.objects.filter(action="person.read", object_id=str(again.pk)).exists()

    url = f"/api/screening/hits/{hit['id']}/decide/"
    ok = first.post(url, {"decision": "confirm", "reason": "same man", "revision": 1})
    late = second.post(url, {"decision": "reject", "reason": "not him", "revision": 1})
    assert ok.status_code == 200, ok.content
    assert late.status_code == 409
    assert "already decided" in late.json()["status"][0]
    assert Hit.objects.get().status == Hit.Status.CONFIRMED


def test_held_through_the_api_needs_a_second_officer(api_as, registered):
    head = members(registered)[0]
    _, first = api_as("screening_officer")
    _, second = api_as("screening_officer")
    response = first.post(
        "/api/screening/category-decisions/",
        {"person": head.number, "category": "held", "reason": "listed"},
    )
    assert response.status_code == 400 and "basis" in response.json()
    response = first.post(
        "/api/screening/category-decisions/",
        {
            "person": head.number,
            "category": "held",
            "reason": "listed",
            "basis": "identified by two witnesses, statements W-3, W-4",
        },  # fmt: skip
    )
    assert response.status_code == 201, response.content
    decision = response.json()
    assert decision["status"] == "pending" and not decision["is_current"]
    url = f"/api/screening/category-decisions/{decision['id']}/approve/"
    assert first.post(url, {}).status_code == 400  # not by the same officer
    response = second.post(url, {"note": "read the statements"})
    assert response.status_code == 200, response.content
    assert response.json()["is_current"] is True


def test_a_refusal_on_several_fields_returns_each_fields_stable_code(api_as, registered):
    head = members(registered)[0]
    _, officer = api_as("screening_officer")
    proposal = {"person": head.number, "category": "held", "reason": "listed", "basis": "W-3"}
    decision = officer.post("/api/screening/category-decisions/", proposal).json()
    # The proposer refusing their own proposal, without saying why: two fields refused at once.
    response = officer.post(f"/api/screening/category-decisions/{decision['id']}/refuse/", {})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["codes"] == {"approved_by": ["same_officer"], "note": ["note_required"]}
    assert body["note"] == ["say why the decision is refused"]
    assert "second officer" in body["approved_by"][0]
