"""A household keeps exactly one head through merges.

A man registered with his family comes again with another family and heads it: the merge may not
leave that household headed by a merged-away record, so it is refused until another member heads
it.
"""

import re

from muster.people import services as people
from muster.people.models import Person, PersonCorrection
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
