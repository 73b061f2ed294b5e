"""A rare name shared counts for more than a common one (frequency.frequency_shift)."""

import numpy as np

from muster.identity import ScreeningIndex, dedupe, link
from muster.identity.internals import frequency
from muster.identity.internals.pipeline import dedupe_steps

FAMILIES = ["al-Obeidi", "al-Jubouri", "al-Dulaimi", "al-Shammari", "al-Zubaidi", "al-Ani"]
LETTERS = "bdfgklmnrst"


def _made_up(i: int) -> str:
    """The i-th of a few hundred distinct made-up names."""
    return f"{LETTERS[i % 11].upper()}a{LETTERS[i // 11 % 11]}i{LETTERS[i // 121]}a"


def _records() -> list[dict[str, str]]:
    """Two pairs of thin records alike but for the given name (the same family name, kept by
    those two records alone, birth years one apart): Muhammad, which sixty namesakes bear, and
    Zuhair, which nobody else does; and the namesakes, and a thousand men of 250 other names,
    four to a name."""
    out = []

    def add(given: str, family: str, year: int) -> None:
        out.append({"record_id": f"r{len(out)}", "given_name": given, "family_name": family,
                    "birth_year": str(year), "sex": "M"})  # fmt: skip

    add("Muhammad", "Haddad", 1980)
    add("Mohammed", "Haddad", 1981)
    add("Zuhair", "Qassab", 1980)
    add("Zuhair", "Qassab", 1981)
    for i in range(60):
        add("Muhammad", FAMILIES[i % len(FAMILIES)], 1978 + i % 6)
    for i in range(frequency.MIN_RECORDS):  # names' frequencies are read off 1,000 records
        add(_made_up(i % 250), _made_up(i // 4) + "-" + FAMILIES[i % 6], 1960 + i % 30)
    return out


def _weight(steps, a: str, b: str) -> float:
    ids = steps.prepared.frame["record_id"].to_numpy()
    row = {rid: i for i, rid in enumerate(ids)}
    rl, rr = steps.arrays["rid_l"], steps.arrays["rid_r"]
    hit = ((rl == row[a]) & (rr == row[b])) | ((rl == row[b]) & (rr == row[a]))
    assert hit.sum() == 1, f"{a} and {b} are not one candidate pair"
    return float(steps.weight[hit][0])


def test_a_rare_given_name_shared_weighs_more_than_a_common_one() -> None:
    steps = dedupe_steps(_records())
    common, rare = _weight(steps, "r0", "r1"), _weight(steps, "r2", "r3")
    # Without the names' frequencies the two pairs compare alike and weigh alike.
    assert rare - common >= 1.0, (common, rare)
    given = {f.field: f for f in steps.report.frequency}["given_name"]
    # A common name never counts for less than its level says (the level's weight is learnt
    # among candidate pairs, mostly of common names); a rare one counts for more, within a bound.
    assert given.commonest == "muhammad" and given.commonest_bits == 0 == given.lowest
    assert 0 < given.highest <= frequency.FACTOR * frequency.CLIP


def test_the_report_says_what_the_names_frequencies_added() -> None:
    report = dedupe(_records()).report
    line = next(x for x in report.lines() if x.startswith("names' frequencies"))
    assert "given_name" in line and "muhammad" in line
    entry = {f["field"]: f for f in report.to_dict()["frequency"]}["given_name"]
    assert entry["commonest"] == "muhammad" and entry["commonest_bits"] == 0 < entry["highest"]


def test_a_handful_of_records_reads_no_names_frequencies() -> None:
    # Among a few records every name is rare: nothing is added.
    steps = dedupe_steps(_records()[:150])
    assert steps.report.frequency == []
    assert _weight(steps, "r0", "r1") == _weight(steps, "r2", "r3")


def test_no_name_in_common_adds_nothing() -> None:
    records = [
        {"record_id": "a", "given_name": "Omar", "family_name": "Haddad", "birth_year": "1980"},
        {"record_id": "b", "given_name": "Ali", "family_name": "Qassab", "birth_year": "1980"},
    ]
    steps = dedupe_steps(records)
    shifts, summary = frequency.frequency_shift(steps.prepared, steps.arrays)
    assert all(np.all(bits == 0) for _, bits in shifts) and not summary


def test_the_screening_index_weighs_names_frequencies_as_the_batch_does() -> None:
    records = _records()
    for query, registry in ((records[0], records[1:]), (records[2], records[:2] + records[3:])):
        found = {c.record_id: c for c in ScreeningIndex(registry).candidates(query, limit=500)}
        batch = link([query], registry, threshold=0.0, train=False).pairs
        assert set(batch.right_ids) <= set(found)
        for rid, probability in zip(batch.right_ids, batch.match_probability, strict=True):
            assert abs(found[rid].match_probability - probability) < 1e-6, rid
    # The rare name's pair outweighs the common name's in screening as in the batch.
    muhammad = ScreeningIndex(records[1:]).candidates(records[0])[0]
    zuhair = ScreeningIndex(records[:2] + records[3:]).candidates(records[2])[0]
    assert (muhammad.record_id, zuhair.record_id) == ("r1", "r3")
    assert zuhair.score - muhammad.score >= 1.0


def test_a_registration_replaced_in_the_index_is_counted_once() -> None:
    records = _records()
    zuhair, registry = records[2], records[:2] + records[3:]
    index = ScreeningIndex(registry)
    before = index.candidates(zuhair)[0].score
    for r in records[4:20]:  # the same Muhammads again, unchanged: replaced, not added
        index.add(r)
    assert index.candidates(zuhair)[0].score == before
    changed = dict(records[4], given_name="Zuhair")  # one Muhammad fewer, one Zuhair more
    index.add(changed)
    fresh = ScreeningIndex([*records[:2], records[3], changed, *records[5:]])
    after = index.candidates(zuhair)[0].score
    assert after == fresh.candidates(zuhair)[0].score < before
