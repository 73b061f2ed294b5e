"""What screening must not propose: brothers and namesakes are not the person registering.

The screening queue is worked by hand; every false hit costs an officer's time and puts a wrong
merge one click away. bench/screening.py measures the false hits on a 100k registry; these tests
pin the two kinds that flooded the queue.
"""

from muster.screening import matching
from muster.screening.models import Hit

LINEAGE = {
    "father_name": "Jasim",
    "grandfather_name": "Hamad",
    "family_name": "al-Obeidi",
    "mother_name": "Fatima",
    "sex": "M",
    "nationality": "IRQ",
    "place_of_origin": "Tal Afar",
}
MUHAMMAD = {**LINEAGE, "given_name": "Muhammad", "birth_year": "1985"}
# Muhammad as another reception writes him: other spellings, no grandfather's or family name
# nor town (his father's and mother's names, sex and year kept).
SHORT = {
    **MUHAMMAD,
    "given_name": "Mohammed",
    "father_name": "Jassem",
    "grandfather_name": "",
    "family_name": "",
    "place_of_origin": "",
}
# Same given and father's name, same year and town (common names), but another grandfather,
# family and mother: another man.
NAMESAKE = {
    **MUHAMMAD,
    "grandfather_name": "Saleh",
    "family_name": "al-Jubouri",
    "mother_name": "Zainab",
}


def test_brothers_registered_apart_are_not_proposed(register):
    # Grown brothers arrive with their own households: same father, grandfather, family and
    # mother names, birth years two apart, different given names.
    register([MUHAMMAD])
    register([{**LINEAGE, "given_name": "Ahmed", "birth_year": "1987"}])
    register([{**LINEAGE, "given_name": "Ali", "birth_year": "1983", "father_name": "Jassem"}])

    assert not Hit.objects.exists()


def test_a_namesake_with_other_lineage_names_is_not_proposed(register):
    register([MUHAMMAD])
    register([NAMESAKE])

    assert not Hit.objects.exists()


def test_the_same_man_among_his_brothers_and_namesakes_is_a_likely_hit(register):
    first = register([MUHAMMAD]).members.get()
    register([{**LINEAGE, "given_name": "Ahmed", "birth_year": "1987"}])
    register([NAMESAKE])
    again = register(
        [{**MUHAMMAD, "given_name": "Mohammed", "father_name": "Jassem", "grandfather_name": ""}]
    ).members.get()

    likely = Hit.objects.filter(person=again, band=Hit.Band.LIKELY)
    assert [h.candidate for h in likely] == [first]


def test_a_man_registered_again_with_his_age_guessed_three_years_off_is_a_hit(register):
    # Registered born 1985 (a year alone: an age guessed); at another reception his age is
    # guessed three years younger, and he gives no grandfather's or family name nor his town.
    # The given, father's and mother's names agree, and no rule on a year reached three years.
    first = register([MUHAMMAD]).members.get()
    again = register([{**SHORT, "birth_year": "1988"}]).members.get()

    assert [h.candidate for h in Hit.objects.filter(person=again)] == [first]


def test_a_man_registered_without_a_birth_year_is_found_when_he_comes_again_with_one(register):
    # Registered with every name and no birth year (he did not know it); at another reception
    # he is written born 1985, with his father's and mother's names but no grandfather's or
    # family name nor his town.  Every rule on two names with the year needs it on both sides,
    # and no rule on three names or with the town holds the two: the given and father's names,
    # one side undated, pair them.
    first = register([{**MUHAMMAD, "birth_year": ""}]).members.get()
    again = register([SHORT]).members.get()

    assert [h.candidate for h in Hit.objects.filter(person=again)] == [first]


def test_the_bands_follow_the_configured_thresholds(register, settings):
    register([MUHAMMAD])
    settings.MUSTER = {**settings.MUSTER, "SCREENING_LIKELY": 1.01, "SCREENING_POSSIBLE": 0.5}
    assert matching.thresholds() == (1.01, 0.5)
    register([{**MUHAMMAD, "given_name": "Mohammed", "grandfather_name": ""}])

    # Nothing reaches a likely threshold above 1: the same man is shown, as "possible".
    assert list(Hit.objects.values_list("band", flat=True)) == [Hit.Band.POSSIBLE]
