"""A small population on which EM, left alone, learns namesake children as the match class.

Many families in a few towns name their children from a short list of fashionable names after
fathers who share a few common names, so "same given name, same father's name, same birth year,
another family" is the commonest kind of candidate pair; few children are registered twice.
Written independently of muster.scenario (its own names, shapes and habits).
"""

from __future__ import annotations

import random

BOYS = ["Omar", "Ali", "Yusuf", "Hamza", "Ibrahim", "Khalid", "Zaid", "Bilal"]
GIRLS = ["Maryam", "Fatima", "Aisha", "Zainab", "Huda", "Rahaf", "Sara", "Nour"]
FATHERS = ["Muhammad", "Ahmad", "Mahmud", "Hasan", "Abdallah", "Salih", "Jasim", "Khalaf",
           "Ismail", "Hamad", "Saad", "Faisal", "Nasir", "Sulaiman", "Talal", "Walid"]  # fmt: skip
MOTHERS = ["Amina", "Khadija", "Halima", "Samira", "Layla", "Nadia", "Wafa", "Jamila",
           "Salma", "Rasha", "Hana", "Dalal"]  # fmt: skip
FAMILIES = """Obeidi Jubouri Dulaimi Shammari Zubaidi Tamimi Anazi Harbi Qahtani Mutairi Baggari
    Ugaidi Bakkari Hadidi Juhaishi Kubaisi Rawi Ani Hiti Tikriti Samarrai Fallahi Karbuli Mashhadani
    Shaitati Busarayi Kamili Mayadini Qaimi Rutbawi Sinjari Tallawi Mosuli Kirkuki Halabi Raqqawi
    Dairi Hasakawi Idlibi Homsi Nuaimi Marsumi Luhaibi Mawali Khatuni Sabawi Waisi Hamdani Kurdi
    Turkmani Lami Saadi Ubaidi Azzawi Jumaili Issawi Dulafi Karkhi Rubaii Shuwaili Hasnawi Fatlawi
    Kaabi Saedi Maliki Ghanimi Badri Nasiri Zaidi Musawi Husaini Alwani Jaburi Qaisi Sudani Jaafari
    Bayati Darraji Khazraji Awsi""".split()
TOWNS = ["Hajin", "Susa", "Shafa", "Baghuz", "Mayadin"]
SPELLINGS = {"Muhammad": "Mohammed", "Ahmad": "Ahmed", "Yusuf": "Youssef", "Hasan": "Hassan",
             "Maryam": "Mariam", "Zainab": "Zeinab", "Aisha": "Aicha", "Abdallah": "Abdullah",
             "Ibrahim": "Ebrahim", "Khalid": "Khaled", "Salih": "Saleh", "Jasim": "Jassem"}  # fmt: skip


def _skewed(rng: random.Random, names: list[str]) -> str:
    # Zipf-like: the first name of a list of 16 is given to about one person in six.
    return rng.choices(names, weights=[1 / (i + 3) for i in range(len(names))])[0]


def namesake_population(
    families: int = 2600, duplicate_share: float = 0.03, seed: int = 5
) -> tuple[list[dict[str, str]], list[int]]:
    """Records (person-record layout) and the true person number of each."""
    rng = random.Random(seed)
    records: list[dict[str, str]] = []
    truth: list[int] = []
    person = 0
    for f in range(families):
        father = _skewed(rng, FATHERS)
        grandfather = _skewed(rng, FATHERS)
        family = "al-" + FAMILIES[rng.randrange(len(FAMILIES))]
        mother = _skewed(rng, MOTHERS)
        town = TOWNS[f % len(TOWNS)]
        named: set[str] = set()
        for _ in range(rng.randint(3, 6)):
            sex = rng.choice("MF")
            given = _skewed(rng, BOYS if sex == "M" else GIRLS)
            while given in named:  # no two living siblings share a name
                given = _skewed(rng, BOYS if sex == "M" else GIRLS)
            named.add(given)
            year = rng.randint(2008, 2016)
            dob = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            base = {"source": "register", "given_name": given, "father_name": father,
                    "grandfather_name": grandfather, "family_name": family, "mother_name": mother,
                    "sex": sex, "date_of_birth": dob, "birth_year": "", "place_of_origin": town,
                    "nationality": "SYR", "alias": ""}  # fmt: skip
            # Each child is written by one of two desks, and a few by both; the second desk
            # spells the other way, writes the year only and leaves the mother's name out.
            desks = [rng.random() < 0.5]
            if rng.random() < duplicate_share:
                desks.append(not desks[0])
            for k, second in enumerate(desks):
                record = {**base, "record_id": f"p{person}-{k}"}
                if second:
                    record.update(source="desk", date_of_birth="", birth_year=str(year),
                                  mother_name="")  # fmt: skip
                    for part in ("given_name", "father_name", "grandfather_name"):
                        record[part] = SPELLINGS.get(record[part], record[part])
                records.append(record)
                truth.append(person)
            person += 1
    order = list(range(len(records)))
    rng.shuffle(order)
    return [records[i] for i in order], [truth[i] for i in order]
