"""A household keeps exactly one head through merges and their undoing.

A man registered with his family comes again with another family and heads it: the merge may not
leave that household headed by a merged-away record, so it is refused until another member heads
it. A merge undone never brings back a second head: the headship the merge passed is given back
when it is still where the merge put it; when someone was made head since, the record comes back
as another relative and the officer is told so, and how to change the head.
"""

import re

import pytest

from muster.audit.models import AuditEvent
from muster.people import services as people
from muster.people.models import Person, PersonCorrection
from muster.people.validation import clean_member
from muster.screening import services as screening
from muster.screening.models import Hit

ABBAS = {
    "given_name": "Abbas",
    "father_name": "Hamed",
    "grandfather_name": "Khaled",
    "family_name": "al-Ali",
    "mother_name": "Maha",
    "sex": "M",
    "date_of_birth": "2002-04-03",
    "nationality": "SYR",
    "place_of_origin": "Al-Sousa",
}
FIRST = [
    ABBAS,
    {"given_name": "Layla", "family_name": "Haddad", "sex": "F", "birth_year": "2003",
     "nationality": "SYR", "relationship_to_head": "spouse"},
    {"given_name": "Ali", "father_name": "Abbas", "family_name": "al-Ali", "sex": "M",
     "date_of_birth": "2021-06-01", "nationality": "SYR", "relationship_to_head": "son"},
]  # fmt: skip
SECOND = [
    {**ABBAS, "given_name": "Abas"},
    {"given_name": "Claire", "family_name": "Dubois", "sex": "F", "birth_year": "1999",
     "nationality": "FRA", "relationship_to_head": "spouse"},
    {"given_name": "Omar", "father_name": "Abbas", "family_name": "al-Ali", "sex": "M",
     "date_of_birth": "2019-03-05", "nationality": "SYR", "relationship_to_head": "son"},
]  # fmt: skip


def _heads(household) -> list[str]:
    return [p.number for p in people.current_heads(household.pk)]


def _hit(register):
    first, second = register(FIRST), register(SECOND)
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    assert hit.person.household == second and hit.candidate.household == first
    return first, second, hit


def _confirm(client, hit):
    hit.refresh_from_db()
    return client.post(
        f"/screening/hits/{hit.pk}/",
        {"decision": "confirm", "reason": "same man, name mistyped", "revision": hit.revision},
    )


def test_a_duplicate_heading_another_family_is_not_merged_until_someone_else_heads_it(
    register, web_as, api_as, officer
):
    first, second, hit = _hit(register)
    duplicate = hit.person
    _, client = web_as("screening_officer")

    # Before confirming, the page says the merge would be refused, and what to do first.
    page = client.get(f"/screening/hits/{hit.pk}/").content.decode()
    note = page.split('data-testid="head-left-behind"', 1)[1].split("</p>", 1)[0]
    assert second.number in note and duplicate.number in note and "Make head of household" in note

    refused = _confirm(client, hit)
    assert refused.status_code == 400
    html = refused.content.decode()
    error = re.search(r'<li class="error" data-field="household"[^>]*>(.*?)</li>', html, re.S)
    assert error and 'data-code="duplicate_heads_household"' in error.group(0)
    assert second.number in error.group(1) and "Make head of household" in error.group(1)

    _, api = api_as("screening_officer")
    hit.refresh_from_db()
    answer = api.post(
        f"/api/screening/hits/{hit.pk}/decide/",
        {"decision": "confirm", "reason": "same man", "revision": hit.revision},
    )
    assert answer.status_code == 400 and "household" in answer.json(), answer.content
    hit.refresh_from_db()
    assert hit.status == Hit.Status.OPEN
    assert Person.objects.get(pk=duplicate.pk).merged_into_id is None
    assert not PersonCorrection.objects.exists()

    # The officer asks the family: Claire heads it now; then the merge goes through.
    claire = second.members.get(given_name="Claire")
    omar = second.members.get(given_name="Omar")
    made = client.post(
        f"/people/{claire.number}/make-head/",
        {
            "former_head_relationship": "spouse",
            f"relationships.{omar.number}": "son",
            "reason": "her husband is registered with his first family",
        },
    )
    assert made.status_code == 302, made.content.decode()[:2000]
    assert _confirm(client, hit).status_code == 302
    assert Person.objects.get(pk=duplicate.pk).merged_into == hit.candidate
    assert _heads(second) == [claire.number] and _heads(first) == [hit.candidate.number]

    # Undone, he comes back as Claire's spouse: still one head.
    screening.undo_merge(hit, reason="two different men", by=officer)
    assert Person.objects.get(pk=duplicate.pk).relationship_to_head == "spouse"
    assert _heads(second) == [claire.number]


def test_a_head_alone_in_his_new_household_merges_as_before(register, officer):
    first = register(FIRST)
    alone = register([{**ABBAS, "given_name": "Abas"}])
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    assert hit.person.household == alone
    screening.adjudicate(hit, "confirm", reason="same man", by=officer)
    assert Person.objects.get(pk=hit.person.pk).merged_into_id == hit.candidate.pk
    assert _heads(first) == [hit.candidate.number]


# ------------------------------------------------------------------ undoing a merge


def _joined(register, web_as):
    """Abbas registered alone, then with Claire and Omar: the record kept joins that family and
    heads it (the merge passed the headship)."""
    alone = register([ABBAS]).members.get()
    family = register(SECOND)
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    assert hit.candidate == alone
    _, client = web_as("screening_officer")
    assert _confirm(client, hit).status_code == 302
    assert _heads(family) == [alone.number]
    return alone, family, hit, client


def test_undoing_gives_back_the_headship_still_where_the_merge_put_it(register, web_as):
    alone, family, hit, client = _joined(register, web_as)
    page = client.get(f"/screening/hits/{hit.pk}/").content.decode()
    assert 'data-testid="head-on-return"' not in page
    done = client.post(
        f"/screening/hits/{hit.pk}/", {"action": "undo_merge", "reason": "two men"}, follow=True
    )
    assert done.status_code == 200
    assert _heads(family) == [hit.person.number]
    alone.refresh_from_db()
    assert alone.household != family and alone.relationship_to_head == "head"
    assert "back in household" not in done.content.decode()


def test_undoing_after_a_new_head_brings_the_record_back_beside_the_head_and_says_so(
    register, web_as, officer
):
    alone, family, hit, client = _joined(register, web_as)
    duplicate = hit.person
    claire = family.members.get(given_name="Claire")
    people.make_head(
        claire,
        former_head_relationship="spouse",
        reason="he left for work in Raqqa",
        by=officer,
    )
    assert _heads(family) == [claire.number]

    # The page that asks to confirm the undo says what will happen.
    page = client.get(f"/screening/hits/{hit.pk}/").content.decode()
    note = page.split('data-testid="head-on-return"', 1)[1].split("</p>", 1)[0]
    assert claire.number in note and duplicate.number in note and "Make head of household" in note

    done = client.post(
        f"/screening/hits/{hit.pk}/",
        {"action": "undo_merge", "reason": "two different men"},
        follow=True,
    )
    assert done.status_code == 200
    html = done.content.decode()
    assert "is back in household" in html and claire.number in html, html
    assert "Make head of household" in html

    assert _heads(family) == [claire.number]
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None and duplicate.relationship_to_head == "other"
    # Nothing lost: that he headed it is in his history, and audited.
    correction = PersonCorrection.objects.filter(person=duplicate).get()
    assert correction.changes == {"relationship_to_head": ["head", "other"]}
    assert claire.number in correction.reason and "two different men" in correction.reason
    assert AuditEvent.objects.filter(
        action="person.correct", object_id=str(duplicate.pk), detail__household_head=family.number
    ).exists()
    undo = AuditEvent.objects.get(action="person.unmerge", object_id=str(duplicate.pk))
    assert undo.detail["head_kept"] == [claire.number]
    # The record kept went back to the household he was registered alone in, heading it.
    alone.refresh_from_db()
    assert alone.household != family and alone.relationship_to_head == "head"


def test_the_api_undo_says_the_record_came_back_beside_the_head(register, web_as, api_as, officer):
    alone, family, hit, client = _joined(register, web_as)
    claire = family.members.get(given_name="Claire")
    people.make_head(claire, former_head_relationship="spouse", reason="x", by=officer)
    _, api = api_as("screening_officer")
    answer = api.post(f"/api/screening/hits/{hit.pk}/undo-merge/", {"reason": "two men"})
    assert answer.status_code == 200, answer.content
    notice = answer.json()["notice"]
    assert hit.person.number in notice and claire.number in notice
    assert _heads(family) == [claire.number]


def test_a_second_head_is_not_brought_back_in_the_same_household(registered, make_user):
    """The same man registered twice in one household: the record kept took the headship; the
    officer made the wife head since; undoing the merge does not make him head beside her."""
    members = {p.relationship_to_head: p for p in registered.members.order_by("id")}
    clerk, screener = make_user("registration_officer"), make_user("screening_officer")
    again = people.add_member(
        registered,
        clean_member({**ABBAS, "relationship_to_head": "other"}),
        by=clerk,
    )
    people.merge_persons(again, members["head"], by=screener, reason="same man")
    assert _heads(registered) == [again.number]
    people.make_head(members["spouse"], former_head_relationship="spouse", reason="x", by=clerk)
    returned = people.unmerge(members["head"], by=screener, reason="two different men")
    assert _heads(registered) == [members["spouse"].number]
    assert returned.relationship_to_head == "other" and returned.unmerge_notice


@pytest.mark.parametrize("language,words", [("ar", "ربّ"), ("ckb", "سەرۆک"), ("kmr", "serok")])
def test_the_officer_is_told_in_their_language(register, web_as, officer, language, words):
    alone, family, hit, client = _joined(register, web_as)
    claire = family.members.get(given_name="Claire")
    people.make_head(claire, former_head_relationship="spouse", reason="x", by=officer)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = client.get(f"/screening/hits/{hit.pk}/").content.decode()
    note = page.split('data-testid="head-on-return"', 1)[1].split("</p>", 1)[0]
    assert "as another relative" not in note and words in note, note
    done = client.post(
        f"/screening/hits/{hit.pk}/", {"action": "undo_merge", "reason": "x"}, follow=True
    )
    assert "is back in household" not in done.content.decode()
