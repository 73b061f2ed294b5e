"""How a hit's explanation says a name agreed, in the reader's language."""

from django.utils import translation

from muster.identity import ScreeningIndex
from muster.screening.matching import readable

REGISTERED = {
    "record_id": "r1",
    "given_name": "Yasser",
    "father_name": "Khalil",
    "family_name": "Hamdan",
    "sex": "M",
    "birth_year": "1990",
}


def _given_name_how(given_name: str, registered: str = "Yasser") -> str:
    index = ScreeningIndex([dict(REGISTERED, given_name=registered)])
    hits = index.candidates(dict(REGISTERED, record_id="new", given_name=given_name), min_score=0.0)
    assert hits, given_name
    (row,) = [f for f in readable(hits[0].explanation) if f.field == "given_name"]
    return row.how


def test_a_name_as_another_country_spells_it_is_not_said_to_be_in_arabic_script():
    # A German office's Jasser is Yasser (j for ya), weighed as a script equivalent; both are
    # in Latin letters, so "in Arabic script" would be wrong.
    assert _given_name_how("Jasser") == "same name, as another country spells it"
    assert _given_name_how("Jasser", registered="ياسر") == "same name, one side in Arabic letters"
    with translation.override("ar"):
        assert _given_name_how("Jasser") == "الاسم نفسه كما يكتبه بلد آخر"


def test_a_name_in_arabic_letters_on_one_side_only_says_so_whichever_level_found_it():
    # A walk-through's screening hit said "same name in Arabic script" for الكشمة / Al-Kishma and
    # "same name, another transliteration" for the names beside it, each an Arabic record's
    # name against a Latin one's.  Both now say what the officer sees.
    for level in ("arabic_script_equivalent", "transliteration"):
        explanation = {"place_of_origin": {"level": level, "a": "الكشمة", "b": "Al-Kishma"}}
        (row,) = readable(explanation)
        assert row.how == "same name, one side in Arabic letters", level
        assert row.agrees and row.strength == "strong"
        with translation.override("ar"):
            assert readable(explanation)[0].how == "الاسم نفسه، بالحروف العربية في أحد الجانبين"
    # Both in Arabic letters (a hamza written or not): as before.
    both = {"given_name": {"level": "arabic_script_equivalent", "a": "أحمد", "b": "احمد"}}
    assert readable(both)[0].how == "same name in Arabic script"
    # Both in Latin letters, another transliteration: as before.
    latin = {"given_name": {"level": "transliteration", "a": "Mohammed", "b": "Muhammad"}}
    assert readable(latin)[0].how == "same name, another transliteration"
