"""The benchmark's spelling habits the generator's registers do not have: a Sorani Kurdish clerk
(``noise.sorani_spelling``: Arabic names with their vowels spelled as Sorani writes them) and the
Arabic chat alphabet (``noise.arabizi_spelling``: A7mad, 5aled), read back by the identity
library as the same names."""

import random

from muster.identity import name_level, normalise_name
from muster.scenario import names as N
from muster.scenario.noise import arabizi_spelling, cyrillic_spelling, sorani_spelling


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


def test_the_chat_alphabet_writes_digits_for_the_letters_latin_lacks():
    always = lambda: 0.1  # noqa: E731
    assert arabizi_spelling("Ahmad", "أحمد", always) == "A7mad"
    assert arabizi_spelling("Khaled", "خالد", always) == "5aled"
    assert arabizi_spelling("Ali", "علي", always) == "3ali"
    assert arabizi_spelling("al-Ali", "العلي", always) == "al-Ali"  # the article is not an ayn
    assert arabizi_spelling("Thamer", "ثامر", always) == "Thamer"  # th is not ط


def test_the_generators_names_in_the_chat_alphabet_are_the_same_names():
    rand = random.Random(3).random
    written = agree = 0
    for table, part in ((N.MALE, "given"), (N.FEMALE, "given"), (N.FAMILY, "family")):
        for name in table.names:
            for spelling in {name.latin, *name.styled}:
                chat = arabizi_spelling(spelling, name.arabic, rand)
                if chat == spelling:
                    continue
                written += 1
                level = name_level(normalise_name(chat, part), normalise_name(spelling, part))
                agree += level.code >= 3
    assert written > 200
    assert agree >= 0.99 * written


def test_a_cyrillic_list_names_the_same_persons():
    rand = random.Random(5).random
    assert cyrillic_spelling("Mukhammad") == "Мухаммад"
    assert cyrillic_spelling("al-Ali") == "ал-Али"
    written = agree = 0
    for table, part in ((N.MALE, "given"), (N.FEMALE, "given"), (N.FAMILY, "family")):
        for name in table.names:
            spelling = name.styled[int(rand() * 3)]
            written += 1
            cyr = normalise_name(cyrillic_spelling(spelling), part)
            agree += name_level(cyr, normalise_name(spelling, part)).code >= 2
    assert agree >= 0.95 * written
