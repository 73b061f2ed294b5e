"""A merge keeps where the person truly is and her protection flags; an unmerge restores both."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from muster.custody import services as custody
from muster.people import services as people
from muster.people.models import PROTECTION_FLAGS, Person
from muster.screening import services as screening
from muster.screening.models import Hit

NADIA = {
    "given_name": "Nadia",
    "father_name": "Khalil",
    "grandfather_name": "Murad",
    "family_name": "al-Khatouni",
    "mother_name": "Gulistan",
    "sex": "F",
    "date_of_birth": "2014-05-01",
    "nationality": "IRQ",
}


def _at_al_hol(register, facilities, by):
    first = register([NADIA]).members.get()
    movement = custody.dispatch(
        [first], from_facility=facilities["reception"], to_facility=facilities["camp"], by=by
    )
    custody.receive(movement, by=by)
    return first


def _state(person: Person):
    person.refresh_from_db()
    current = custody.current_placement(person)
    return (
        person.merged_into_id,
        (current.state, current.facility_id) if current else None,
        tuple(getattr(person, f) for f in PROTECTION_FLAGS),
        sorted(person.documents.values_list("doc_type", "number")),
    )


def test_girl_re_registered_today_is_kept_at_the_reception_point_with_her_flag(
    register, facilities, officer, make_user
):
    manager = make_user("camp_manager", "registration_officer")
    first = _at_al_hol(register, facilities, manager)
    again = register(
        [
            {
                **NADIA,
                "unaccompanied_child": True,
                "documents": [{"doc_type": "birth_certificate", "number": "BC-77"}],
            }
        ]
    ).members.get()
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    assert (hit.person, hit.candidate) == (again, first)

    decided = screening.adjudicate(hit, "confirm", reason="same girl, same mother", by=officer)

    first.refresh_from_db()
    assert first.unaccompanied_child  # the union of flags
    here = custody.current_placement(first)
    assert here.state == "placed" and here.facility == facilities["reception"]
    assert custody.current_placement(again) is None
    assert "no movement recorded" in decided.merge_warning
    assert [d.number for d in people.documents_of(first)] == ["BC-77"]

    screening.undo_merge(hit, reason="two different girls after all", by=officer)
    first.refresh_from_db()
    assert not first.unaccompanied_child
    assert custody.current_placement(first).facility == facilities["camp"]
    assert custody.current_placement(again).facility == facilities["reception"]
    again.refresh_from_db()
    assert again.unaccompanied_child and again.merged_into is None


def test_the_merge_warning_is_shown_to_the_officer(register, facilities, web_as, make_user):
    manager = make_user("camp_manager", "registration_officer")
    _at_al_hol(register, facilities, manager)
    register([{**NADIA, "unaccompanied_child": True}])
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    _, client = web_as("screening_officer")
    page = client.post(
        f"/screening/hits/{hit.pk}/",
        {"decision": "confirm", "reason": "same girl", "revision": hit.revision},
        follow=True,
    ).content.decode()
    assert "no movement recorded" in page


flags = st.fixed_dictionaries({f: st.booleans() for f in PROTECTION_FLAGS})
docs = st.lists(
    st.sampled_from(["passport", "national_id", "birth_certificate"]), max_size=2, unique=True
)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    first_flags=flags,
    again_flags=flags,
    first_docs=docs,
    again_docs=docs,
    first_moved=st.booleans(),
    again_elsewhere=st.booleans(),
)
def test_merge_then_unmerge_restores_both_exactly(
    db,
    first_flags,
    again_flags,
    first_docs,
    again_docs,
    first_moved,
    again_elsewhere,
):
    from django.db import transaction

    from muster.access import services as access
    from muster.custody.models import Facility
    from muster.intake import services as intake
    from muster.people.validation import clean_household

    def member(fl, ds, tag):
        # Pregnant or adult-only flags would be refused for a girl of 12: keep the rest random.
        fl = {**fl, "pregnant": False}
        return {
            **NADIA,
            **fl,
            "documents": [{"doc_type": d, "number": f"{tag}-{i}"} for i, d in enumerate(ds)],
        }

    with transaction.atomic():
        sid = transaction.savepoint()
        reception = Facility.objects.create(name="RP", kind="reception_point", capacity=100)
        camp = Facility.objects.create(name="Camp", kind="displacement_camp", capacity=100)
        other = Facility.objects.create(name="RP2", kind="reception_point", capacity=100)
        where_again = other if again_elsewhere else reception
        n = Person.objects.count()
        by = access.create_user(
            f"u{n}", "correct horse battery staple", roles=["camp_manager"], check_password=False
        )
        first = intake.register_household(
            clean_household([member(first_flags, first_docs, "A")]),
            reception_point=reception,
            by=by,
        ).members.get()
        if first_moved:
            custody.receive(
                custody.dispatch([first], from_facility=reception, to_facility=camp, by=by), by=by
            )
        again = intake.register_household(
            clean_household([member(again_flags, again_docs, "B")]),
            reception_point=where_again,
            by=by,
        ).members.get()
        before = (_state(first), _state(again))

        screening.merge_duplicate(first, again, by=by, reason="same")
        first.refresh_from_db()
        for f in PROTECTION_FLAGS:
            assert getattr(first, f) == ((f != "pregnant") and (first_flags[f] or again_flags[f]))
        assert custody.current_placement(first).facility_id == where_again.pk
        screening.unmerge_duplicate(again, by=by, reason="not the same")

        assert (_state(first), _state(again)) == before
        transaction.savepoint_rollback(sid)


def test_the_hit_page_warns_before_a_merge_of_records_at_different_places(
    register, facilities, web_as, make_user
):
    manager = make_user("camp_manager", "registration_officer")
    first = _at_al_hol(register, facilities, manager)
    register([{**NADIA, "unaccompanied_child": True}])
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    _, client = web_as("screening_officer")
    page = client.get(f"/screening/hits/{hit.pk}/").content.decode()
    warning = re.search(r'data-testid="merge-warning">(.*?)</p>', page, re.S).group(1)
    assert first.number in warning and "Al-Hol Camp" in warning and "Reception Point 1" in warning


def test_the_timeline_keeps_the_warning_of_a_merge_across_places(
    register, facilities, officer, web_as, make_user
):
    manager = make_user("camp_manager", "registration_officer")
    first = _at_al_hol(register, facilities, manager)
    register([{**NADIA, "unaccompanied_child": True}])
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    screening.adjudicate(hit, "confirm", reason="same girl", by=officer)
    from muster.access import policy
    from muster.reports.timeline import person_timeline

    fields = policy.person_fields(officer)
    merged = [e for e in person_timeline(first, fields) if e.kind == "merged"]
    assert len(merged) == 1
    assert "Al-Hol Camp" in merged[0].warning and "Reception Point 1" in merged[0].warning
    _, client = web_as("screening_officer")
    page = client.get(f"/people/{first.number}/").content.decode()
    assert 'data-testid="timeline-warning"' in page
    # The merge stays in the history, with its warning, after it is undone.
    screening.undo_merge(hit, reason="two girls", by=officer)
    events = person_timeline(first, fields)
    assert [e.kind for e in events if e.warning] == ["merged"]


def test_the_person_page_says_a_duplicate_awaits_a_decision(register, officer, web_as):
    # An officer categorised a record that a likely duplicate hit was about to merge away, with
    # nothing on its page to say so.
    first = register([NADIA]).members.get()
    second = register([NADIA]).members.get()
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    _, client = web_as("screening_officer")
    for person in (first, second):
        page = client.get(f"/people/{person.number}/").content.decode()
        note = re.search(r'data-testid="open-duplicate">(.*?)</p>', page, re.S).group(1)
        assert f'href="/screening/hits/{hit.pk}/"' in note
    screening.adjudicate(hit, "reject", reason="two girls", by=officer)
    assert (
        'data-testid="open-duplicate"'
        not in client.get(f"/people/{first.number}/").content.decode()
    )
    _, registrar = web_as("registration_officer")
    assert (
        'data-testid="open-duplicate"'
        not in registrar.get(f"/people/{second.number}/").content.decode()
    )


def test_undoing_a_merge_is_no_arrival_at_the_camp(register, facilities, web_as, make_user):
    # A walk: a merge undone put the kept record back at Al-Hol, and Al-Hol's "arrived today"
    # went from 5 to 6 though nobody came.
    from muster.reports.models import ArrivalCount

    manager = make_user("camp_manager", "registration_officer")
    _at_al_hol(register, facilities, manager)
    register([{**NADIA, "unaccompanied_child": True}])
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    _, officer = web_as("screening_officer")
    _, camp_manager = web_as("camp_manager", facility=facilities["camp"])
    page = f"/facilities/{facilities['camp'].pk}/"

    def arrived() -> tuple[str, int]:
        html = camp_manager.get(page).content.decode()
        shown = re.search(r'data-testid="arrivals-today">(\d+)<', html).group(1)
        counted = sum(
            ArrivalCount.objects.filter(facility_id=facilities["camp"].pk).values_list(
                "placements", flat=True
            )
        )
        return shown, counted

    before = arrived()
    assert before == ("1", 1)
    confirm = {"decision": "confirm", "reason": "same girl", "revision": hit.revision}
    assert officer.post(f"/screening/hits/{hit.pk}/", confirm).status_code == 302
    undo = {"action": "undo_merge", "reason": "two girls after all"}
    assert officer.post(f"/screening/hits/{hit.pk}/", undo).status_code == 302
    assert custody.current_placement(Hit.objects.get().candidate).facility == facilities["camp"]
    assert arrived() == before
