"""Date levels against a year-only date, and the weight of comparison levels pooled to keep
their order (bench/RESULTS.md, "Issue 9, sixth session")."""

import numpy as np

from muster.identity.internals.comparisons import ESTIMATE_YEARS, dob_level_code
from muster.identity.internals.engines import DuckDBEngine, dob_levels
from muster.identity.internals.model import constrained_weights
from muster.identity.internals.prepare import prepare
from muster.identity.internals.screening import ScreeningIndex


def _person(rid: str, date: str = "", year: str = "") -> dict[str, str]:
    return {"record_id": rid, "given_name": "Omar", "father_name": "Khalil",
            "grandfather_name": "Ibrahim", "family_name": "al-Obeidi",
            "date_of_birth": date, "birth_year": year}  # fmt: skip


# (first record's date, its year, second's date, its year, level)
DATES = [
    ("", "1990", "1993-05-03", "", 1),  # a year only, three years off: close
    ("", "1990", "1992-05-03", "", 1),
    ("1990-01-01", "", "1992-05-03", "", 1),  # 1 January is the default for a year only
    ("", "1990", "", "1993", 1),
    ("", "1990", "1994-05-03", "", 0),  # four years off: another person
    ("1990-07-12", "", "1992-07-12", "", 0),  # two full dates two years apart
    ("1990-07-12", "", "1991-03-02", "", 1),
    ("", "1990", "1990-05-03", "", 2),
    # a year typed one off on a full date (the day and month agree): one part differs, as a day
    # or a month typed wrong, not the weak "years one apart or another date"
    ("1990-07-12", "", "1991-07-12", "", 3),
    ("1990-07-12", "", "1991-07-13", "", 1),
    ("1990-07-12", "", "1990-07-13", "", 3),
]


def test_a_year_only_date_within_three_years_is_close_in_every_form_of_the_level() -> None:
    assert ESTIMATE_YEARS == 3
    records = [_person("a", d1, y1) for d1, y1, _, _, _ in DATES]
    records += [_person("b", d2, y2) for _, _, d2, y2, _ in DATES]
    for i, r in enumerate(records):
        r["record_id"] = f"r{i}"
    prepared = prepare(records)
    n = len(DATES)
    rl, rr = np.arange(n), np.arange(n) + n
    expected = [lv for *_, lv in DATES]
    # the engines' vectorised form (DuckDB and Spark both use it)
    assert dob_levels(prepared.frame, prepared.frame, rl, rr).tolist() == expected
    # the SQL form, over the same pairs
    sql = DuckDBEngine().random_levels(prepared, None, 2000, seed=1)
    got = {(int(a), int(b)): int(lv) for a, b, lv in
           zip(sql["rid_l"], sql["rid_r"], sql["lv_date_of_birth"], strict=True)}  # fmt: skip
    for i, lv in enumerate(expected):
        key = (i, i + n) if (i, i + n) in got else (i + n, i)
        assert got[key] == lv, DATES[i]
    # the Python form
    f = prepared.frame
    for i, lv in enumerate(expected):
        a, b = f.iloc[i], f.iloc[i + n]
        args = [None if a[c] is None or a[c] != a[c] else int(a[c]) for c in ("yr", "mo", "dy")]
        brgs = [None if b[c] is None or b[c] != b[c] else int(b[c]) for c in ("yr", "mo", "dy")]
        assert dob_level_code(*args, bool(a["precise"]), *brgs, bool(b["precise"])) == lv
    # screening's index, one registration against the registry
    for i, lv in enumerate(expected):
        index = ScreeningIndex([records[i + n]])
        found = index.candidates(dict(records[i], record_id="new"), min_score=0.0)
        assert found, DATES[i]
        label = found[0].explanation["date_of_birth"]["level"]
        assert label == {0: "disagree", 1: "partial", 2: "partial", 3: "typo"}[lv], DATES[i]


def test_levels_pooled_to_keep_their_order_weigh_as_one_level() -> None:
    # A transliterated given name more often one person than an exact one (two lists' spellings
    # against one list's namesakes): the order exact >= transliteration pools the two, and the
    # pooled level weighs the sum of their m over the sum of their u, as one level would.
    m = np.array([0.001, 0.01, 0.01, 0.60, 0.379])
    u = np.array([0.30, 0.02, 0.01, 0.07, 0.60])
    w = constrained_weights("given_name", m, u, 0.01)
    pooled = np.log2((m[3] + m[4]) / (u[3] + u[4]))
    assert abs(w[3] - pooled) < 1e-9
    assert abs(w[4] - pooled) < 1e-9
    # the mean of the two log-ratios would be about a bit lower
    mean_of_logs = np.average(np.log2(m[3:] / u[3:]), weights=u[3:])
    assert pooled - mean_of_logs > 0.5


def test_a_name_written_otherwise_never_weighs_less_than_a_typo() -> None:
    # A plain Latin list (FEBRL 4) has no pair across two scripts: level 2 (the same name
    # written otherwise) holds only the few pairs one of which another school writes (Garth /
    # Gartkh, 10 pairs, all one person).  EM put its m near 0, and without the order typo <=
    # script equivalent the level weighed -19 bits, a near-veto that lost them all.
    m = np.array([0.001, 0.10, 1e-7, 0.50, 0.399])
    u = np.array([0.50, 0.30, 0.001, 0.10, 0.099])
    w = constrained_weights("given_name", m, u, 0.01)
    assert w[2] >= w[1] - 1e-9
    assert w[2] > -3.0, w
