"""A man registered alone weeks ago comes back with his wife and son, his name mistyped: once the
duplicate is confirmed, the record kept is in the family he came with, so his page lists them and
moving his son away from him asks why."""

import re

from muster.custody import services as custody
from muster.people.models import Person
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
FAMILY = [
    {**ABBAS, "given_name": "Abas"},
    {"given_name": "Claire", "family_name": "Dubois", "sex": "F", "birth_year": "1999",
     "nationality": "FRA", "relationship_to_head": "spouse"},
    {"given_name": "Omar", "father_name": "Abbas", "family_name": "al-Ali", "sex": "M",
     "date_of_birth": "2019-03-05", "nationality": "SYR", "relationship_to_head": "son"},
]  # fmt: skip


def _merged(register, web_as):
    alone = register([ABBAS]).members.get()
    family = register(FAMILY)
    hit = Hit.objects.get(kind=Hit.Kind.DUPLICATE)
    assert hit.candidate == alone
    _, client = web_as("screening_officer")
    response = client.post(
        f"/screening/hits/{hit.pk}/",
        {"decision": "confirm", "reason": "same man, name mistyped", "revision": hit.revision},
    )
    assert response.status_code == 302
    return alone, family, hit, client


def test_the_kept_record_joins_the_family_he_came_with(register, web_as):
    alone, family, _, client = _merged(register, web_as)
    old_household = alone.household

    alone.refresh_from_db()
    assert alone.household == family
    assert alone.relationship_to_head == "head"
    page = client.get(f"/people/{alone.number}/").content.decode()
    for member in family.members.exclude(merged_into=alone):
        assert member.number in page
    # His old household (himself alone) is not lost: the correction names it.
    assert old_household.number in page


def test_moving_his_wife_and_son_away_from_him_asks_for_a_reason(register, web_as, facilities):
    alone, family, _, _ = _merged(register, web_as)
    son = family.members.get(given_name="Omar")
    mother = family.members.get(given_name="Claire")
    _, client = web_as("camp_manager", facility=facilities["reception"])
    before = custody.current_placement(son).facility
    response = client.post(
        f"/facilities/{facilities['reception'].pk}/dispatch/",
        {"person": [son.pk, mother.pk], "to_facility": facilities["camp"].pk},
    )
    assert response.status_code == 400  # refused: the form again, the reason asked for
    assert "separation_reason" in response.context["errors"]
    assert alone.number in response.content.decode() or family.number in response.content.decode()
    assert custody.current_placement(son).facility == before


def test_undoing_the_merge_puts_him_back_in_his_own_household(register, web_as, officer):
    alone, family, hit, _ = _merged(register, web_as)
    old_household = Person.objects.get(pk=alone.pk).household  # now the family's
    assert old_household == family
    screening.undo_merge(hit, reason="two different men after all", by=officer)
    alone.refresh_from_db()
    assert alone.household != family and alone.household.members.get() == alone


def test_his_timeline_still_says_which_household_he_was_registered_in(register, web_as):
    alone, family, _, client = _merged(register, web_as)
    first = alone.household.number
    page = client.get(f"/people/{alone.number}/").content.decode()
    registered = re.search(r'<li class="ev-registered">(.*?)</li>', page, re.S).group(1)
    assert first in registered and family.number not in registered


def test_the_kept_records_history_says_the_merge_was_undone(register, web_as):
    alone, family, hit, client = _merged(register, web_as)
    duplicate = hit.person
    response = client.post(
        f"/screening/hits/{hit.pk}/",
        {"action": "undo_merge", "reason": "two different men after all"},
    )
    assert response.status_code == 302
    page = client.get(f"/people/{alone.number}/").content.decode()
    undone = re.search(r'<li class="ev-unmerged">(.*?)</li>', page, re.S)
    assert undone and duplicate.number in undone.group(1) and alone.number not in undone.group(1)


def test_the_auditor_reads_the_family_joined_in_arabic(register, web_as, make_user, login):
    alone, family, _, _ = _merged(register, web_as)
    client = login(make_user("auditor"))
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    page = client.get("/audit/", {"object": alone.number, "action": "person.merge"}).content
    page = page.decode()
    assert family.number in page
    assert "الأسرة التي انضمّ إليها" in page  # the detail's key, labelled
    assert ">household joined<" not in page


def test_his_childs_household_lists_him_once(register, web_as, facilities):
    alone, family, hit, _ = _merged(register, web_as)
    son = family.members.get(given_name="Omar")
    _, client = web_as("camp_manager", facility=facilities["reception"])
    page = client.get(f"/people/{son.number}/").content.decode()
    table = re.search(r"<h2>Household .*?</table>", page, re.S).group(0)
    assert table.count("<tr") == 1 + 3  # the header, then Abbas, Claire and Omar, once each
    assert hit.person.number not in table and "not in your facilities" not in table
