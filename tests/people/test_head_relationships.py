"""When the head of a household changes, the other members' relationships (which are to the head)
are expressed again: each is proposed from their relationship to the former head, the officer
confirms or changes it, and every change is a correction, audited, in the one transaction."""

import pytest
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.people import services as people
from muster.people.models import Person, PersonCorrection
from muster.people.validation import clean_member
from tests import factories

pytestmark = pytest.mark.django_db

DAUGHTER = {
    "given_name": "Maryam",
    "father_name": "Muhammad",
    "family_name": "al-Obeidi",
    "sex": "F",
    "date_of_birth": "2012-05-01",
    "nationality": "IRQ",
    "relationship_to_head": "daughter",
}


@pytest.fixture
def family(registered, make_user):
    """Head (father), spouse (mother), son and daughter."""
    people.add_member(
        registered, clean_member(dict(DAUGHTER)), by=make_user("registration_officer")
    )
    return {p.relationship_to_head: p for p in registered.members.order_by("id")}


def _relationships(household) -> dict[str, str]:
    return dict(household.members.values_list("number", "relationship_to_head"))


def test_the_make_head_page_proposes_each_members_relationship_to_the_new_head(
    family, registered, officer_client
):
    son, spouse, daughter = family["son"], family["spouse"], family["daughter"]
    url = reverse("person-make-head", args=[son.number])
    page = officer_client.get(url).content.decode()
    # The former head becomes the son's father, his wife the son's mother, the daughter his sister.
    assert '<option value="father" selected>' in page
    rows = page.split('data-testid="member-relationships"', 1)[1]
    for member, proposed in ((spouse, "mother"), (daughter, "sister")):
        row = rows.split(f'data-member="{member.number}"', 1)[1].split("</tr>", 1)[0]
        assert f'name="relationships.{member.number}"' in row
        assert f'<option value="{proposed}" selected>' in row, row

    # The officer confirms the mother, corrects the daughter (a niece raised with them).
    before = _relationships(registered)
    refused = officer_client.post(
        url,
        {
            "former_head_relationship": "father",
            f"relationships.{spouse.number}": "head",
            f"relationships.{daughter.number}": "niece",
            "reason": "the father is detained; the eldest son leads",
        },
    )
    assert refused.status_code == 400
    assert f'data-testid="error-relationships.{spouse.number}"' in refused.content.decode()
    assert _relationships(registered) == before and not PersonCorrection.objects.exists()

    done = officer_client.post(
        url,
        {
            "former_head_relationship": "father",
            f"relationships.{spouse.number}": "mother",
            f"relationships.{daughter.number}": "niece",
            "reason": "the father is detained; the eldest son leads",
        },
    )
    assert done.status_code == 302, done.content.decode()[:3000]
    assert _relationships(registered) == {
        family["head"].number: "father",
        spouse.number: "mother",
        son.number: "head",
        daughter.number: "niece",
    }
    assert PersonCorrection.objects.get(person=spouse).changes == {
        "relationship_to_head": ["spouse", "mother"]
    }
    assert PersonCorrection.objects.get(person=daughter).changes == {
        "relationship_to_head": ["daughter", "niece"]
    }
    for p in (spouse, daughter):
        assert AuditEvent.objects.filter(
            action="person.correct", object_id=str(p.pk), detail__household_head=registered.number
        ).exists()
    change = AuditEvent.objects.get(action="household.head_change")
    assert change.detail["relationships_changed"] == [spouse.number, daughter.number]


def test_proposals_follow_the_new_heads_place_in_the_family(family):
    head, spouse, son, daughter = (family[k] for k in ("head", "spouse", "son", "daughter"))
    # The spouse as new head: the children stay hers, the former head is her spouse.
    assert people.propose_relationship(head, spouse, former_head=True) == "spouse"
    assert people.propose_relationship(son, spouse) == "son"
    # The son as new head: his parents and his sister.
    assert people.propose_relationship(head, son, former_head=True) == "father"
    assert people.propose_relationship(spouse, son) == "mother"
    assert people.propose_relationship(daughter, son) == "sister"
    # Unknown sex or an unknown link: "other", for the officer to say.
    spouse.sex = "U"
    assert people.propose_relationship(spouse, son) == "other"
    head.relationship_to_head = "nephew"
    assert people.propose_relationship(daughter, head) == "other"


def test_the_api_proposes_and_takes_a_relationship_map_refusing_strangers_by_field(
    family, registered, facilities
):
    son, spouse, daughter = family["son"], family["spouse"], family["daughter"]
    stranger = factories.household(reception_point=facilities["reception"]).members.first()
    _, api = factories.api_as("registration_officer")
    url = f"/api/people/{son.number}/make-head/"

    proposal = api.get(url)
    assert proposal.status_code == 200, proposal.content
    body = proposal.json()
    assert body["household"] == registered.number
    assert body["former_heads"] == [
        {"number": family["head"].number, "relationship_to_head": "head", "proposed": "father"}
    ]
    assert {m["number"]: m["proposed"] for m in body["members"]} == {
        spouse.number: "mother",
        daughter.number: "sister",
    }

    before = _relationships(registered)
    for relationships, field in (
        ({stranger.number: "son"}, f"relationships.{stranger.number}"),
        ({"P-NOBODY": "son"}, "relationships.P-NOBODY"),
        ({spouse.number: "head"}, f"relationships.{spouse.number}"),
        ({spouse.number: "cousin"}, f"relationships.{spouse.number}"),
        ({family["head"].number: "father"}, f"relationships.{family['head'].number}"),
    ):
        refused = api.post(
            url,
            {"former_head_relationship": "father", "relationships": relationships, "reason": "x"},
        )
        assert refused.status_code == 400, refused.content
        assert field in refused.json(), refused.json()
    not_a_map = api.post(
        url, {"former_head_relationship": "father", "relationships": ["mother"], "reason": "x"}
    )
    assert not_a_map.status_code == 400 and "relationships" in not_a_map.json()
    assert _relationships(registered) == before and not PersonCorrection.objects.exists()

    done = api.post(
        url,
        {
            "former_head_relationship": "father",
            "relationships": {spouse.number: "mother", daughter.number: "sister"},
            "reason": "the father is detained",
        },
        format="json",
    )
    assert done.status_code == 200, done.content
    assert _relationships(registered) == {
        family["head"].number: "father",
        spouse.number: "mother",
        son.number: "head",
        daughter.number: "sister",
    }
    assert PersonCorrection.objects.filter(person__household=registered).count() == 4
    assert Person.objects.get(pk=stranger.pk).relationship_to_head == "head"


@pytest.mark.parametrize("language", ["ar", "ckb", "kmr"])
def test_the_relationship_step_speaks_the_officers_language(family, officer_client, language):
    officer_client.post(reverse("set_language"), {"language": language, "next": "/"})
    url = reverse("person-make-head", args=[family["son"].number])
    page = officer_client.get(url).content.decode()
    assert "Relationship of each member to the new head" not in page
    assert "proposed" not in page.split('data-testid="member-relationships"', 1)[1]
    refused = officer_client.post(
        url,
        {
            "former_head_relationship": "father",
            "relationships.P-NOBODY": "son",
            f"relationships.{family['spouse'].number}": "head",
            "reason": "x",
        },
    )
    assert refused.status_code == 400
    assert "choose one of the relationships listed" not in refused.content.decode()
