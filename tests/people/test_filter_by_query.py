"""muster.people.search.filter_by_query: the one person search behind the web pages and the API."""

import pytest

from muster.people import services as people
from muster.people.models import Person
from muster.people.search import filter_by_name, filter_by_query

pytestmark = pytest.mark.django_db


def numbers(qs) -> set[str]:
    return set(qs.values_list("number", flat=True))


def test_every_word_must_match_a_name_part_across_scripts(registered):
    head, spouse, son = registered.members.order_by("id")
    everyone = Person.objects.all()
    assert numbers(filter_by_query(everyone, "محمد", match_documents=True)) == {
        head.number,
        son.number,
    }
    assert numbers(filter_by_query(everyone, "Omar Mohamed", match_documents=True)) == {son.number}
    assert numbers(filter_by_name(everyone, "Mohamed Jubouri")) == set()


def test_document_number_matches_only_when_documents_may_be_seen(registered):
    spouse = registered.members.order_by("id")[1]
    people.add_document(spouse, {"doc_type": "passport", "number": "N0123456"}, by=None)
    everyone = Person.objects.all()
    assert numbers(filter_by_query(everyone, "n0123456", match_documents=True)) == {spouse.number}
    assert numbers(filter_by_query(everyone, "N0123456", match_documents=False)) == set()


def test_empty_query_filters_nothing_but_a_name_filter_with_no_name_finds_nobody(registered):
    everyone = Person.objects.all()
    assert filter_by_query(everyone, "  ", match_documents=False).count() == 3
    assert filter_by_name(everyone, "123").count() == 0
