"""The benchmark's Sorani Kurdish clerk (``noise.sorani_spelling``): Arabic names with their vowels
spelled as Sorani writes them, read back by the identity library as the same names."""

import random

from muster.identity import name_level, normalise_name
from muster.scenario import names as N
from muster.scenario.noise import sorani_spelling


def test_vowels_are_placed_from_the_latin_form():
    never = lambda: 0.9  # noqa: E731  (no optional habit drawn)
    assert sorani_spelling("محمد", "Muhammad", never) == "موحەمەد"
    assert sorani_spelling("فاطمة", "Fatima", never) == "فاطمە"
    assert sorani_spelling("أحمد", "Ahmad", never) == "ئەحمەد"
    assert sorani_spelling("عبد الله", "Abdullah", never) == "عەبدوڵڵا"
    assert sorani_spelling("حسن علي", "Hasan Ali", never) == "حەسەن عەلی"
    # A Latin form that is not this name's: the word is left as written.
    assert sorani_spelling("محمد", "Zzz", never) == "محمد"


def test_the_generators_names_in_sorani_are_read_as_the_same_names():
    rand = random.Random(7).random
    written = agree = same = 0
    for table, part in ((N.MALE, "given"), (N.FEMALE, "given"), (N.FAMILY, "family")):
        for name in table.names:
            sorani = sorani_spelling(name.arabic, name.latin, rand)
            if sorani == name.arabic:
                continue
            written += 1
            key = normalise_name(sorani, part)
            agree += name_level(key, normalise_name(name.latin, part)).code >= 2
            # Read as the Arabic name itself (its keys), not only as a likeness of it.
            same += key.key1 == normalise_name(name.arabic, part).key1
    assert written > 300
    assert agree >= 0.99 * written
    assert same >= 0.85 * written
