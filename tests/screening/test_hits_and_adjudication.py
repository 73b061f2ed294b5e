"""Screening at registration, hits with explanations, adjudication, merging, four eyes on "held"."""

import pytest
from django.core.exceptions import ValidationError

from muster.people.models import Person
from muster.screening import services as screening
from muster.screening import tasks
from muster.screening.models import Adjudication, CategoryDecision, Hit

OBEIDI = {
    "given_name": "Muhammad",
    "father_name": "Jasim",
    "grandfather_name": "Hamad",
    "family_name": "al-Obeidi",
    "mother_name": "Fatima",
    "sex": "M",
    "birth_year": "1985",
    "nationality": "IRQ",
    "place_of_origin": "Tal Afar",
}
# The same man three days later at another reception point, spelled by another officer.
OBEIDI_AGAIN = {
    **OBEIDI,
    "given_name": "Mohamed",
    "father_name": "Jassem",
    "family_name": "Alobaidi",
    "grandfather_name": "",
}
STRANGER = {
    "given_name": "Khalid",
    "father_name": "Ibrahim",
    "family_name": "al-Dulaimi",
    "sex": "M",
    "birth_year": "1970",
    "nationality": "SYR",
}


def one(household):
    return household.members.get()


def test_re_registration_under_another_transliteration_raises_a_likely_duplicate(register):
    first = one(register([OBEIDI]))
    register([STRANGER])
    again = one(register([OBEIDI_AGAIN]))

    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    assert (hit.person, hit.candidate) == (again, first)
    assert hit.band == Hit.Band.LIKELY
    assert hit.status == Hit.Status.OPEN
    assert hit.explanation["given_name"]["level"] == "transliteration"
    assert hit.explanation["family_name"]["level"] in {"transliteration", "exact"}
    assert hit.explanation["grandfather_name"]["level"] == "missing"
    assert hit.explanation["mother_name"]["level"] == "exact"
    assert hit.explanation["date_of_birth"]["level"] == "partial"
    assert hit.explanation["given_name"]["a"] == "Mohamed"  # side a is the newer registration


def test_confirming_the_duplicate_merges_and_the_person_shows_both_registrations(
    register, officer, facilities
):
    from muster.custody import services as custody

    first = one(register([OBEIDI]))
    again = one(register([OBEIDI_AGAIN]))
    hit = Hit.objects.get()

    screening.adjudicate(hit, "confirm", reason="same mother, same village, admits it", by=officer)

    again.refresh_from_db()
    assert again.merged_into == first
    assert screening.registrations_of(first) == [first, again]
    assert screening.registrations_of(again) == [first, again]
    # Both were at the reception point: the duplicate's placement is ended, its history kept.
    assert custody.current_placement(again) is None
    assert again.placements.count() == 1
    assert custody.current_placement(first).facility == facilities["reception"]
    hit.refresh_from_db()
    assert hit.status == Hit.Status.CONFIRMED and hit.decided_by == officer
    assert Adjudication.objects.get(hit=hit).reason == "same mother, same village, admits it"


def test_undoing_a_merge_restores_the_record_and_its_place(register, officer, facilities):
    from muster.custody import services as custody

    first = one(register([OBEIDI]))
    again = one(register([OBEIDI_AGAIN]))
    hit = Hit.objects.get()
    screening.adjudicate(hit, "confirm", reason="looked the same", by=officer)

    screening.undo_merge(hit, reason="documents show two cousins", by=officer)

    again.refresh_from_db()
    assert again.merged_into is None
    assert screening.registrations_of(first) == [first]
    assert custody.current_placement(again).facility == facilities["reception"]
    hit.refresh_from_db()
    assert hit.status == Hit.Status.REJECTED
    assert list(hit.adjudications.values_list("decision", flat=True)) == ["confirm", "undo_merge"]


def test_a_rejected_pair_is_never_proposed_again(register, officer):
    register([OBEIDI])
    again = one(register([OBEIDI_AGAIN]))
    hit = Hit.objects.get()
    screening.adjudicate(
        hit, "reject", reason="different mothers on the family booklet", by=officer
    )

    assert screening.screen_persons([again]) == []
    screening.run_batch_rescreen(tasks.start_batch_rescreen(by=officer).pk)
    assert Hit.objects.count() == 1
    assert Hit.objects.get().status == Hit.Status.REJECTED


def test_a_decided_hit_cannot_be_decided_again(register, officer, second_officer):
    register([OBEIDI])
    register([OBEIDI_AGAIN])
    hit = Hit.objects.get()
    screening.adjudicate(hit, "reject", reason="not him", by=officer, revision=hit.revision)
    with pytest.raises(screening.AlreadyDecided) as exc:
        screening.adjudicate(hit, "confirm", reason="it is him", by=second_officer, revision=1)
    assert "already decided" in str(exc.value)
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_asking_for_more_information_keeps_the_hit_in_the_queue(register, officer):
    register([OBEIDI])
    register([OBEIDI_AGAIN])
    hit = Hit.objects.get()
    screening.adjudicate(hit, "more_info", reason="ask for the family booklet", by=officer)
    assert list(screening.hit_queue()) == [hit]
    hit.refresh_from_db()
    screening.adjudicate(hit, "confirm", reason="booklet matches", by=officer, revision=2)
    assert list(screening.hit_queue()) == []


def test_a_decision_needs_a_reason(register, officer):
    register([OBEIDI])
    register([OBEIDI_AGAIN])
    with pytest.raises(ValidationError) as exc:
        screening.adjudicate(Hit.objects.get(), "confirm", reason="  ", by=officer)
    assert "reason" in exc.value.message_dict
    assert Hit.objects.get().status == Hit.Status.OPEN
    # No decision chosen is said plainly, not as "'' is not a decision".
    with pytest.raises(ValidationError) as exc:
        screening.adjudicate(Hit.objects.get(), "", reason="seen", by=officer)
    assert exc.value.message_dict["decision"] == ["choose one"]


def test_members_of_one_household_are_not_duplicates_of_each_other(register):
    twin = {**OBEIDI, "given_name": "Muhammad", "relationship_to_head": "brother"}
    register([OBEIDI, twin])
    assert not Hit.objects.exists()


def test_a_negative_test_fails_when_screening_crashed(register, monkeypatch):
    # The tests above that find no hit can only pass if screening ran: the fixture checks the run.
    from muster.screening import matching

    register([OBEIDI])
    monkeypatch.setattr(matching, "registry_candidates_many", lambda *a, **k: 1 / 0)
    with pytest.raises(AssertionError, match="failed"):
        register([OBEIDI_AGAIN])


def test_screening_failure_never_breaks_a_registration(register, monkeypatch, caplog):
    from muster.screening import matching

    def broken(*args, **kwargs):
        raise RuntimeError("index exploded for Muhammad")

    monkeypatch.setattr(matching, "registry_candidates_many", broken)
    household = register([OBEIDI], screened=False)
    assert household.members.count() == 1
    assert "RuntimeError" in caplog.text
    assert "Muhammad" not in caplog.text  # no personal data in the log


def test_a_screening_crash_is_a_failed_run_not_no_hits(register, monkeypatch, web_as):
    from muster.audit.models import AuditEvent
    from muster.screening import matching
    from muster.screening.models import ScreeningRun

    register([OBEIDI])
    monkeypatch.setattr(matching, "registry_candidates_many", lambda *a, **k: 1 / 0)
    register([{**OBEIDI, "given_name": "Mohamed"}], screened=False)
    run = ScreeningRun.objects.filter(kind="registration").first()
    assert (run.status, run.error, run.total) == ("failed", "ZeroDivisionError", 1)
    event = AuditEvent.objects.filter(action="screening.run").order_by("-id").first()
    assert event.detail["status"] == "failed" and event.detail["error"] == "ZeroDivisionError"
    assert not Hit.objects.exists()
    _, client = web_as("screening_officer")
    page = client.get("/screening/").content.decode()
    assert 'data-testid="screening-failed"' in page


def test_family_links_count_in_the_explanation(register):
    wife = {"given_name": "Aisha", "father_name": "Ali", "family_name": "al-Jabouri", "sex": "F",
            "birth_year": "1990", "relationship_to_head": "spouse", "nationality": "IRQ"}  # fmt: skip
    wife_again = {**wife, "given_name": "Aysha", "family_name": "Aljubouri"}
    register([OBEIDI, wife])
    register([OBEIDI_AGAIN, wife_again])
    head_hit = Hit.objects.get(person__given_name="Mohamed")
    assert head_hit.explanation["family"]["level"] == "agree"
    assert head_hit.explanation["family"]["matched"] == 1


# -- four eyes on "held" --------------------------------------------------------------------------


def test_held_needs_a_basis(registered, officer):
    person = registered.members.first()
    with pytest.raises(ValidationError) as exc:
        screening.decide_category(person, "held", reason="suspected", by=officer)
    assert "basis" in exc.value.message_dict
    assert not CategoryDecision.objects.exists()


def test_held_takes_effect_only_when_a_second_officer_approves(registered, officer, second_officer):
    person = registered.members.first()
    screening.decide_category(person, "civilian", reason="initial interview", by=officer)
    proposal = screening.decide_category(
        person,
        "held",
        reason="named by two witnesses",
        basis="statements W-12 and W-19 recorded by investigator 4",
        legal_basis="Security screening protocol, art. 4",
        by=officer,
    )
    assert screening.current_category(person).category == "civilian"

    with pytest.raises(ValidationError) as exc:
        screening.approve_category(proposal, by=officer)
    assert "approved_by" in exc.value.message_dict
    assert screening.current_category(person).category == "civilian"

    screening.approve_category(proposal, by=second_officer, note="statements read")
    current = screening.current_category(person)
    assert current.pk == proposal.pk and current.category == "held"
    assert current.approved_by == second_officer
    assert CategoryDecision.objects.filter(person=person).count() == 2  # the civilian one is kept


def test_refused_held_leaves_the_category_unchanged(registered, officer, second_officer):
    person = registered.members.first()
    proposal = screening.decide_category(
        person, "held", reason="suspected", basis="one anonymous tip", by=officer
    )
    screening.refuse_category(proposal, by=second_officer, note="an anonymous tip is no basis")
    assert screening.current_category(person) is None
    with pytest.raises(ValidationError):
        screening.approve_category(proposal, by=second_officer)


def test_civilian_decision_is_in_force_at_once(registered, officer):
    person = registered.members.first()
    decision = screening.decide_category(person, "civilian", reason="interviewed", by=officer)
    assert screening.current_category(person) == decision
