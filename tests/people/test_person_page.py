"""The person page: fields by role, household, timeline of every step, category decision, scope."""

from datetime import timedelta

import pytest
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.people import services as people
from muster.screening import services as screening
from muster.screening.models import CategoryDecision
from tests import factories

pytestmark = pytest.mark.django_db


def members(household):
    return list(household.members.order_by("id"))


def url(person):
    return reverse("person-detail", kwargs={"number": person.number})


def test_each_view_of_a_person_is_audited(registered, officer_client):
    head = members(registered)[0]
    officer_client.get(url(head))
    officer_client.get(url(head))
    reads = AuditEvent.objects.filter(action="person.read", object_id=str(head.pk))
    assert reads.count() == 2
    # One shape of detail whichever door showed the person (muster.people.reads).
    assert [r.detail for r in reads] == [{"via": "web", "view": "person"}] * 2


def test_person_page_shows_household_documents_flags_and_where_now(registered, officer_client):
    head, spouse, son = members(registered)
    people.add_document(son, {"doc_type": "birth_certificate", "number": "BC-77"}, by=None)
    html = officer_client.get(url(son)).content.decode()
    assert "Omar Muhammad Jasim al-Obeidi" in html
    assert "عائشة علي الجبوري" in html and "Spouse" in html  # household with relationships
    assert "BC-77" in html and "Birth certificate" in html
    assert "Separated child" in html
    assert "Reception Point 1" in html


def test_timeline_shows_registration_category_dispatch_receipt_missing_and_correction(
    registered, facilities, make_user, login
):
    head, spouse, son = members(registered)
    screener = make_user("screening_officer")
    manager = make_user("camp_manager")
    client = login(screener)
    response = client.post(
        reverse("person-category", kwargs={"number": head.number}),
        {"category": "civilian", "reason": "documents and two witnesses", "legal_basis": "Art. 4"},
    )
    assert response.status_code == 302
    first = custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
        vehicle="bus 14",
    )
    custody.receive(first, [head], by=manager, separation_reason="the others on the next bus")
    custody.report_missing(first, spouse, note="not on the bus at arrival", by=manager)
    people.correct_person(head, {"father_name": "Jassem"}, reason="spelling on ID", by=screener)

    html = client.get(url(head)).content.decode()
    for text in (
        "Registered",
        "Placed at Reception Point 1",
        "Category: Civilian",
        "documents and two witnesses",
        "Art. 4",
        f"Dispatched on movement {first.number}",
        "Reception Point 1 → Al-Hol Camp",
        "Received at Al-Hol Camp",
        "Details corrected",
        "spelling on ID",
    ):
        assert text in html, text
    order = [
        html.index(t) for t in ("Registered", "Dispatched on", "Received at", "Details corrected")
    ]
    assert order == sorted(order)
    spouse_html = client.get(url(spouse)).content.decode()
    assert "Reported not arrived at Al-Hol Camp" in spouse_html
    assert "not on the bus at arrival" in spouse_html


def test_category_is_hidden_from_a_registration_officer(registered, make_user, officer_client):
    head = members(registered)[0]
    screening.decide_category(
        head, "family_of_held", reason="husband held at A", by=make_user("screening_officer")
    )
    html = officer_client.get(url(head)).content.decode()
    assert "Family member of a held person" not in html and "husband held" not in html
    assert 'name="category"' not in html


def test_camp_manager_sees_category_but_not_its_reason(registered, facilities, make_user, login):
    head = members(registered)[0]
    screening.decide_category(
        head, "civilian", reason="witness statement", by=make_user("screening_officer")
    )
    client = login(make_user("camp_manager", facility=facilities["reception"]))
    html = client.get(url(head)).content.decode()
    assert "Civilian" in html and "witness statement" not in html


def test_category_decision_without_reason_is_refused_beside_the_field(registered, make_user, login):
    head = members(registered)[0]
    client = login(make_user("screening_officer"))
    response = client.post(
        reverse("person-category", kwargs={"number": head.number}),
        {"category": "held", "reason": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "a category decision needs a reason" in html
    reason = html.index('name="reason"')
    assert '<li data-code="required">' in html[reason : html.index("</ul>", reason)]
    # "held" without an established basis: the service's message is shown beside the basis field.
    response = client.post(
        reverse("person-category", kwargs={"number": head.number}),
        {"category": "held", "reason": "seen with a weapon"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "needs a confirmed basis" in html[html.index('name="basis"') - 2000 :]
    # The service's refusal keeps its stable code on the page.
    assert '<li data-code="basis_required">' in html[html.index('name="basis"') :]
    assert screening.current_category(head) is None


@pytest.mark.parametrize(
    "language, said",
    [("kmr", "Kategoriyekê hilbijêre."), ("ar", "اختر تصنيفاً."), ("ckb", "پۆلێک هەڵبژێرە.")],
)
def test_a_category_decision_is_refused_in_the_page_language(
    registered, make_user, login, language, said
):
    # "This field is required." was English on a Kurmanji page (Django has no Kurmanji catalogue).
    head = members(registered)[0]
    client = login(make_user("screening_officer"))
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    response = client.post(
        reverse("person-category", kwargs={"number": head.number}), {"reason": "   "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert said in html and "This field is required" not in html


def test_held_decision_waits_for_a_second_officer(registered, make_user, login):
    head = members(registered)[0]
    client = login(make_user("screening_officer"))
    response = client.post(
        reverse("person-category", kwargs={"number": head.number}),
        {"category": "held", "reason": "on list X", "basis": "list X entry 12, confirmed by B."},
    )
    assert response.status_code == 302
    html = client.get(url(head)).content.decode()
    assert "second officer" in html
    assert screening.current_category(head) is None


def test_registration_officer_cannot_decide_a_category(registered, officer_client):
    head = members(registered)[0]
    response = officer_client.post(
        reverse("person-category", kwargs={"number": head.number}),
        {"category": "civilian", "reason": "x"},
    )
    assert response.status_code == 403
    assert screening.current_category(head) is None


def test_coordinator_sees_figures_not_person_pages(registered, make_user, login):
    client = login(make_user("coordinator"))
    head = members(registered)[0]
    assert client.get(url(head)).status_code == 403
    home = client.get(reverse("home")).content.decode()
    assert "Registered" in home and "Reception Point 1" in home
    assert "Muhammad" not in home and head.number not in home
    assert not AuditEvent.objects.filter(action="person.read").exists()


def test_camp_manager_of_another_facility_gets_not_found(registered, facilities, make_user, login):
    client = login(make_user("camp_manager", facility=facilities["camp"]))
    head = members(registered)[0]
    assert client.get(url(head)).status_code == 404
    # The refusal stays in the log (not rolled back with the page's transaction), without the name.
    denied = AuditEvent.objects.get(action="request.denied")
    assert denied.object_id == str(head.pk)
    assert denied.detail["reason"] == "person outside scope for person.view"
    assert client.get(reverse("person-detail", kwargs={"number": "PNOSUCH"})).status_code == 404
    decide = reverse("person-category", kwargs={"number": head.number})
    assert client.post(decide, {"category": "civilian"}).status_code == 403  # not their action


def test_camp_manager_sees_a_person_on_the_way_to_their_camp(
    registered, facilities, make_user, login
):
    manager = make_user("camp_manager", facility=facilities["camp"])
    head = members(registered)[0]
    custody.dispatch(
        [head],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
        separation_reason="medical evacuation, family follows tomorrow",
    )
    assert login(manager).get(url(head)).status_code == 200


def test_the_transfer_on_the_way_is_linked_only_for_a_role_that_may_open_it(
    registered, facilities, make_user, login
):
    # A tracing caseworker reads where a person is, not the transfer's manifest: the link beside
    # "In transit" answered 403.
    manager = make_user("camp_manager", facility=facilities["camp"])
    head = members(registered)[0]
    bus = custody.dispatch(
        [head],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
        separation_reason="medical evacuation, family follows tomorrow",
    )
    link = f'href="{reverse("movement-detail", args=[bus.number])}"'
    caseworker = login(make_user("tracing_caseworker"))
    page = caseworker.get(url(head)).content.decode()
    assert bus.number in page and link not in page
    assert caseworker.get(reverse("movement-detail", args=[bus.number])).status_code == 403
    assert link in login(manager).get(url(head)).content.decode()


def test_placement_time_is_shown_in_local_time(registered, officer_client):
    head = members(registered)[0]
    html = officer_client.get(url(head)).content.decode()
    local = (head.registered_at + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")  # Asia/Damascus
    assert local in html


def test_held_without_a_basis_is_refused_beside_the_basis_field_and_nothing_is_recorded(
    registered, make_user, login
):
    head = members(registered)[0]
    client = login(make_user("screening_officer"))
    response = client.post(
        reverse("person-category", kwargs={"number": head.number}),
        {"category": "held", "reason": "seen with a weapon", "basis": "   "},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'name="basis"' in html  # the page sends a basis
    assert "needs a confirmed basis" in html[html.index('name="basis"') :]
    assert "needs a confirmed basis" not in html[: html.index('name="basis"')]
    assert not CategoryDecision.objects.filter(person=head).exists()
    assert not AuditEvent.objects.filter(action="category.propose").exists()


def test_held_with_a_basis_takes_effect_only_when_a_second_officer_approves(
    registered, make_user, login
):
    head = members(registered)[0]
    proposer = login(make_user("screening_officer", username="officer-a"))
    response = proposer.post(
        reverse("person-category", kwargs={"number": head.number}),
        {"category": "held", "reason": "on list X", "basis": "list X entry 12, confirmed by B."},
    )
    assert response.status_code == 302
    decision = CategoryDecision.objects.get(person=head)
    assert (decision.status, decision.is_current) == ("pending", False)
    assert decision.basis == "list X entry 12, confirmed by B."
    html = proposer.get(url(head)).content.decode()
    card = html[html.index("<h2>Category</h2>") :]
    assert "Not yet decided." in card and "Awaiting a second officer" in card

    # A second proposal while one waits is refused beside the category.
    again = proposer.post(
        reverse("person-category", kwargs={"number": head.number}),
        {"category": "held", "reason": "again", "basis": "same"},
    )
    assert again.status_code == 400 and "already waiting for approval" in again.content.decode()

    # The proposer cannot approve their own decision; a second officer can.
    proposer.post(reverse("category-approvals"), {"decision": decision.pk, "action": "approve"})
    assert screening.current_category(head) is None
    second = login(make_user("screening_officer", username="officer-b"))
    second.post(reverse("category-approvals"), {"decision": decision.pk, "action": "approve"})
    assert screening.current_category(head).category == "held"
    card = second.get(url(head)).content.decode()
    card = card[card.index("<h2>Category</h2>") :]
    assert "<strong>Held" in card and "Not yet decided." not in card


def test_family_of_held_with_nobody_held_in_the_household_is_recorded_with_a_warning(
    registered, make_user, login
):
    # A child was recorded "family member of a held person" while nobody was held or proposed.
    head, _spouse, son = members(registered)[:3]
    client = login(make_user("screening_officer"))
    category = reverse("person-category", kwargs={"number": son.number})
    form = {"category": "family_of_held", "reason": "father taken at the checkpoint"}
    page = client.post(category, form, follow=True).content.decode()
    assert screening.current_category(son).category == "family_of_held"  # the officer decides
    assert "No one in this person&#x27;s household is held or proposed as held" in page
    client.post(
        reverse("person-category", kwargs={"number": head.number}),
        {"category": "held", "reason": "on list X", "basis": "list X entry 12, confirmed by B."},
    )
    page = client.post(category, {**form, "reason": "again"}, follow=True).content.decode()
    assert "is held or proposed as held" not in page  # the father's proposal is pending


def test_a_report_of_not_arriving_stays_in_the_history_after_a_late_receipt(
    registered, facilities, make_user, login
):
    # A bus of three; one is reported not arrived, the others received; she turns up the next
    # day and is received late. Her timeline and the manifest still show the report.
    head, spouse, son = members(registered)
    manager = make_user("camp_manager")
    bus = custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
    )
    client = login(manager)
    receive = reverse("receive", kwargs={"pk": facilities["camp"].pk})
    note = "got off at the Hasakah checkpoint"
    post = {"movement": bus.number, "person": [spouse.pk], "action": "missing", "note": note}
    assert client.post(receive, post).status_code == 302
    post = {"movement": bus.number, "person": [head.pk, son.pk], "action": "receive"}
    assert client.post(receive, post).status_code == 302
    post = {"movement": bus.number, "person": [spouse.pk], "action": "receive"}
    assert client.post(receive, post).status_code == 302
    assert custody.current_placement(spouse).facility == facilities["camp"]

    screener = factories.signed_in(make_user("screening_officer"))
    html = screener.get(url(spouse)).content.decode()
    assert f"Reported not arrived at Al-Hol Camp (movement {bus.number})" in html
    assert note in html
    assert "received late, after being reported not arrived" in html
    assert html.index("Reported not arrived at") < html.index("Received at Al-Hol Camp")
    manifest = client.get(reverse("movement-detail", kwargs={"number": bus.number}))
    assert "late, after being reported not arrived" in manifest.content.decode()
