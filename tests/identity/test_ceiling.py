"""bench/ceiling.py: the information ceiling of pairwise F1, on a population made by hand."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

_PATH = Path(__file__).resolve().parents[2] / "bench" / "ceiling.py"
_spec = importlib.util.spec_from_file_location("bench_ceiling", _PATH)
ceiling = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ceiling)


def _record(rid, given, father="", family="", mother="", year="1990", dob="", sex="M"):
    return {"record_id": rid, "given_name": given, "father_name": father,
            "grandfather_name": "", "family_name": family, "mother_name": mother, "alias": "",
            "sex": sex, "date_of_birth": dob, "birth_year": year, "place_of_origin": "",
            "nationality": "SYR"}  # fmt: skip


def _population():
    rows = [
        # A: two full records in two spellings, and a checkpoint record (given, father, year)
        # that B's full record fits as well: B is A3's rival.
        ("A", _record("a1", "Mohamed", "Hassan", "al-Ali", "Fatima", dob="1990-03-04")),
        ("A", _record("a2", "Mohammed", "Hassan", "Alali", "Fatma", dob="1990-03-04")),
        ("A", _record("a3", "Muhammad", "Hassan")),
        ("B", _record("b1", "Mohammad", "Hasan", "al-Obeidi", "Zainab", dob="1990-07-01")),
        # E: another namesake, of another father: no rival for anyone.
        ("E", _record("e1", "Mohamed", "Khalil", "al-Ali", "Fatima", dob="1990-03-04")),
        # C: twice, the year one apart (noise), and nobody else of that name near that year.
        ("C", _record("c1", "Salma", "Omar", "al-Jubouri", year="1985", sex="F")),
        ("C", _record("c2", "Salma", "Omar", "al-Jubouri", year="1986", sex="F")),
        # D: a namesake of C thirty years older, outside the one year C's pair forgives.
        ("D", _record("d1", "Salma", "Omar", "al-Jubouri", year="1955", sex="F")),
    ]
    return pd.DataFrame([r for _, r in rows]), np.array([p for p, _ in rows])


def test_rivals_and_forgiven_noise():
    records, truth = _population()
    result = ceiling.ceiling(records, truth)
    pairs = {
        tuple(sorted((records.record_id[a], records.record_id[b]))): q
        for a, b, q in zip(result["a"], result["b"], result["q"], strict=True)
    }
    # Spelling variants are one value; A3 fits A and B alike; C's year is forgiven, D is too far.
    assert pairs == {("a1", "a2"): 1.0, ("a1", "a3"): 0.5, ("a2", "a3"): 0.5, ("c1", "c2"): 1.0}
    # Joining all four (expected 3 true of 4 joined, 4 true pairs) beats the two sure ones
    # (2 of 2): F1 2*3/(4+4) = 0.75 against 2*2/(2+4) = 0.667.
    assert result["true_pairs"] == 4
    assert np.isclose(result["f1"], 0.75)
    assert np.isclose(result["precision"], 0.75) and np.isclose(result["recall"], 0.75)
    assert result["threshold"] == 0.5


def test_a_near_namesake_is_a_rival_and_a_contradiction_is_not():
    records, truth = _population()
    # D born 1986 instead: within C's forgiven year, so C's pair is a toss-up between C and D.
    records.loc[records.record_id == "d1", "birth_year"] = "1986"
    # B's mother recorded as A's: still a rival of A3 only (A1 and A2 carry dates B contradicts).
    result = ceiling.ceiling(records, truth)
    q = dict(zip(zip(records.record_id[result["a"]], records.record_id[result["b"]],
                     strict=True), result["q"], strict=True))  # fmt: skip
    assert q[("c1", "c2")] == 0.5 or q[("c2", "c1")] == 0.5
    assert max(q.get(("a1", "a2"), 0), q.get(("a2", "a1"), 0)) == 1.0


def test_the_best_threshold_leaves_out_pairs_worth_less_than_half_the_f1():
    q = np.array([1.0] * 8 + [0.2] * 4)
    best = ceiling.best_threshold(q, true_pair_count=12)
    assert best["threshold"] == 1.0 and best["joined"] == 8
    assert np.isclose(best["f1"], 2 * 8 / (8 + 12))
