"""Candidate pairs: the integer keys and SQL joins give exactly the pairs the rules define."""

from collections import defaultdict

import duckdb
import numpy as np
import pandas as pd
import pytest

from muster.identity.internals.blocking import (
    ONE_SIDE_ONLY,
    RULES,
    _attribute_codes,
    block_keys,
    candidate_pairs_sql,
    crossed,
    pairs_from_codes,
    rule_shape,
)
from muster.identity.internals.prepare import (
    CROSSED,
    RULE_CAPS,
    SCORED_ONLY,
    prepare,
)
from muster.scenario.presets import labelled_records


def _defined_pairs(frame: pd.DataFrame, n_left: int, dedupe: bool, cap: int) -> dict:
    """{(left row, right row): trained on} as the rules read, one record at a time: a block is
    the records sharing a rule's attributes (and birth year), blocks of more than ``cap``
    records (fewer for a rule of ``RULE_CAPS``) are skipped, a rule by year also pairs blocks a
    year apart, a plain rule needs a record without lineage names, an undated rule one
    without a birth year, an estimated rule one with a year alone or a 1 January date and an
    unsexed rule one without a sex, and a pair belongs to the first rule that finds it."""
    prepared = prepare(frame)
    left = prepare(frame.iloc[:n_left].reset_index(drop=True)) if not dedupe else prepared
    right = None if dedupe else prepare(frame.iloc[n_left:].reset_index(drop=True))
    both = pd.concat([left.frame] + ([] if dedupe else [right.frame]), ignore_index=True)
    year = both["yr"].to_numpy(dtype=np.float64, na_value=np.nan)
    flagged = {
        "p": both["plain"].notna().to_numpy(),
        "u": np.isnan(year),
        "e": ~np.isnan(year) & ~both["precise"].to_numpy(dtype=bool),
        "s": both["sex"].isna().to_numpy(),
    }
    crosswise = {s: tuple(both[c].to_numpy(dtype=object) for c in f) for s, f in CROSSED.items()}
    found: dict[tuple[int, int], bool] = {}
    for rule, attrs in RULES:
        names, by_year, side = rule_shape(attrs)
        values = np.stack([_attribute_codes(a, both, left, right) for a in names], axis=1)
        blocks = defaultdict(list)
        for row, key in enumerate(map(tuple, values)):
            if min(key) >= 0 and not (by_year and np.isnan(year[row])):
                blocks[key + ((int(year[row]),) if by_year else ())].append(row)
        rule_cap = min(cap, RULE_CAPS.get(rule, cap))
        blocks = {k: rows for k, rows in blocks.items() if len(rows) <= rule_cap}
        for key, rows in blocks.items():
            others = list(rows)
            if by_year:
                others += blocks.get(key[:-1] + (key[-1] + 1,), [])
            for x in rows:
                for y in others:
                    if x == y or (side and not (flagged[side][x] or flagged[side][y])):
                        continue
                    if side in ONE_SIDE_ONLY and flagged[side][x] == flagged[side][y]:
                        continue
                    if crossed(attrs):
                        one, two = crosswise[attrs[0]]
                        if one[x] != two[y] or two[x] != one[y]:
                            continue
                    if dedupe:
                        pair = (min(x, y), max(x, y))
                    elif (x < n_left) != (y < n_left):
                        pair = (min(x, y), max(x, y) - n_left)
                    else:
                        continue
                    found.setdefault(pair, rule not in SCORED_ONLY)
    return found


@pytest.mark.parametrize("dedupe", [True, False], ids=["dedupe", "link"])
def test_candidate_pairs_are_the_rules_pairs_with_blocks_over_a_small_cap(dedupe: bool) -> None:
    # A population of common names at a cap of 6, so that many blocks of every rule are over it
    # and the finer rules reach into them (and records whose pairs a coarser rule finds are
    # left out of the finer rules' joins).
    records, _ = labelled_records("skewed_names", 3_000, 5)
    frame = pd.DataFrame(records)
    n_left = len(frame) // 2
    cap = 6
    if dedupe:
        keyed = block_keys(prepare(frame), None, cap)
        n_right = len(frame)
    else:
        left = prepare(frame.iloc[:n_left].reset_index(drop=True))
        right = prepare(frame.iloc[n_left:].reset_index(drop=True))
        keyed = block_keys(left, right, cap)
        n_right = len(frame) - n_left
    con = duckdb.connect()
    con.register("lt", keyed[0])
    if not dedupe:
        con.register("rt", keyed[1])
    codes = con.execute(candidate_pairs_sql(dedupe, n_right)).fetchnumpy()["c"]
    rows_l, rows_r, train = pairs_from_codes(codes, n_right)
    got = dict(zip(zip(rows_l.tolist(), rows_r.tolist(), strict=True), train.tolist(), strict=True))
    assert len(got) == len(codes)  # each pair once
    expected = _defined_pairs(frame, n_left, dedupe, cap)
    assert len(expected) > 1_000 and 0 < sum(not t for t in expected.values())
    assert got == expected


def _candidates(records) -> dict[frozenset, bool]:
    """The candidate pairs of ``records`` (a frame or a list of dicts) as DuckDB finds them:
    {frozenset of the two record ids: trained on}."""
    from muster.identity.internals.engines import DuckDBEngine

    prepared = prepare(pd.DataFrame(records))
    arrays = DuckDBEngine().candidate_levels(prepared, None)
    ids = prepared["record_id"].to_numpy()
    return {
        frozenset((ids[a], ids[b])): bool(t)
        for a, b, t in zip(arrays["rid_l"], arrays["rid_r"], arrays["train"], strict=True)
    }


def _thin_beside_register(namesakes: int, sex: str, namesakes_sex: str) -> pd.DataFrame:
    """A thin list's record t1 (Zubayda, family name, 1990, ``sex``) and a register's r1
    (Zubaida, father's name, F, 1991), with ``namesakes`` register records of t1's given name
    and year (another father, one family name, ``namesakes_sex``)."""
    rows = [
        {"record_id": "t1", "source": "checkpoint", "given_name": "Zubayda",
         "family_name": "Alhamadee", "sex": sex, "birth_year": "1990"},
        {"record_id": "r1", "source": "register", "given_name": "Zubaida",
         "father_name": "Khalaf", "sex": "F", "birth_year": "1991"},
    ]  # fmt: skip
    rows += [
        {"record_id": f"n{k}", "source": "register", "given_name": "Zubaida",
         "father_name": f"Other{'abcdefgh'[k]}", "family_name": "Tai", "sex": namesakes_sex,
         "birth_year": "1990"}
        for k in range(namesakes)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_a_given_name_sex_and_year_few_records_share_make_a_candidate_pair() -> None:
    """A checkpoint's record (given name, family name, a year) and a register's (given name,
    father's name, the next year): no other name to block on.  Where only they share the given
    name, sex and year (one apart), they are a candidate pair (scored, not trained on); where
    seven records of one year share them, that rule finds none of their pairs
    (prepare.RULE_CAPS)."""
    assert RULE_CAPS["b_given_sex_year"] == 6
    # The namesakes are of the checkpoint record's year: six records of one year are a block,
    # seven are over the cap (the register's record, a year on, is in the next year's block).
    for namesakes, found in ((0, True), (5, True), (6, False)):
        pairs = _candidates(_thin_beside_register(namesakes, "F", "F"))
        assert (frozenset(("t1", "r1")) in pairs) is found, namesakes
        if found:
            assert pairs[frozenset(("t1", "r1"))] is False  # scored only


def test_a_record_without_sex_meets_its_person_by_given_name_and_year_where_few_share_them():
    """A foreign authority's record (given and family names, a year, no sex) and a register's
    (given and father's names, sex, the next year): only the given name and year are on both,
    and the rule on them with sex needs it on both sides.  Where few records of the year share
    the given name, they are a candidate pair (scored only); over the cap, none; and two
    records that both carry a sex never meet by this rule (prepare.RULE_CAPS)."""
    assert RULE_CAPS["b_given_year_unsexed"] == 6
    for namesakes, found in ((0, True), (5, True), (6, False)):
        pairs = _candidates(_thin_beside_register(namesakes, "", "M"))
        assert (frozenset(("t1", "r1")) in pairs) is found, namesakes
        if found:
            assert pairs[frozenset(("t1", "r1"))] is False  # scored only
            # The namesakes (of another sex; none on t1's side) meet t1 too: the comparison
            # keeps them apart.
            assert all(frozenset(("t1", f"n{k}")) in pairs for k in range(namesakes))
    # Both with a sex, and of other sexes: no rule pairs them on the given name and year; nor
    # both without (a list that records no sex: its records meet on the given name and the
    # full date, or the family name and year, as any plain list's).
    assert frozenset(("t1", "r1")) not in _candidates(_thin_beside_register(0, "M", "M"))
    sexless = _thin_beside_register(0, "", "")
    sexless.loc[sexless["record_id"] == "r1", "sex"] = ""
    assert frozenset(("t1", "r1")) not in _candidates(sexless)


def test_a_given_name_the_broad_key_reads_otherwise_meets_its_person_by_family_sex_and_year():
    """A German office's record (Husqin: a typo for Hussein; no father's name) and a register's
    (Hussein, son of Abdalla) of one family name, sex and birth year: the broad keys of the two
    given names differ, and no other name is on both, so only the family name, sex and
    year make them a candidate pair (scored, not trained on); ``dedupe`` then finds them one
    person.  A cousin of the same family and year with another given name meets them too, and
    stays apart."""
    import muster.identity as mi
    from muster.identity.internals.names import normalise_name

    rows = [
        {"record_id": "g1", "source": "german_office", "given_name": "Husqin",
         "family_name": "Benali", "sex": "M", "date_of_birth": "2016-03-02"},
        {"record_id": "r1", "source": "register", "given_name": "Hussein",
         "father_name": "Abdalla", "family_name": "Benali", "sex": "M", "birth_year": "2016"},
        {"record_id": "r2", "source": "register", "given_name": "Yusuf",
         "father_name": "Abdalla", "family_name": "Benali", "sex": "M", "birth_year": "2016"},
    ]  # fmt: skip
    assert normalise_name("Husqin", "given").broad != normalise_name("Hussein", "given").broad
    pairs = _candidates(rows)
    assert frozenset(("g1", "r1")) in pairs
    assert pairs[frozenset(("g1", "r1"))] is False  # scored only
    clusters = mi.dedupe(rows).clusters
    assert clusters["g1"] == clusters["r1"]
    assert clusters["r2"] not in (clusters["g1"], clusters["r1"])


def test_a_family_name_written_otherwise_after_its_initial_meets_its_person_by_the_initial():
    """A checkpoint's record (Milana Gadzhieva, 1984: no father's name) and a register's
    (Milana, daughter of Ibragim, Gadshieva, 1984): the broad keys of the two family names
    differ, and three namesakes of that year (other families) put the given name, sex and year
    over their cap of three; the family name's initial with them makes the pair a candidate
    (scored only), and ``dedupe`` finds it one person, the namesakes apart."""
    import muster.identity as mi
    from muster.identity.internals.names import normalise_name

    rows = [
        {"record_id": "c1", "source": "checkpoint", "given_name": "Milana",
         "family_name": "Gadzhieva", "sex": "F", "birth_year": "1984"},
        {"record_id": "r1", "source": "register", "given_name": "Milana",
         "father_name": "Ibragim", "family_name": "Gadshieva", "sex": "F",
         "date_of_birth": "1984-05-14"},
    ] + [
        {"record_id": f"n{k}", "source": "register", "given_name": "Milana",
         "father_name": father, "family_name": family, "sex": "F", "birth_year": "1984"}
        for k, (father, family) in enumerate(
            [("Aslan", "Umarova"), ("Ruslan", "Petrova"), ("Omar", "Nazarova")]
        )
    ]  # fmt: skip
    family = [normalise_name(n, "family").broad for n in ("Gadzhieva", "Gadshieva")]
    assert family[0] != family[1] and family[0][:1] == family[1][:1]
    pairs = _candidates(rows)
    assert frozenset(("c1", "r1")) in pairs
    assert pairs[frozenset(("c1", "r1"))] is False  # scored only
    clusters = mi.dedupe(rows).clusters
    assert clusters["c1"] == clusters["r1"]
    assert len({clusters[f"n{k}"] for k in range(3)} | {clusters["c1"]}) == 4


def test_a_given_name_the_broad_key_reads_otherwise_meets_its_person_by_father_sex_and_year():
    """A checkpoint's record (Husqin, a typo for Hussein, son of Ahmad, 2016: no family name)
    and a register's (Hussein, son of Ahmad, al-Jubouri, 2016): the given names' broad keys differ and no name but
    the father's is on both, so only the father's name, sex and year make them a candidate
    (scored only); ``dedupe`` finds them one person, and a brother of that year stays apart.
    Where nine records of one year share the father's name (over its cap of eight), that rule
    finds none of their pairs."""
    import muster.identity as mi

    def rows(namesakes: int) -> list[dict]:
        return [
            {"record_id": "c1", "source": "checkpoint", "given_name": "Husqin",
             "father_name": "Ahmad", "sex": "M", "birth_year": "2016"},
            {"record_id": "r1", "source": "register", "given_name": "Hussein",
             "father_name": "Ahmad", "family_name": "al-Jubouri", "sex": "M",
             "date_of_birth": "2016-04-02"},
            {"record_id": "r2", "source": "register", "given_name": "Yusuf",
             "father_name": "Ahmad", "family_name": "al-Jubouri", "sex": "M",
             "date_of_birth": "2016-11-20"},
        ] + [
            {"record_id": f"n{k}", "source": "register", "given_name": f"Other{'abcdefgh'[k]}",
             "father_name": "Ahmad", "family_name": "Tai", "sex": "M", "birth_year": "2016"}
            for k in range(namesakes)
        ]  # fmt: skip

    assert RULE_CAPS["b_father_sex_year"] == 8
    found = _candidates(rows(0))
    assert frozenset(("c1", "r1")) in found
    assert found[frozenset(("c1", "r1"))] is False  # scored only
    clusters = mi.dedupe(rows(0)).clusters
    assert clusters["c1"] == clusters["r1"] != clusters["r2"]
    assert frozenset(("c1", "r1")) in _candidates(rows(5))  # eight records of one year
    assert frozenset(("c1", "r1")) not in _candidates(rows(6))  # nine


@pytest.mark.parametrize("other", ["father_name", "family_name"])
def test_a_record_without_a_birth_year_meets_its_person_by_given_and_one_more_name(other):
    """A checkpoint's record (Kadija, with the father's or family name, 2008) and a register's
    (Khadija, with both, no birth year): the grandfather's name is on one side only, the mother's
    names differ (Nodira, Nigora), and the rules on two names with the year need it on both, so only the given name and
    the other name, one side undated, make them a candidate (scored, not trained on).  Two
    namesakes both of them dated, eight years apart, are not paired
    by that rule (no other rule pairs them), nor are a dated and an undated namesake where more
    records share the two names than the rule's cap."""
    rule = f"b_given_{other.split('_')[0]}_undated"

    def rows(namesakes: int) -> list[dict]:
        return [
            {"record_id": "c1", "source": "checkpoint", "given_name": "Kadija",
             other: "Jasoor" if other == "father_name" else "Karimova",
             "mother_name": "Nodira", "sex": "F", "birth_year": "2008"},
            {"record_id": "r1", "source": "register", "given_name": "Khadija",
             "father_name": "Jasoor", "grandfather_name": "Otabek", "family_name": "Karimova",
             "mother_name": "Nigora", "sex": "F", "place_of_origin": "Fergana"},
            {"record_id": "r2", "source": "register", "given_name": "Khadija",
             other: "Jasoor" if other == "father_name" else "Karimova",
             "mother_name": "Layla", "sex": "F", "birth_year": "2016"},
        ] + [
            {"record_id": f"n{k}", "source": "register", "given_name": "Khadija",
             other: "Jasoor" if other == "father_name" else "Karimova", "sex": "F",
             "birth_year": str(1950 + 3 * k)}
            for k in range(namesakes)
        ]  # fmt: skip

    cap = RULE_CAPS[rule]
    found = _candidates(rows(0))
    assert frozenset(("c1", "r1")) in found
    assert found[frozenset(("c1", "r1"))] is False  # scored only
    assert frozenset(("c1", "r2")) not in found  # both dated, years apart
    assert frozenset(("c1", "r1")) in _candidates(rows(cap - 3))  # the cap's records
    assert frozenset(("c1", "r1")) not in _candidates(rows(cap - 2))  # one more


@pytest.mark.parametrize("other", ["father_name", "family_name"])
def test_an_estimated_year_three_apart_meets_its_person_by_given_and_one_more_name(other):
    """A register that guesses ages (Ayesha, 1987, a year alone, with her grandfather's and
    mother's names) beside a camp's record of her (born 1990-05-14, with the other of father's
    or family name): the given name and one more name agree, the years are three apart, and
    every rule on a year pairs one year apart at most.  The eras' rules pair them (scored, not
    trained on).  Not five years apart, not two full dates three years apart (no estimate), not
    a plain record (the names-set rules hold those), not in a block over the cap."""
    rule = f"b_given_{other.split('_')[0]}_era_a"
    assert rule in SCORED_ONLY
    missing = "family_name" if other == "father_name" else "father_name"

    def rows(namesakes: int = 0, **estimate) -> list[dict]:
        first = {
            "record_id": "e1",
            "source": "estimates",
            "given_name": "Ayesha",
            other: "Haddad",
            "grandfather_name": "Salim",
            "mother_name": "Zainab",
            "sex": "F",
            "birth_year": "1987",
        }
        first.update(estimate)
        return [
            {k: v for k, v in first.items() if v is not None},
            {"record_id": "c1", "source": "camp", "given_name": "Ayesha", other: "Haddad",
             missing: "Khalil", "sex": "F", "date_of_birth": "1990-05-14"},
        ] + [
            {"record_id": f"n{k}", "source": "camp", "given_name": "Ayesha", other: "Haddad",
             "mother_name": "Layla", "sex": "F", "date_of_birth": f"{1988 + k % 3}-03-0{1 + k % 9}"}
            for k in range(namesakes)
        ]  # fmt: skip

    pair = frozenset(("e1", "c1"))
    found = _candidates(rows())
    assert pair in found and found[pair] is False  # scored only
    assert pair in _candidates(rows(date_of_birth="1987-01-01", birth_year=None))  # 1 January
    assert pair not in _candidates(rows(birth_year="1985"))  # five apart
    assert pair not in _candidates(rows(date_of_birth="1987-05-14", birth_year=None))  # precise
    plain = {"grandfather_name": None, "mother_name": None, other: None, "family_name": "Haddad"}
    if other == "family_name":  # a plain record: the names-set rules pair it, not the eras'
        rule_of = _candidates(rows(**plain))
        assert pair in rule_of and rule_of[pair] is True
    assert pair in _candidates(rows(RULE_CAPS[rule] - 2))  # the block holds the cap's records
    assert pair not in _candidates(rows(RULE_CAPS[rule] - 1))  # one more


def test_a_french_spelling_of_a_known_name_meets_its_person_by_the_names_broad_key():
    """A French office's record (BUCHRA, daughter of Kacem, granddaughter of Hassan; no year)
    and a register's (Bushra, daughter of Qasim, granddaughter of Hassan): the letters alone
    read the French ch and c as k and no s (BUCHRA bkr, Bushra bsr), so no rule holds them;
    read as the names the table knows, they share the broad keys of given, father's and
    grandfather's names, and that rule pairs them (trained on)."""
    rows = [
        {"record_id": "f1", "source": "french_office", "given_name": "BUCHRA",
         "father_name": "KACEM", "grandfather_name": "HASSAN", "sex": "F"},
        {"record_id": "r1", "source": "register", "given_name": "Bushra",
         "father_name": "Qasim", "grandfather_name": "Hassan", "sex": "F"},
    ]  # fmt: skip
    pairs = _candidates(rows)
    assert pairs.get(frozenset(("f1", "r1"))) is True


def test_a_record_with_given_and_family_names_the_other_way_round_meets_its_person():
    """A checkpoint's record that put the family name first (Karimova, daughter of Jasur,
    Dilnoza, 2001) and a register's (Dilnoza Karimova, mother Nodira, 2001): neither is plain,
    and no name is in the same place on both, so only the given and family names crosswise with
    sex and year make them a candidate (scored only; ``prepare.CROSSED``), which the comparisons
    read as swapped.  Born five years apart, they are not paired."""

    def rows(year: str) -> list[dict]:
        return [
            {"record_id": "c1", "source": "checkpoint", "given_name": "Karimova",
             "father_name": "Jasur", "family_name": "Dilnoza", "sex": "F", "birth_year": year},
            {"record_id": "r1", "source": "register", "given_name": "Dilnoza",
             "family_name": "Karimova", "mother_name": "Nodira", "sex": "F",
             "date_of_birth": "2001-05-02", "place_of_origin": "Fergana"},
        ]  # fmt: skip

    assert _candidates(rows("2001")).get(frozenset(("c1", "r1"))) is False  # scored only
    assert _candidates(rows("2002")).get(frozenset(("c1", "r1"))) is False  # a year apart
    assert frozenset(("c1", "r1")) not in _candidates(rows("2006"))
