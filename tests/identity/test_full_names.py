"""A whole name typed in the given name's column (a list with one name column, a form filled in
haste) is compared as its parts: given, father, grandfather, family (names.split_full_name)."""

import numpy as np

from muster.identity import ScreeningIndex, dedupe
from muster.scenario.presets import labelled_records

LINEAGE = ("father_name", "grandfather_name", "family_name", "mother_name", "alias")


def _one_column(record: dict) -> dict:
    parts = ("given_name", "father_name", "grandfather_name", "family_name")
    whole = " ".join(record[p] for p in parts if record[p])
    return {**record, "given_name": whole, **{f: "" for f in LINEAGE}}


def _pairwise_f1(labels: np.ndarray, truth: list) -> float:
    from collections import Counter

    def pairs(counts):
        return sum(c * (c - 1) // 2 for c in counts.values())

    both = pairs(Counter(zip(labels.tolist(), truth, strict=True)))
    predicted, true = pairs(Counter(labels.tolist())), pairs(Counter(truth))
    return 2 * both / (predicted + true)


def test_a_list_with_whole_names_in_one_column_finds_its_people():
    records, truth = labelled_records("project", 3000, 4)
    rng = np.random.default_rng(4)
    written = [_one_column(r) if rng.random() < 0.3 else r for r in records]
    result = dedupe(written)
    labels = np.unique([result.clusters[r["record_id"]] for r in written], return_inverse=True)[1]
    # Compared as written (the whole name as a given name, no lineage) it was 0.71 at 20k.
    assert _pairwise_f1(labels, list(truth)) >= 0.95


def test_screening_reads_a_whole_name_as_the_batch_does():
    records, truth = labelled_records("project", 3000, 4)
    person = {}
    for r, t in zip(records, truth, strict=True):
        person.setdefault(t, []).append(r)
    # A person registered twice with every name part: the second registration typed as one name.
    first, second = next(rs for rs in person.values() if len(rs) >= 2 and rs[0]["father_name"])[:2]
    query = _one_column(second)
    others = [r for r in records if r["record_id"] != second["record_id"]]
    best = ScreeningIndex(others).candidates(query, limit=5)
    assert best and best[0].record_id == first["record_id"] and best[0].match_probability >= 0.5


def test_a_family_name_in_capitals_or_before_a_comma_is_the_family_name_wherever_it_stands():
    from muster.identity import name_level, normalise_name
    from muster.identity.internals.names import split_full_name

    for whole in ("YILMAZ Mehmet", "Mehmet YILMAZ", "Yilmaz, Mehmet"):
        parts = split_full_name(whole)
        assert parts is not None, whole
        assert name_level(normalise_name(parts["given_name"]), normalise_name("Mehmet")).code >= 3
        family = normalise_name(parts["family_name"], "family")
        assert name_level(family, normalise_name("Yilmaz", "family")).code >= 3
    # A whole list in capitals says nothing: read in the order names are said.
    assert split_full_name("AHMED JASIM AL-OBEIDI")["family_name"] == "AL-OBEIDI"


def test_haji_in_a_triple_name_is_the_given_name_and_a_title_before_a_triple_name_is_not():
    from muster.identity.internals.names import split_full_name

    # Haji is a Kurdish and Yazidi given name: Haji Khalaf Murad is Haji, son of Khalaf.
    assert split_full_name("Haji Khalaf Murad") == {
        "given_name": "Haji", "father_name": "Khalaf", "grandfather_name": "Murad"}  # fmt: skip
    assert split_full_name("حجي خلف مراد")["given_name"] == "حجي"
    # A title before a triple name, a title with its article, a title before one name: titles.
    assert split_full_name("Haji Ahmed Jasim Hamad")["given_name"] == "Ahmed"
    assert split_full_name("الحاج خلف مراد")["given_name"] == "خلف"
    assert split_full_name("Dr. Khalaf Murad")["given_name"] == "Khalaf"
