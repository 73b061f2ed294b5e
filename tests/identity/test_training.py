"""Guarded training: constraints, the plausibility check, the fallback and the model report."""

from __future__ import annotations

import json

import numpy as np
import pytest

from muster.identity import Model, ModelFileError, ScreeningIndex, dedupe, link
from muster.identity.internals.model import (
    AGREEMENT_FLOOR,
    COMPARISONS,
    LEVEL_LABELS,
    LEVEL_ORDER,
    LINEAGE_LEVELS,
    PLACE_AGREEMENT_FLOOR,
    WEIGHT_FLOOR,
)
from muster.identity.internals.training import (
    _disagreement,
    _expected_over_shipped,
    guarded_training,
)
from muster.scenario.presets import drawn_setting, labelled_records

from .namesakes import namesake_population


def pairwise(clusters: dict[str, str], truth: dict[str, int]) -> tuple[float, float]:
    """(precision, recall) of the pairs put in one cluster."""

    def pairs(groups: dict[object, list[str]]) -> set[tuple[str, str]]:
        out = set()
        for members in groups.values():
            members = sorted(members)
            out.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
        return out

    found: dict[object, list[str]] = {}
    true: dict[object, list[str]] = {}
    for rid, cluster in clusters.items():
        found.setdefault(cluster, []).append(rid)
        true.setdefault(truth[rid], []).append(rid)
    got, want = pairs(found), pairs(true)
    hit = len(got & want)
    return hit / max(len(got), 1), hit / max(len(want), 1)


@pytest.fixture(scope="module")
def namesakes() -> tuple[list[dict[str, str]], dict[str, int]]:
    records, truth = namesake_population(families=2000, duplicate_share=0.02, seed=5)
    return records, {r["record_id"]: t for r, t in zip(records, truth, strict=True)}


@pytest.fixture(scope="module")
def namesakes_run(namesakes):
    """``dedupe`` of the whole population, as shipped (two tests read it; none changes it)."""
    records, _ = namesakes
    return dedupe(records)


@pytest.fixture(scope="module")
def namesakes_4000(namesakes):
    """``dedupe`` of the population's first 4,000 records, as shipped (three tests read it; none
    changes it)."""
    records, _ = namesakes
    return dedupe(records[:4000])


@pytest.fixture(scope="module")
def namesake_levels(namesakes):
    """The population prepared, its candidate pairs' levels (arrays and gamma) and the levels of
    200,000 random pairs, as training reads them (two tests read them; none changes them)."""
    from muster.identity.internals.engines import DuckDBEngine
    from muster.identity.internals.model import comparison_levels, levels_dict
    from muster.identity.internals.prepare import prepare

    records, _ = namesakes
    prepared = prepare(records)
    engine = DuckDBEngine()
    arrays = engine.candidate_levels(prepared, None)
    gamma = comparison_levels(levels_dict(arrays))
    random_gamma = comparison_levels(levels_dict(engine.random_levels(prepared, None, 200_000, 1)))
    return prepared, arrays, gamma, random_gamma


def test_many_namesake_children_and_few_duplicates_warn_and_still_score_well(
    namesakes, namesakes_run
) -> None:
    # Left alone, EM learns "same given name, father's name and birth year, another family" as
    # the match class here and merges nearly nothing but namesakes (F1 0.0 without the
    # constraints); with them the run keeps a plausible model and says what EM would have done.
    _, truth = namesakes
    result = namesakes_run

    precision, recall = pairwise(result.clusters, truth)
    assert precision >= 0.85 and recall >= 0.9, (precision, recall)
    assert result.report is not None and result.report.status == "trained"
    assert any(
        "EM without the constraints learns another class" in w for w in result.report.warnings
    )
    assert "\n" not in "".join(result.report.warnings)


def test_the_check_finds_the_class_unconstrained_em_learns_on_namesakes(
    namesakes, namesake_levels
) -> None:
    from muster.identity.internals.model import pattern_counts

    records, _ = namesakes
    _, _, gamma, random_gamma = namesake_levels
    free = Model.default()
    free.constrained = False
    free.estimate_u(random_gamma)
    free.train_em(gamma)
    patterns, counts = pattern_counts(gamma)

    reason = _disagreement(free, Model.default(), patterns, counts)

    # Left alone, EM learns another class: it either accepts namesakes the shipped model finds
    # clearly different or rejects the pairs it finds clearly the same.
    assert reason is not None and ("clearly different" in reason or "clearly the same" in reason)
    guarded, report = guarded_training(random_gamma, gamma, len(records), None, True)
    assert _disagreement(guarded, Model.default(), patterns, counts) is None
    assert report.status == "trained"


def _monotone(model: Model) -> None:
    w = model.weight_table()
    for j, name in enumerate(COMPARISONS):
        for worse, better in LEVEL_ORDER[name]:
            assert w[j, better + 1] >= w[j, worse + 1] - 1e-9, (name, worse, better)


def test_weights_obey_the_constraints_shipped_and_trained(namesakes_4000) -> None:
    trained = namesakes_4000.model
    for model in (Model.default(), trained, Model.initial()):
        _monotone(model)
        w = model.weight_table()
        names = list(COMPARISONS)
        for (name, level), floor in WEIGHT_FLOOR.items():
            assert w[names.index(name), level + 1] >= floor - 1e-9, (name, level)
        assert w[names.index("lineage"), LINEAGE_LEVELS] >= AGREEMENT_FLOOR
        assert w[names.index("date_of_birth"), 6] >= AGREEMENT_FLOOR
        assert min(w[names.index("place_of_origin"), 3:6]) >= PLACE_AGREEMENT_FLOOR


def test_a_place_that_agrees_across_two_scripts_never_counts_against_a_match() -> None:
    # Latin registers beside an authority's list in Arabic script (a population drawn at
    # random): most candidate pairs across the scripts are namesakes from the same towns, and
    # EM learnt a place in the other script (Al-Qaim / القائم) at -1.7 bits, below a place not
    # given, so pairs whose place agreed as well as two scripts allow were held down by it.
    records, truth = labelled_records(drawn_setting(500), 5000, 2)
    result = dedupe(records)
    place = result.model.weight_table()[list(COMPARISONS).index("place_of_origin")]
    assert min(place[3:6]) >= 0.0  # arabic_script_equivalent, transliteration, exact
    person = dict(zip((r["record_id"] for r in records), truth, strict=True))
    precision, recall = pairwise(result.clusters, person)
    # Without the floor: precision 0.98, recall 0.85 on this sample.
    assert precision >= 0.97 and recall >= 0.87, (precision, recall)


GIRL = {
    "given_name": "Rahaf",
    "father_name": "Khalid",
    "grandfather_name": "Hamad",
    "family_name": "al-Jubouri",
    "mother_name": "Samira",
    "sex": "F",
    "birth_year": "2012",
    "place_of_origin": "Hajin",
}


def test_a_form_default_nationality_does_not_veto_a_girl_whose_five_names_and_year_agree() -> None:
    # Registered twice: once IRQ, once with the form's default SYR.  The shipped model weighed a
    # nationality disagreement at -34 bits and scored the pair 0.0000005.
    first = {**GIRL, "record_id": "a1", "nationality": "IRQ"}
    again = {**GIRL, "record_id": "b1", "nationality": "SYR"}
    # A candidate whose father, grandfather and family names all disagree must score lower.
    other = {**GIRL, "record_id": "b2", "nationality": "IRQ", "father_name": "Ali",
             "grandfather_name": "Salih", "family_name": "al-Dulaimi"}  # fmt: skip

    pairs = link([first], [again, other], threshold=0.0, train=False).pairs.to_frame()

    score = dict(zip(pairs["record_id_b"], pairs["score"], strict=True))
    assert score["b1"] >= 0.9
    assert score.get("b2", 0.0) < score["b1"]
    # The screening index scores with the same bounded model.
    found = ScreeningIndex([again, other]).candidates(first)
    assert found[0].record_id == "b1" and found[0].match_probability >= 0.9


def test_no_single_clerk_field_vetoes_a_match_on_its_own() -> None:
    base = {**GIRL, "record_id": "a", "nationality": "IRQ", "date_of_birth": "2012-05-14"}
    base.pop("birth_year")
    slips = {
        "nationality": {"nationality": "SYR"},
        "sex": {"sex": "M"},
        "day of birth": {"date_of_birth": "2012-05-17"},
        "town": {"place_of_origin": "Mayadin"},
    }
    for slip, change in slips.items():
        pairs = link([base], [{**base, **change, "record_id": "b"}], threshold=0.0, train=False)
        assert len(pairs.pairs) == 1 and pairs.pairs.match_probability[0] >= 0.9, slip


def test_a_saved_model_scores_the_same_when_loaded(tmp_path, namesakes) -> None:
    records, _ = namesakes
    first = dedupe(records[:3000])
    path = tmp_path / "model.json"
    first.model.save(path)

    again = dedupe(records[:3000], model=Model.load(path))

    assert again.clusters == first.clusters
    assert again.report.status == "given"
    assert np.allclose(Model.load(path).weight_table(), first.model.weight_table())


def test_a_saved_model_carries_the_prior_of_pairs_with_a_plain_record(tmp_path) -> None:
    # A registry beside plain lists (no lineage names): deduplication adds their pairs' own
    # prior to their weight.  Saved and loaded, the model scores with the same shift, so the
    # reused model accepts the same pairs as the run that trained it.
    from muster.scenario.presets import labelled_records

    records, _ = labelled_records("no_lineage", 3000, 3)
    first = dedupe(records)
    shift = first.model.plain_shift
    assert shift > 0 and first.report.plain_shift == shift
    path = tmp_path / "model.json"
    first.model.save(path)

    loaded = Model.load(path)
    again = dedupe(records, model=loaded)

    assert loaded.plain_shift == shift
    assert loaded.plain_pair_shift == first.model.plain_pair_shift
    assert again.report.status == "given" and again.report.plain_shift == shift
    assert f"{shift:+.2f} bits" in str(again.report)
    assert np.array_equal(again.pairs.match_weight, first.pairs.match_weight)
    assert again.clusters == first.clusters
    # Without the shift the same m, u and prior accept fewer pairs.
    bare = dedupe(records, model=Model(loaded.m, loaded.u, loaded.prior))
    assert len(bare.pairs) < len(first.pairs)


def test_a_model_saved_before_the_plain_shift_loads_without_one(tmp_path) -> None:
    data = json.loads(Model.default().to_json())
    del data["plain_shift"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert Model.load(path).plain_shift == 0.0
    path.write_text(json.dumps({**data, "plain_shift": "high"}), encoding="utf-8")
    with pytest.raises(ModelFileError, match="plain_shift"):
        Model.load(path)
    # Saved before the two strata were weighed apart: both scored with plain_shift, still.
    del data["plain_pair_shift"]
    path.write_text(json.dumps({**data, "plain_shift": 1.5}), encoding="utf-8")
    assert Model.load(path).plain_pair_shift == 1.5
    path.write_text(json.dumps({**data, "plain_pair_shift": -1}), encoding="utf-8")
    with pytest.raises(ModelFileError, match="plain_pair_shift"):
        Model.load(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "not JSON"),
        ('{"m": {}}', "expected the keys m, u and prior"),
        ('{"m": {}, "u": {}, "prior": 0.1}', "m['given_name'] must be a list of 5"),
    ],
)
def test_a_bad_model_file_is_one_line(tmp_path, text: str, expected: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelFileError) as info:
        Model.load(path)
    assert expected in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("sceptic", "expected"),
    [
        ([], "sceptic must hold the keys m and u"),
        ({"m": {}, "u": {}}, "sceptic m['given_name'] must be a list of 5"),
    ],
)
def test_a_bad_sceptic_in_a_model_file_is_one_line(tmp_path, sceptic, expected: str) -> None:
    data = json.loads(Model.default().to_json())
    path = tmp_path / "m.json"
    path.write_text(json.dumps({**data, "sceptic": sceptic}), encoding="utf-8")
    with pytest.raises(ModelFileError) as info:
        Model.load(path)
    assert expected in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("plain", "expected"),
    [
        ([], "plain_model must hold the keys m, u and prior"),
        ({"m": {}, "u": {}, "prior": 0.1}, "plain_model's m['given_name'] must be a list of 5"),
        ("prior 2", "plain_model's prior must be a probability between 0 and 1, not 2"),
        ("sceptic []", "plain_model's sceptic must hold the keys m and u"),
    ],
)
def test_a_bad_plain_model_in_a_model_file_is_one_line(tmp_path, plain, expected: str) -> None:
    data = json.loads(Model.default().to_json())
    shipped = {k: data[k] for k in ("m", "u", "prior")}
    if plain == "prior 2":
        plain = {**shipped, "prior": 2}
    elif plain == "sceptic []":
        plain = {**shipped, "sceptic": []}
    path = tmp_path / "m.json"
    path.write_text(json.dumps({**data, "plain_model": plain}), encoding="utf-8")
    with pytest.raises(ModelFileError) as info:
        Model.load(path)
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_a_plain_list_the_pooled_model_underweighs_is_scored_by_a_model_of_its_own(
    monkeypatch,
) -> None:
    # drawn36 (presets.drawn_setting): a Latin list without lineage names beside two lists with
    # them.  The pooled model, learnt mostly on pairs with lineage on both sides, weighs the
    # plain list's pairs with the others as if a half of their matches were there, and their
    # prior alone (plain_shift) learns nothing: F1 0.68.  A model trained on those pairs alone
    # expects 1.6 times the matches there, and scoring them with it gives 0.83
    # (bench/RESULTS.md, "twenty-third session").  Off by default (training.PLAIN_MODEL_LEARNT:
    # it lowered two populations at 200k); turned on here.  Since another school's spelling in
    # one script weighs as the same name written otherwise (forty-first session), the pooled model
    # underweighs the stratum less (the own model expects 1.56 times its matches, F1 0.81 -> 0.82
    # without it), and since the town weighs as learnt among pairs of one given and family name
    # (forty-third session) less again (1.40 times, 0.846 without it, 0.872 with it), so the
    # gate is set at 1.3 here.
    from muster.identity.internals import pipeline
    from muster.scenario.presets import labelled_records

    PLAIN_MODEL_GATE = 1.3
    monkeypatch.setattr(pipeline, "PLAIN_MODEL_LEARNT", True)
    monkeypatch.setattr(pipeline, "PLAIN_MODEL_GATE", PLAIN_MODEL_GATE)
    records, keys = labelled_records("drawn36", 20000, 1)
    result = dedupe(records)

    report = result.report
    assert report.plain_model == "used" and result.model.plain_model is not None
    pooled, own = report.plain_model_expected
    assert own >= PLAIN_MODEL_GATE * pooled
    assert f"expects {own:,.0f} matches among them against the pooled model's" in str(report)
    truth = {r["record_id"]: k for r, k in zip(records, keys, strict=True)}
    precision, recall = pairwise(result.clusters, truth)
    assert 2 * precision * recall / (precision + recall) > 0.80, (precision, recall)


def test_a_saved_model_carries_the_plain_lists_own_model(tmp_path, monkeypatch) -> None:
    from muster.identity.internals import pipeline
    from muster.identity.internals.pipeline import dedupe_steps
    from muster.identity.internals.training import PLAIN_MODEL_GATE
    from muster.identity.internals.training import (
        PLAIN_MODEL_MATCHES_PER_RECORD as MATCHES_PER_RECORD,
    )
    from muster.scenario.presets import labelled_records

    records, _ = labelled_records("no_lineage", 3000, 3)
    # Off by default: not tried, nothing said of it.
    default = dedupe_steps(records)
    assert default.report.plain_model == "" and default.model.plain_model is None
    assert "a model of their own" not in str(default.report)
    monkeypatch.setattr(pipeline, "PLAIN_MODEL_LEARNT", True)
    # Here a model of the plain lists' pairs with the registry's expects about as many
    # matches as the pooled one: not used.
    first = dedupe_steps(records)
    assert np.array_equal(first.weight, default.weight)
    pooled, own = first.report.plain_model_expected
    assert first.report.plain_model == "not used" and first.model.plain_model is None
    assert 0 < own < PLAIN_MODEL_GATE * pooled
    assert "not used (below" in str(first.report)
    # With the gate open it is used, unless it expects more than a match for each of the
    # stratum's plain records (namesakes learnt as matches).
    monkeypatch.setattr(pipeline, "PLAIN_MODEL_GATE", 0.0)
    monkeypatch.setattr(pipeline, "PLAIN_MODEL_MATCHES_PER_RECORD", own / 2 / 3000)
    refused = dedupe_steps(records)
    assert refused.report.plain_model == "implausible" and refused.model.plain_model is None
    assert 0 < refused.report.plain_model_records <= 3000
    assert "it has learnt namesakes as matches, not used" in str(refused.report)
    assert np.array_equal(refused.weight, first.weight)
    monkeypatch.setattr(pipeline, "PLAIN_MODEL_MATCHES_PER_RECORD", MATCHES_PER_RECORD)
    # Used, a model saved then scores those pairs with it again.
    used = dedupe_steps(records)
    assert used.report.plain_model == "used" and used.model.plain_model is not None
    monkeypatch.undo()  # off again: a model given still scores with the model it carries
    path = tmp_path / "model.json"
    used.model.save(path)
    loaded = Model.load(path)
    assert loaded.plain_model == used.model.plain_model

    again = dedupe_steps(records, model=loaded)

    assert again.report.status == "given" and again.report.plain_model == "given"
    assert "scored by their own model, saved with the model given" in str(again.report)
    # Nor is the stratum's prior shift said to weigh them, as it does not.
    assert "beside one with them" not in str(again.report)
    assert "beside one with them" in str(first.report)
    assert np.array_equal(again.weight, used.weight)
    assert np.array_equal(again.labels, used.labels)
    # The same model without it weighs those pairs (and only those) otherwise.
    loaded.plain_model = None
    bare = dedupe_steps(records, model=loaded)
    plain = bare.prepared.frame["plain"].notna().to_numpy()
    stratum = plain[bare.arrays["rid_l"]] ^ plain[bare.arrays["rid_r"]]
    assert not np.allclose(bare.weight[stratum], used.weight[stratum])
    assert np.allclose(bare.weight[~stratum], used.weight[~stratum])


def test_the_report_names_weights_prior_rounds_pairs_and_guard(namesakes_4000) -> None:
    report = namesakes_4000.report
    text = str(report)
    assert text.startswith("model: trained")
    for part in ("candidate pairs", "per record", "prior", "EM from the shipped start",
                 "date_of_birth: disagree", "lineage (father, grandfather"):  # fmt: skip
        assert part in text, part
    data = report.to_dict()
    assert data["status"] == "trained" and data["weights"]["lineage"]["++++"] >= AGREEMENT_FLOOR
    # m learnt on the weighed pairs, then u and the prior on all: both stages' rounds.
    kept = next(s for s in data["starts"] if s["kept"])
    assert kept["rounds"] > 0 and kept["rounds_u_prior"] > 0, kept
    assert (
        f"{kept['rounds']} rounds for m, then {kept['rounds_u_prior']} for u and the prior" in text
    )


def test_the_prior_of_a_stratum_of_pairs_is_learnt_with_m_and_u_held() -> None:
    # Pairs drawn from the model's own m (matches) and u (non-matches), a share of them
    # matches: the shift makes the prior that share, whatever the pooled prior was.
    from muster.identity.internals.model import COMPARISONS
    from muster.identity.internals.training import stratum_prior_shift

    model = Model.default()
    rng = np.random.default_rng(1)
    for share in (0.3, 0.5, 0.8):
        n = 50_000
        match = rng.random(n) < share
        columns = []
        for name, k in COMPARISONS.items():
            m, u = np.asarray(model.m[name]), np.asarray(model.u[name])
            of_m, of_u = rng.choice(k, n, p=m / m.sum()), rng.choice(k, n, p=u / u.sum())
            columns.append(np.where(match, of_m, of_u))
        gamma = np.stack(columns, axis=1).astype(np.int8)
        learnt = np.log2(model.prior / (1 - model.prior)) + stratum_prior_shift(model, gamma)
        true = match[gamma[:, 0] != 0].mean()  # given names disagreeing are not learnt from
        assert abs(1 / (1 + 2**-learnt) - true) < 0.005
    assert stratum_prior_shift(model, gamma[:100]) == 0.0  # too few pairs: no shift
    # A stratum with fewer matches than the pool is not weighed down.
    assert stratum_prior_shift(model, gamma[~match][:5000]) == 0.0


def _pairs_of(model: Model, match: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Comparison levels drawn from the model's m where ``match``, else from its u."""
    columns = []
    for name, k in COMPARISONS.items():
        m, u = np.asarray(model.m[name]), np.asarray(model.u[name])
        n = len(match)
        of_m, of_u = rng.choice(k, n, p=m / m.sum()), rng.choice(k, n, p=u / u.sum())
        columns.append(np.where(match, of_m, of_u))
    return np.stack(columns, axis=1).astype(np.int8)


def test_plain_pairs_beside_a_registry_and_among_themselves_have_each_their_prior() -> None:
    # A plain list beside a registry: its pairs with registry records are its people found
    # there (a large share of matches), its pairs among themselves its own duplicates (few).
    # One shift for both, learnt mostly from the first, weighed the second's namesakes up as
    # if they were as often one person (no_lineage 200k: 9 % against 0.35 %).
    import pandas as pd

    from muster.identity.internals.prepare import Prepared
    from muster.identity.internals.training import ModelReport, plain_prior_shift

    model = Model.default()
    model.prior = 0.02
    rng = np.random.default_rng(3)
    # records 0-99 registry, 100-199 plain; pairs: registry-registry, plain-registry,
    # plain-plain, 20,000 of each
    n = 20_000
    left = np.concatenate([rng.integers(0, 100, n), rng.integers(100, 200, 2 * n)])
    right = np.concatenate([rng.integers(0, 100, 2 * n), rng.integers(100, 200, n)])
    share = np.repeat([0.02, 0.4, 0.005], n)
    gamma = _pairs_of(model, rng.random(3 * n) < share, rng)
    prepared = Prepared(pd.DataFrame({"plain": [None] * 100 + ["1"] * 100}), {})
    arrays = {"rid_l": left, "rid_r": right, "train": np.ones(3 * n, bool)}
    report = ModelReport(model, 200, 3 * n, "trained")

    strata = plain_prior_shift(prepared, arrays, gamma, model, report)

    assert strata is not None and len(strata) == 2
    (across, across_bits), (within, within_bits) = strata
    assert across[n : 2 * n].all() and not across[:n].any() and not across[2 * n :].any()
    assert within[2 * n :].all() and not within[: 2 * n].any()
    learnt = 1 / (1 + 2 ** -(np.log2(0.02 / 0.98) + across_bits))
    assert abs(learnt - 0.4) < 0.03
    assert within_bits == 0.0  # fewer matches than the pool: not weighed down, not up
    assert (model.plain_shift, model.plain_pair_shift) == (across_bits, within_bits)
    assert report.plain_pair_shift == within_bits and "of two without +0.00 bits" in str(report)


def test_a_match_class_whose_dates_mostly_differ_is_relatives_not_one_person() -> None:
    # The class EM learnt on no_lineage 1M with the pooling by sum m / sum u (bench/RESULTS.md,
    # "seventh session"): same family name, a given name of any spelling, 64 % of its matches one year
    # apart or of other dates in one year, sex as often different as among non-matches.  The
    # shipped model finds its pairs neither clearly the same nor clearly different, so the
    # two checks against it passed it (3.8 M pairs accepted on a million records, F1 0.67).
    shipped = Model.default()
    relatives = Model(dict(shipped.m), dict(shipped.u), 0.10)
    relatives.m["date_of_birth"] = [0.005, 0.644, 0.245, 0.022, 0.001, 0.083]
    relatives.m["sex"] = [0.082, 0.918]
    # date levels 1 (one year apart), 2 (same year) and 5 (exact); given name exact, family
    # name agreeing, nothing else known
    patterns = np.full((3, len(COMPARISONS)), -1, dtype=np.int8)
    names = list(COMPARISONS)
    patterns[:, names.index("given_name")] = 4
    patterns[:, names.index("lineage")] = 2 * 3  # family agrees, the rest missing ('..+.')
    patterns[:, names.index("date_of_birth")] = [1, 2, 5]
    counts = np.array([640, 250, 80])

    reason = _disagreement(relatives, shipped, patterns, counts)

    assert reason is not None and "relatives" in reason, reason
    assert _disagreement(shipped, shipped, patterns, counts) is None


def test_em_learns_that_some_matches_are_a_birth_year_apart_on_a_list_without_lineage() -> None:
    # A foreign authority's list (given, family, date of birth, town) whose years are now and
    # then one off: EM left alone learnt 5.6 % of the matches of one year or one apart a year
    # apart, and weighed such a pair at -2.5 bits here (on 200k, 0.7 % against the truth's
    # 7.8 %: -5 bits, the floor, where the truth's m gives -2.6 and F1 0.917 -> 0.927).
    records, _ = labelled_records("no_lineage", 5000, 1)
    model = dedupe(records).report.model
    m = model.m["date_of_birth"]

    assert m[1] / (m[1] + m[2]) > 0.08  # 0.1 times the 91 % of its pairs without lineage names
    weights = dict(
        zip(
            LEVEL_LABELS["date_of_birth"],
            model.weight_table()[list(COMPARISONS).index("date_of_birth"), 1:7],
            strict=True,
        )
    )
    assert weights["years_one_apart_or_other_date"] > -2.0, weights
    assert weights["same_year"] > weights["years_one_apart_or_other_date"] + 4.0, weights


def test_the_years_apart_share_is_raised_only_where_em_learnt_less() -> None:
    from muster.identity.internals.model import _years_apart_floor

    low = _years_apart_floor(np.array([0.0, 0.01, 0.6, 0.0, 0.01, 0.38]), 0.1)
    assert low[1] / (low[1] + low[2]) == pytest.approx(0.1)
    assert low.sum() == pytest.approx(1.0)
    assert low[5] / low[2] == pytest.approx(0.38 / 0.6)  # the other levels keep their ratios
    learnt = np.array([0.0, 0.2, 0.6, 0.0, 0.01, 0.19])
    assert _years_apart_floor(learnt, 0.1).tolist() == learnt.tolist()
    assert _years_apart_floor(np.array([0.0, 0.01, 0.6, 0.0, 0.01, 0.38]), 0.0)[1] == 0.01


def test_where_lineage_names_are_compared_em_keeps_the_few_matches_it_learnt_a_year_apart(
    namesakes_run,
) -> None:
    # Two desks register the children, the second writing the year only: one person's records
    # carry one year, and namesake cousins are a year or three apart.  The lineage names tell
    # EM's classes apart, and it rightly learns almost no match a year apart: the floor for
    # lists without lineage names must not lift it (precision 0.76 when it did).
    m = namesakes_run.report.model.m["date_of_birth"]
    assert m[1] / (m[1] + m[2]) < 0.03


def test_a_trained_model_whose_clusters_chain_namesakes_gives_way_to_the_fallback(
    monkeypatch,
) -> None:
    # drawn683 (presets.drawn_setting): a German office's list without lineage names beside an
    # Arabic register, a few given names (skew 1.42) and clans.  EM learnt given name, family and
    # year from any town as the match class (58 % of its matches from other towns) and the
    # plausibility checks passed it; its clusters put 11.7 % of the records in persons holding
    # three or more of one list, and did again trained across sources.  The shipped parameters
    # (the strata's priors learnt) put 0.5 % there: they score the run (bench/RESULTS.md,
    # "thirty-third session").  The bound on the matches a trained model expects now holds this
    # model halfway toward the shipped one first (it expects 1.6 times theirs; F1 0.8295 ->
    # 0.8370, "forty-third session"), and the lineage's u held at the random pairs' keeps EM
    # from that class (model.U_RANDOM_FLOOR: trained, 0.8344, "forty-fourth session"); both
    # lifted here, the crowding stays the backstop.
    from muster.identity.internals import model, pipeline, training

    monkeypatch.setattr(training, "MAX_EXPECTED_OVER_SHIPPED", float("inf"))
    monkeypatch.setattr(model, "U_RANDOM_FLOOR", False)
    records, keys = labelled_records("drawn683", 20000, 1)
    truth = {r["record_id"]: k for r, k in zip(records, keys, strict=True)}

    result = dedupe(records)

    report = result.report
    assert report.status == "fell back" and report.reason == "shipped parameters"
    assert "the trained model was not used" in report.warnings[0], report.warnings
    assert report.starts and report.starts[0]["problem"] is None  # what EM learnt is still told
    assert report.crowded_records < 0.01 * len(records)
    fallback, recall = pairwise(result.clusters, truth)
    assert 2 * fallback * recall / (fallback + recall) > 0.75, (fallback, recall)
    # Without it the model expects more matches between the two lists than the German office's
    # list holds records, and gives way to the fallback on that (pipeline.over_capacity) ...
    monkeypatch.setattr(pipeline, "_fell_back", lambda trained, fallback, records: trained)
    result = dedupe(records)
    assert result.report.status == "fell back"
    assert "records of the smaller list" in result.report.warnings[0], result.report.warnings
    # ... and without both the trained model's namesakes stay joined.
    monkeypatch.setattr(pipeline, "SOURCE_CAPACITY", False)
    result = dedupe(records)
    assert result.report.status == "trained"
    precision, recall = pairwise(result.clusters, truth)
    assert precision < fallback - 0.1, (precision, fallback)


def test_pairs_of_one_source_learn_their_own_lower_prior() -> None:
    # A registration list rarely holds one person twice: most duplicates pair records of two
    # lists, most candidate pairs within one large list are its namesakes.  The pairs within
    # one source learn their own prior, with the plain strata's bits held; only down.
    import pandas as pd

    from muster.identity.internals.training import (
        ModelReport,
        source_codes,
        source_prior_shift,
    )

    model = Model.default()
    model.prior = 0.02
    rng = np.random.default_rng(5)
    # records 0-99 of the reception's list, 100-149 of a camp's, 150-199 of no known source;
    # pairs within the reception's list, across the two lists, with an unknown source
    n = 20_000
    left = np.concatenate([rng.integers(0, 100, 2 * n), rng.integers(150, 200, n)])
    right = np.concatenate([rng.integers(0, 100, n), rng.integers(100, 150, n), rng.integers(0, 150, n)])  # fmt: skip
    share = np.repeat([0.002, 0.3, 0.05], n)
    gamma = _pairs_of(model, rng.random(3 * n) < share, rng)
    frame = pd.DataFrame({"source": ["reception"] * 100 + [" camp"] * 50 + [""] * 50})
    source = source_codes(frame)
    assert (source[:100] == source[0]).all() and (source[100:150] != source[0]).all()
    assert (source[150:] == -1).all()
    arrays = {"rid_l": left, "rid_r": right, "train": np.ones(3 * n, bool)}
    report = ModelReport(model, 200, 3 * n, "trained")

    strata = source_prior_shift(source, arrays, gamma, model, report, None)

    assert strata is not None and len(strata) == 1
    ((same, bits),) = strata
    assert same[:n].all() and not same[n:].any()
    learnt = 1 / (1 + 2 ** -(np.log2(0.02 / 0.98) + bits))
    assert bits < -2 and abs(learnt - 0.002) < 0.002
    assert model.same_source_shift == bits and report.same_source_shift == bits
    assert "of one source" in str(report)
    # Saved with the model; a model saved before loads without it.
    assert Model.from_json(model.to_json()).same_source_shift == bits
    data = json.loads(model.to_json())
    del data["same_source_shift"]
    assert Model.from_json(json.dumps(data)).same_source_shift == 0.0
    with pytest.raises(ModelFileError, match="same_source_shift"):
        Model.from_json(json.dumps({**data, "same_source_shift": 1.0}))
    # A list that holds its people twice more often than the pool is not weighed up.
    share = np.repeat([0.3, 0.002, 0.05], n)
    gamma = _pairs_of(model, rng.random(3 * n) < share, rng)
    assert source_prior_shift(source, arrays, gamma, model, report, None)[0][1] == 0.0
    # One list (a single source): nothing to weigh apart.
    assert source_prior_shift(np.zeros(200, np.int32), arrays, gamma, model, report, None) is None
    # A model given (not trained) keeps its shift for a list of two sources, not for one.
    model.same_source_shift = -3.0
    given = ModelReport(model, 200, 3 * n, "given")
    assert source_prior_shift(source, arrays, gamma, model, given, None)[0][1] == -3.0
    assert source_prior_shift(np.zeros(200, np.int8), arrays, gamma, model, given, None) is None


def test_pairs_of_one_source_match_no_more_often_than_its_clear_pairs_say(monkeypatch) -> None:
    # drawn1636 20k (bench/RESULTS.md, "forty-fifth session"): the model overweighed one list's
    # namesakes (a checkpoint's given and father's names and a year), and EM on the stratum's
    # prior alone, which follows those weights, expected 1,260 matches within the list where 135
    # were.  The share of clear pairs within one source against across sources says how much
    # rarer matches are there; the stratum's prior is lowered until the model agrees.
    import pandas as pd

    from muster.identity.internals import training
    from muster.identity.internals.training import ModelReport, source_codes, source_prior_shift

    names = list(COMPARISONS)
    namesake_row = np.full(len(names), -1, np.int8)
    for name, level in (("given_name", 4), ("lineage", 2 * 27 + 2 * 9), ("date_of_birth", 2),
                        ("sex", 1)):  # fmt: skip
        namesake_row[names.index(name)] = level
    rng = np.random.default_rng(7)
    n = 20_000
    # Pairs within a reception's list (0.2 % one person, 5 % namesakes whom the model weighs as
    # likely as not one person) and across it and a camp's (30 % one person).
    left = np.concatenate([rng.integers(0, 100, n), rng.integers(0, 100, n)])
    right = np.concatenate([rng.integers(0, 100, n), rng.integers(100, 200, n)])
    match = np.concatenate([rng.random(n) < 0.002, rng.random(n) < 0.3])
    gamma = _pairs_of(Model.default(), match, rng)
    namesake = np.zeros(2 * n, bool)
    namesake[:n] = ~match[:n] & (rng.random(n) < 0.05)
    gamma[namesake] = namesake_row
    source = source_codes(pd.DataFrame({"source": ["reception"] * 100 + ["camp"] * 100}))
    arrays = {"rid_l": left, "rid_r": right, "train": np.ones(2 * n, bool)}

    report = None

    def scored() -> tuple[float, np.ndarray]:
        nonlocal report
        model = Model.default()
        model.prior = 0.02
        report = ModelReport(model, 200, 2 * n, "trained")
        ((same, bits),) = source_prior_shift(source, arrays, gamma, model, report, None)
        return bits, model.match_weight(gamma) + np.where(same, bits, 0.0)

    monkeypatch.setattr(training, "SAME_SOURCE_CLEAR_RATIO", False)
    learnt, weight = scored()
    accepted = weight >= np.log2(0.3 / 0.7)
    within_true = int(match[:n].sum())
    # EM on the prior alone: the namesakes look like matches, and are taken for them.
    assert learnt == 0.0 and (accepted & namesake).sum() > 500
    monkeypatch.setattr(training, "SAME_SOURCE_CLEAR_RATIO", True)
    bits, weight = scored()
    accepted = weight >= np.log2(0.3 / 0.7)
    expected = (1 / (1 + np.exp2(-weight[:n]))).sum()
    assert bits < -5.0 and expected < 2 * within_true, (bits, expected)
    assert (accepted & namesake).sum() < 50
    assert (accepted[:n] & match[:n]).sum() >= 0.8 * within_true
    # The report says what EM learnt and why it was lowered.
    assert report.same_source_em == 0.0 and report.to_dict()["same_source_em"] == 0.0
    assert "EM on it alone learnt +0.00, lowered to the share of clear pairs" in str(report)
    assert report.same_source_lowered and not report.same_source_floor
    assert "held at the floor" not in str(report)
    # Too few clear pairs within the list to read a share from: as EM learnt it.
    monkeypatch.setattr(training, "SAME_SOURCE_CLEAR_MIN_PAIRS", 10**6)
    assert scored()[0] == learnt


def test_a_clear_pair_within_one_source_is_never_rejected_on_its_lists_prior_alone(
    monkeypatch,
) -> None:
    # drawn307 200k (bench/RESULTS.md, "forty-fifth session"): EM on the prior of pairs within one
    # source alone learnt -11.75 bits, and two records of one list weighing 10 bits were
    # rejected on that alone.  The shift stops where a pair of SAME_SOURCE_CLEAR_WEIGHT bits
    # before it is still accepted at deduplication's threshold.
    import pandas as pd

    from muster.identity.internals import training
    from muster.identity.internals.pipeline import DEDUPE_THRESHOLD
    from muster.identity.internals.training import ModelReport, source_codes, source_prior_shift

    floor = training.SAME_SOURCE_SHIFT_FLOOR
    threshold = np.log2(DEDUPE_THRESHOLD / (1 - DEDUPE_THRESHOLD))
    assert training.SAME_SOURCE_CLEAR_WEIGHT + floor == pytest.approx(threshold)
    rng = np.random.default_rng(11)
    n = 20_000
    # A list whose 20,000 pairs within hold no one twice, beside a camp's (30 % one person).
    left = np.concatenate([rng.integers(0, 100, n), rng.integers(0, 100, n)])
    right = np.concatenate([rng.integers(0, 100, n), rng.integers(100, 200, n)])
    match = np.concatenate([np.zeros(n, bool), rng.random(n) < 0.3])
    gamma = _pairs_of(Model.default(), match, rng)
    source = source_codes(pd.DataFrame({"source": ["reception"] * 100 + ["camp"] * 100}))
    arrays = {"rid_l": left, "rid_r": right, "train": np.ones(2 * n, bool)}

    reports = []

    def shift() -> float:
        model = Model.default()
        model.prior = 0.02
        reports.append(ModelReport(model, 200, 2 * n, "trained"))
        return source_prior_shift(source, arrays, gamma, model, reports[-1], None)[0][1]

    assert shift() == pytest.approx(floor)
    held = reports[-1]
    monkeypatch.setattr(training, "SAME_SOURCE_SHIFT_FLOOR", -60.0)
    learnt = shift()
    assert learnt < floor - 1.0  # what EM on the prior alone learns here
    # The report says the floor held it, and what EM alone had learnt: not that it is the prior
    # learnt on those pairs.
    assert held.same_source_floor and held.same_source_em == pytest.approx(learnt)
    line = next(x for x in str(held).splitlines() if x.startswith("pairs of two records of one"))
    assert f"EM on it alone learnt {learnt:+.2f}" in line and "held at the floor" in line
    assert held.to_dict()["same_source_floor"] is True
    assert not reports[-1].same_source_floor and reports[-1].same_source_em is None


def test_a_run_that_falls_back_still_learns_the_priors_of_its_strata() -> None:
    # Two lists of plain records (given, family, date, town) of clans whose children bear the
    # same few names, most persons in the first list once and a few in the second: no EM start
    # is plausible, and the shipped parameters score the run. Their prior is the project's
    # share of matches; pairs within the first list are namesakes nearly always, and scored with
    # it alone they were merged by the thousand (precision 0.19). The prior of pairs within one
    # source is learnt on the records as in a trained run.
    from dataclasses import replace

    from muster.scenario.presets import Setting, labelled_records
    from muster.scenario.shape import PopulationShape
    from muster.scenario.sources import SOURCES

    styles = {
        "passports": replace(SOURCES["reception"], name="passports", lineage=False,
                             respell="russian", p_styled=0.6, p_date_missing=0.07),
        "office": replace(SOURCES["reception"], name="office", lineage=False, respell="german",
                          p_styled=0.7, p_jan1=0.48, p_year_shift=0.1),
    }  # fmt: skip
    shape = PopulationShape(name_skew=0.97, nationality_mix=(0.26, 0.57, 0.17),
                            first_son_after_grandfather=0.27, clan_share=0.6,
                            fashion_children=0.7)  # fmt: skip
    setting = Setting("plain_clans", "", {"passports": 0.92, "office": 0.06}, shape, styles,
                      duplicates_within_source=0.0087)  # fmt: skip
    records, truth = labelled_records(setting, 10_000, 3)
    result = dedupe(records)

    report = result.report
    assert report.status == "fell back" and len(report.warnings) >= 1
    assert "implausible model" in report.warnings[0]
    # The parameters it falls back to were not learnt on these records either (drawn56 at 1M,
    # bench/RESULTS.md "nineteenth session": fell back, precision 0.17): the warning says so.
    assert "check a sample of the pairs" in report.warnings[0]
    assert report.same_source_shift < -5.0
    person = {r["record_id"]: t for r, t in zip(records, truth, strict=True)}
    precision, recall = pairwise(result.clusters, person)
    assert precision > 0.85 and recall > 0.6, (precision, recall)
    # The shipped parameters themselves are left as shipped.
    assert Model.default().same_source_shift == 0.0 and result.model is not Model.default()


def test_a_trained_model_weighs_each_level_at_most_halfway_toward_the_shipped_one(
    namesakes, namesakes_4000, monkeypatch, tmp_path
) -> None:
    # EM on one population's pairs learns some of its namesakes as matches (populations drawn
    # at random, 200k: a prior twice the true share); each level weighs the lesser of EM's
    # weight and that weight taken halfway toward the shipped one, the share scaled by the
    # pairs whose records carry lineage names.  Never more than EM's: on this population of
    # namesakes EM is right, and the shipped lineage weights would accept namesakes.
    from muster.identity.internals import training

    records, truth = namesakes
    result = namesakes_4000
    hedged = result.report
    share, start = hedged.toward_start
    assert start == "shipped" and 0.25 < share <= training.TOWARD_SHIPPED
    assert f"taken {share:.0%} of the way toward the shipped" in str(hedged)
    assert hedged.model.trained_on["toward_start"] == round(share, 3)
    assert hedged.to_dict()["toward_start"] == round(share, 3)
    assert hedged.model.sceptic is not None

    monkeypatch.setattr(training, "TOWARD_SHIPPED", 0.0)
    alone = dedupe(records[:4000])
    assert alone.report.toward_start[0] == 0.0 and alone.report.model.sceptic is None
    assert "of the way" not in str(alone.report)
    mine, own = hedged.model.weight_table(), alone.report.model.weight_table()
    assert (mine <= own + 1e-9).all() and (mine < own - 0.1).any()
    assert hedged.model.prior == alone.report.model.prior  # the population's own share
    # The sceptic is part of the model: saved and loaded, it scores as the run did.
    path = tmp_path / "model.json"
    hedged.model.save(path)
    assert (Model.load(path).weight_table() == mine).all()
    # And never more than EM's: the duplicates found are as precise.
    assert pairwise(result.clusters, truth)[0] >= pairwise(alone.clusters, truth)[0]


def test_the_shipped_model_does_not_hold_a_date_typed_wrong_in_one_part_impossible() -> None:
    # The shipped parameters were learnt on a population whose full dates carried no one-part
    # typo (a day, a month, or a year typed one off): m 2.7e-11, -27 bits.  Its constraints
    # weighed that level as the one below (years one apart), but a trained model's sceptic,
    # taken toward the shipped m in log odds, was dragged toward the -27 bits: on lists where
    # a year typed one off is common (no_lineage 200k: 2.5 % of the matches among candidates)
    # the level EM learnt at +1.9 bits weighed -3.1.  The shipped m is now the level below's
    # ratio, taken from the exact date's (a typo is an exact date typed wrong).
    from muster.identity.internals.training import _toward

    shipped = Model.default()
    m, u = np.asarray(shipped.m["date_of_birth"]), np.asarray(shipped.u["date_of_birth"])
    assert abs(np.log2(m[3] / u[3]) - np.log2(m[1] / u[1])) < 1e-9
    assert abs(m.sum() - 1.0) < 1e-9
    # the fallback weighs the level as it did, pooled with the one below
    weights = shipped.weight_table()[list(shipped.m).index("date_of_birth")]
    assert abs(weights[1 + 3] - weights[1 + 1]) < 0.02
    # a trained model that learnt the level at about +1.9 bits keeps it above 0 in its sceptic
    trained = Model(dict(shipped.m), dict(shipped.u), shipped.prior)
    learnt = [0.0001, 0.0413, 0.5459, 0.0263, 0.0066, 0.3798]
    trained.m = {**trained.m, "date_of_birth": learnt}
    trained.u = {**trained.u, "date_of_birth": [0.3558, 0.4699, 0.1618, 0.0070, 0.0001, 0.0054]}
    sceptic = _toward(trained, shipped, 0.15)
    assert sceptic is not None
    typo_m, typo_u = sceptic["m"]["date_of_birth"][3], sceptic["u"]["date_of_birth"][3]
    assert np.log2(typo_m / typo_u) > 0.5, (typo_m, typo_u)


def test_a_list_without_lineage_names_keeps_the_weights_em_learnt(monkeypatch) -> None:
    # The shipped model was learnt on registers that carry father's, grandfather's and
    # mother's names; a list without them (FEBRL's: given, family, date, town) has errors it
    # does not know (a typo'd day of birth), and EM's weights are kept as they are.
    from muster.identity.internals import pipeline
    from muster.scenario.presets import labelled_records

    # The trained run, whose clusters are crowded here (the fallback that then scores it: test_a_trained_model_whose_clusters_chain_namesakes_gives_way_to_the_fallback).
    monkeypatch.setattr(pipeline, "_fell_back", lambda trained, fallback, records: trained)

    records, _ = labelled_records("project", 4000, 1)
    plain = [
        {k: v for k, v in r.items() if k not in ("father_name", "grandfather_name", "mother_name")}
        for r in records
    ]
    report = dedupe(plain).report
    assert report.status == "trained"
    assert report.toward_start[0] == 0.0 and "of the way" not in str(report)


def test_em_learns_m_from_the_pairs_as_weighed_and_u_and_the_prior_from_all(
    namesakes, namesake_levels
) -> None:
    # m is learnt with each candidate pair weighed by density_weights (a record among many
    # namesakes has many candidate pairs, at most a few of them its duplicates), then held
    # while u and the prior are learnt on every pair.  Weighed by the truth here (duplicates
    # 1, the rest nearly 0), what EM learns for m is the duplicates' own mix, and the prior is
    # still the share of duplicates among all candidate pairs.
    records, truth = namesakes
    prepared, arrays, gamma, random_gamma = namesake_levels
    people = np.array([truth[r] for r in prepared["record_id"]])
    same = people[arrays["rid_l"]] == people[arrays["rid_r"]]
    keep = gamma[:, 0] != 0  # EM does not learn from pairs whose given names disagree
    dates = gamma[same & keep, list(COMPARISONS).index("date_of_birth")]
    true_m = np.bincount(dates[dates >= 0], minlength=6) / (dates >= 0).sum()

    oracle = np.where(same, 1.0, 1e-6)
    weighed, report = guarded_training(random_gamma, gamma, len(records), None, True, oracle)
    alike, plain = guarded_training(random_gamma, gamma, len(records), None, True)

    assert report.status == "trained" and report.density_weighted and not plain.density_weighted
    assert "weighed 1 / the candidate pairs of the busier" in str(report)
    assert report.to_dict()["density_weighted"] is True
    learnt = np.asarray(weighed.m["date_of_birth"])
    assert np.abs(learnt - true_m).max() < 0.02, (learnt, true_m)
    assert np.abs(np.asarray(alike.m["date_of_birth"]) - true_m).max() > 0.02
    share = same[keep].mean()
    assert share / 1.5 < weighed.prior < share * 1.5, (weighed.prior, share)


def test_each_pair_weighs_one_over_the_candidate_pairs_of_its_busier_record() -> None:
    from muster.identity.internals.training import density_weights

    # one list: record 0 has three candidate pairs, 1 and 2 two each, 3 one
    left, right = np.array([0, 0, 0, 1]), np.array([1, 2, 3, 2])
    weights = density_weights(left, right, one_list=True)
    assert np.allclose(weights, [1 / 3, 1 / 3, 1 / 3, 1 / 2])
    # two lists: the left's record 0 and the right's record 0 are other records
    weights = density_weights(np.array([0, 0, 1]), np.array([0, 1, 1]), one_list=False)
    assert np.allclose(weights, [1 / 2, 1 / 2, 1 / 2])
    weights = density_weights(np.array([0, 1]), np.array([0, 1]), one_list=False)
    assert np.allclose(weights, [1, 1])
    assert density_weights(np.array([], dtype=int), np.array([], dtype=int), True).size == 0


def test_persons_holding_three_records_of_one_source_are_counted_and_many_of_them_warn(
    monkeypatch,
) -> None:
    """A list rarely registers one person three times: where more than 1 % of the records are
    in persons that do, the clusters have chained namesakes, and the run says so (a checkpoint
    list of many nationalities spelled by ear, drawn56: precision 0.26 at 20k, 0.17 at 1M,
    bench/RESULTS.md "nineteenth session").  It changes no cluster."""
    from muster.identity.internals import pipeline
    from muster.identity.internals.pipeline import CROWDED_SHARE, crowded_records
    from muster.identity.internals.training import ModelReport
    from muster.scenario.presets import labelled_records

    def report() -> ModelReport:
        return ModelReport(Model.default(), 0, 0, "trained")

    # Person 0 holds three records of source 1 and one of source 2; person 5 two of source 1;
    # person 7 three of an unknown source.
    labels = np.array([0, 0, 0, 0, 5, 5, 7, 7, 7])
    sources = np.array([1, 1, 1, 2, 1, 1, -1, -1, -1])
    counted = report()
    crowded_records(labels, sources, counted)
    assert (counted.crowded_records, counted.crowded_persons) == (3, 1)
    assert counted.warnings[0].startswith("33.3% of the records (3) are in persons holding three")
    assert "(1 such persons)" in counted.warnings[0]
    quiet = report()
    crowded_records(np.arange(400) // 2, np.arange(400) % 2, quiet)
    assert quiet.crowded_records == 0 and not quiet.warnings
    # One list on its own (FEBRL: one file, up to nine records of a person) is not counted.
    single = report()
    crowded_records(np.arange(400) // 4, np.zeros(400, dtype=np.int8), single)
    assert single.crowded_records == 0 and not single.warnings
    assert CROWDED_SHARE == 0.01

    # The trained run's clusters, whose clusters are crowded here (the fallback that then scores it: test_a_trained_model_whose_clusters_chain_namesakes_gives_way_to_the_fallback).
    monkeypatch.setattr(pipeline, "_fell_back", lambda trained, fallback, records: trained)
    records, truth = labelled_records("drawn56", 5_000, 1)
    result = dedupe(records)
    share = result.report.crowded_records / len(records)
    assert share > CROWDED_SHARE and result.report.to_dict()["crowded_persons"] > 10
    assert any("three or more records of one source" in w for w in result.report.warnings)
    # A population whose clusters hold one person's registrations, not namesakes: no warning.
    records, truth = labelled_records("project", 5_000, 1)
    result = dedupe(records)
    assert result.report.crowded_records == 0
    assert not any("one source" in w for w in result.report.warnings)


def test_clusters_crowded_with_one_lists_namesakes_are_trained_again_across_sources(
    monkeypatch,
) -> None:
    """A model that learnt one list's namesakes as matches puts them in one person, several of
    one list at a time (the crowded-source count above).  Then the run trains again on the
    pairs across sources only, where one list's namesakes are not among the candidates, and
    keeps that model when its clusters are less crowded, saying so (a checkpoint list of a
    camp's and an NGO's population, drawn33: bench/RESULTS.md, "twentieth session").  Without
    it the first model is kept: fewer persons found right."""
    from muster.identity.internals import model, pipeline, training
    from muster.scenario.presets import labelled_records

    # The bound on the matches a trained model expects (1.8 times the shipped model's here)
    # would hold the first model toward the shipped one, and its clusters would not be crowded;
    # lifted, to reach the retraining behind it, as is the lineage's u held at the random pairs'
    # (model.U_RANDOM_FLOOR), with which the first model's crowded records are not quite twice
    # the retrained one's (65 and 33).
    monkeypatch.setattr(training, "MAX_EXPECTED_OVER_SHIPPED", float("inf"))
    monkeypatch.setattr(model, "U_RANDOM_FLOOR", False)
    # So is the bound on the matches between two lists (the smaller's records), which the first
    # model is over here and which would score the run with the fallback.
    monkeypatch.setattr(pipeline, "SOURCE_CAPACITY", False)

    # The trained run, whose clusters are crowded here (the fallback that then scores it: test_a_trained_model_whose_clusters_chain_namesakes_gives_way_to_the_fallback).
    monkeypatch.setattr(pipeline, "_fell_back", lambda trained, fallback, records: trained)
    records, person = labelled_records("drawn33", 5_000, 1)
    truth = {r["record_id"]: p for r, p in zip(records, person, strict=True)}

    result = dedupe(records)
    report = result.report
    assert report.retrained_across_sources
    assert report.first_crowded_records > 2 * report.crowded_records
    assert report.warnings[0].startswith("the model first learnt on every candidate pair put")
    assert "that model was kept" in report.warnings[0]
    assert report.to_dict()["retrained_across_sources"] is True
    # The first model's warnings stay in the report, marked as the first model's.
    firsts = [w for w in report.warnings if w.startswith("the first model (not kept): ")]
    assert any("three or more records of one source" in w for w in firsts), report.warnings
    # The run was crowded: no person holds more than two records of one source.
    assert report.source_cap_persons > 0
    assert "no person was left holding more than 2 records" in report.warnings[-1]
    source = {r["record_id"]: r["source"] for r in records}
    held: dict[tuple[str, str], int] = {}
    for rid, cluster in result.clusters.items():
        held[cluster, source[rid]] = held.get((cluster, source[rid]), 0) + 1
    assert max(held.values()) == 2
    retried = pairwise(result.clusters, truth)

    monkeypatch.setattr(pipeline, "_crowded", lambda fit: False)
    first = dedupe(records)
    assert not first.report.retrained_across_sources and not first.report.source_cap_persons
    assert first.report.crowded_records == report.first_crowded_records
    once = pairwise(first.clusters, truth)
    assert retried[0] > once[0] + 0.05  # precision: fewer namesakes joined
    f1 = [2 * p * r / (p + r) for p, r in (retried, once)]
    assert f1[0] > f1[1] + 0.05, f1

    # Trained again and no less crowded: the first model stays, and the report says so.
    from muster.identity.internals.training import ModelReport

    def fit(crowded: int) -> pipeline._Fit:
        report = ModelReport(Model.default(), 1_000, 0, "trained")
        report.crowded_records = crowded
        return pipeline._Fit(report.model, report, [], None, np.zeros(0), np.arange(1_000))

    one, two = fit(30), fit(30)
    assert pipeline._retried(one, two, 1_000) is one
    assert not one[1].retrained_across_sources
    assert "no less crowded (3.0% of the records against 3.0%)" in one[1].warnings[-1]


def test_a_cluster_holds_at_most_two_records_of_one_source_when_sources_are_given() -> None:
    """Four records of one list chained by accepted pairs, and a record of another list: with
    the sources given, the best pairs merge until a third record of the list would join."""
    from muster.identity.internals.cluster import SOURCE_CAP, guarded_clusters

    a, b = np.array([0, 1, 2, 0]), np.array([1, 2, 3, 4])
    score = np.array([9.0, 8.0, 7.0, 6.0])
    never = lambda i, j: False  # noqa: E731
    assert guarded_clusters(5, a, b, score, never).tolist() == [0] * 5
    sources = np.array([0, 0, 0, 0, 1])
    assert SOURCE_CAP == 2
    assert guarded_clusters(5, a, b, score, never, None, sources).tolist() == [0, 0, 2, 2, 0]
    # Records of unknown source (-1) are not counted.
    unknown = np.full(5, -1)
    assert guarded_clusters(5, a, b, score, never, None, unknown).tolist() == [0] * 5


def test_a_record_of_another_list_does_not_join_one_lists_namesakes() -> None:
    # drawn866 (presets.drawn_setting): a foreign authority's list of given name, family name
    # and year (most persons once) beside a by-ear list and a checkpoint's list.  A record of one
    # list accepted with two namesakes of another put them in one person: 52 pairs of one
    # list's records of two persons in one cluster at 5k, 9 with the same-source conflict
    # (pipeline.SAME_SOURCE_CONFLICT; precision 0.91 -> 0.96, recall 0.79 -> 0.78).
    records, keys = labelled_records("drawn866", 5000, 1)
    truth = {r["record_id"]: k for r, k in zip(records, keys, strict=True)}
    source = {r["record_id"]: r["source"] for r in records}
    clusters = dedupe(records).clusters
    members: dict[str, list[str]] = {}
    for rid, cluster in clusters.items():
        members.setdefault(cluster, []).append(rid)
    namesakes = sum(
        1
        for rids in members.values()
        for i, a in enumerate(rids)
        for b in rids[i + 1 :]
        if source[a] == source[b] and truth[a] != truth[b]
    )
    assert namesakes <= 15
    precision, recall = pairwise(clusters, truth)
    assert precision > 0.94 and recall > 0.75


def test_a_list_of_one_source_clusters_as_a_list_without_sources() -> None:
    # Two records of one list are kept apart through others only where that list's pairs were
    # weighed with its own prior (pipeline._one_list_priced): a list of one source has none,
    # and its typo'd duplicates found through a third record are one person (FEBRL 2 and 3 lost
    # 0.05 of F1 without this).  Its clusters are those of the same list without sources.
    records, _ = labelled_records("project", 3000, 4)
    one = [{**r, "source": "one list"} for r in records]
    none = [{k: v for k, v in r.items() if k != "source"} for r in records]

    def persons(clusters: dict[str, str]) -> set[frozenset[str]]:
        members: dict[str, set[str]] = {}
        for rid, cluster in clusters.items():
            members.setdefault(cluster, set()).add(rid)
        return {frozenset(m) for m in members.values()}

    assert persons(dedupe(one).clusters) == persons(dedupe(none).clusters)


def test_a_lists_drop_down_default_is_found_and_a_list_of_one_nationality_is_not() -> None:
    """A careless list fills in SYR for 45 % of its records (its other values in the others'
    mix): its SYR records are taken for the default.  A foreign authority's list of its own
    nationals (all FRA) and a list with somewhat more SYR than the others are not, nor is
    anything in a population of one list."""
    from muster.identity.internals.training import default_values

    rng = np.random.default_rng(11)
    mix = (["SYR"] * 15 + ["IRQ"] * 25 + ["TUN"] * 10 + ["RUS"] * 10 + ["TUR"] * 10
           + ["FRA"] * 10 + ["DEU"] * 10 + ["EGY"] * 10)  # fmt: skip

    def draw(n: int, default: float = 0.0, value: str = "SYR") -> list[object]:
        out = [str(v) for v in rng.choice(mix, n)]
        return [value if rng.random() < default else v for v in out]

    lists = {
        "register": draw(600),
        "camp": draw(500),
        "careless": draw(500, 0.45),
        "somewhat_more": draw(500, 0.1),
        "french_authority": ["FRA"] * 300,
    }
    codes = {name: i for i, name in enumerate(lists)}
    source = np.concatenate([np.full(len(v), codes[k]) for k, v in lists.items()])
    values = np.array([v for vals in lists.values() for v in vals] + [None] * 50, dtype=object)
    source = np.concatenate([source, np.full(50, codes["careless"])])  # no nationality

    flagged = default_values(source, values)

    careless = source == codes["careless"]
    assert (flagged == (careless & (values == "SYR"))).all()
    assert flagged.sum() > 200
    # One list alone: nothing to compare it with.
    assert not default_values(np.zeros(len(values), np.int8), values).any()
    # Unknown sources are never flagged.
    assert not default_values(np.where(careless, -1, source), values)[careless].any()


def _careless_list_steps(default: float, careless: float, records: int):
    """``dedupe_steps`` on a register and a careless list without lineage names whose form
    fills in SYR on a share ``default`` of its records (``careless``: the list's share)."""
    from muster.identity.internals.pipeline import dedupe_steps
    from muster.scenario.presets import Setting, _style

    setting = Setting(
        "defaults", "a list whose form fills in SYR", {"register": 0.9, "careless": careless},
        styles={
            "register": _style("reception", "register", lineage=False),
            "careless": _style("reception", "careless", lineage=False,
                               p_nationality_default=default, p_year_only=0.8),
        },
    )  # fmt: skip
    return dedupe_steps(labelled_records(setting, records, 3)[0])


def test_a_nationality_that_is_its_lists_default_is_not_compared_and_the_report_says_so() -> None:
    """A register and a careless list without lineage names whose form fills in SYR for half
    its records: every candidate pair with such a record compares no nationality (a default
    says nothing of the person), pairs with the careless list's other values still do, and the
    report names the list, the value and its records."""
    import pandas as pd

    steps = _careless_list_steps(default=0.5, careless=0.7, records=3000)

    source = steps.frame["source"].to_numpy()
    nationality = steps.prepared["nationality"].to_numpy(dtype=object)
    default = (source == "careless") & (nationality == "SYR")
    assert steps.report.defaults == {"careless: SYR": int(default.sum())}
    assert "careless: SYR" in str(steps.report)
    left, right = steps.arrays["rid_l"], steps.arrays["rid_r"]
    level = steps.arrays["lv_nationality"]
    with_default = default[left] | default[right]
    assert with_default.sum() > 100 and (level[with_default] == -1).all()
    known = pd.notna(nationality)
    both_known = ~with_default & known[left] & known[right]
    disagree = both_known & (nationality[left] != nationality[right])
    assert disagree.sum() > 10 and (level[disagree] == 0).all()


def test_a_nationality_that_may_be_its_lists_default_is_weighed_by_those_odds() -> None:
    """A careless list whose form fills in SYR for a fifth of its records, in a population a
    third SYR: a record of SYR there is the default with odds of about 0.43, too low to leave
    its nationality uncompared (``DEFAULT_MIN_ODDS``) and too high to let a disagreement weigh
    its full -3 bits (drawn1972 20k lost such pairs whose given and family names and year
    agreed).  Compared, and weighed as a mixture: a disagreement beside such a record weighs
    log2(q + (1 - q) 2^w); the report names the list, the value and the odds."""
    from muster.identity.internals.training import DEFAULT_MIN_ODDS

    steps = _careless_list_steps(default=0.25, careless=0.9, records=4000)

    source = steps.frame["source"].to_numpy()
    nationality = steps.prepared["nationality"].to_numpy(dtype=object)
    likely = (source == "careless") & (nationality == "SYR")
    assert steps.report.defaults == {}
    ((what, count),) = steps.report.likely_defaults.items()
    assert what.startswith("careless: SYR (odds 0.") and count == int(likely.sum()), what
    odds = float(what.split("odds ")[1].rstrip(")"))
    assert 0.2 < odds < DEFAULT_MIN_ODDS
    assert "may be a list's default" in str(steps.report)

    # Every pair whose nationality disagrees beside such a record weighs more than the model
    # alone says, by the mixture's bits; no other pair is moved by it.
    left, right = steps.arrays["rid_l"], steps.arrays["rid_r"]
    level = steps.arrays["lv_nationality"]
    beside = (likely[left] | likely[right]) & (level >= 0)
    disagree = beside & (level == 0)
    assert disagree.sum() > 20
    ((mask, bits),) = [
        (m, b) for m, b in steps.shift if isinstance(b, np.ndarray) and (m == beside).all()
    ]
    w = steps.model.weight_table()[list(COMPARISONS).index("nationality"), 1]
    assert w < -1
    both = likely[left] & likely[right]
    one = disagree[mask] & ~both[mask]
    # The odds themselves, not the report's two decimals (0.005 of odds is 0.017 bits here).
    from muster.identity.internals.training import default_odds, source_codes

    exact = default_odds(source_codes(steps.frame), nationality)[likely]
    assert np.allclose(exact, exact[0]) and abs(exact[0] - odds) <= 0.005
    odds = float(exact[0])
    expected = np.log2(odds + (1 - odds) * 2.0**w) - w
    assert one.sum() > 20 and np.allclose(bits[one], expected, atol=0.01) and expected > 0.3


def test_a_model_that_weighs_a_name_spelt_otherwise_against_a_match_is_implausible() -> None:
    from muster.identity.internals.training import MIN_SPELLING_WEIGHT

    shipped = Model.default()
    patterns = np.array([[4, 80, 5, 1, -1, 4, 1, 1], [3, 6, 1, 1, -1, 4, 1, 1]], dtype=np.int8)
    counts = np.array([100.0, 100.0])
    assert _disagreement(shipped, shipped, patterns, counts) is None
    learnt = Model.default()
    # Another spelling of the given name (a typo, the other script, a transliteration) made 400
    # times rarer among matches than among non-matches: one list's own spellings learnt as the
    # match class.
    m = np.array(learnt.m["given_name"])
    m[1:4] = np.array(learnt.u["given_name"][1:4]) / 400
    learnt.m["given_name"] = list(m / m.sum())
    weight = learnt.weight_table()[0, 4]
    assert weight < MIN_SPELLING_WEIGHT
    problem = _disagreement(learnt, shipped, patterns, counts)
    assert problem == (
        f"it weighs a given name transliterated at {weight:+.1f} bits: it has learnt one list's "
        "own spellings (its namesakes) as the match class"
    )


def test_a_list_whose_own_spellings_were_learnt_as_matches_falls_back() -> None:
    # drawn1477 (presets.drawn_setting): a camp's list without lineage names beside an office's
    # list in Russian spellings, few persons twice within a list.  EM learnt the given name
    # exact as the match class (transliterated -6.5 bits, another school's spelling -13.9): F1
    # 0.07 (P 0.22 / R 0.04) and no warning; the shipped parameters score 0.74, the
    # information ceiling 0.74 (bench/RESULTS.md, "forty-second session").
    records, keys = labelled_records("drawn1477", 20000, 1)
    truth = {r["record_id"]: k for r, k in zip(records, keys, strict=True)}

    result = dedupe(records)

    report = result.report
    assert report.status == "fell back"
    assert "it has learnt one list's own spellings" in report.warnings[0], report.warnings
    precision, recall = pairwise(result.clusters, truth)
    assert 2 * precision * recall / (precision + recall) > 0.7, (precision, recall)


def test_a_model_that_expects_far_more_matches_than_the_shipped_one_is_caught() -> None:
    from muster.identity.internals.training import MAX_EXPECTED_OVER_SHIPPED

    shipped = Model.default()
    # One given name, birth years one apart, no lineage name compared; one of two given names
    # disagreeing (left out: EM leaves them out too).
    patterns = np.array([[4, -1, 1, 1, -1, -1, 1, 1], [0, -1, 1, 1, -1, -1, 1, 1]], dtype=np.int8)
    counts = np.array([1000.0, 1000.0])
    assert _expected_over_shipped(shipped, shipped, patterns, counts) is None
    grown = Model.default()
    grown.prior = 0.9
    mine, theirs = _expected_over_shipped(grown, shipped, patterns, counts)
    assert mine > MAX_EXPECTED_OVER_SHIPPED * theirs


def test_a_thin_list_whose_namesakes_were_learnt_as_matches_is_held_toward_the_shipped_model() -> (
    None
):
    # drawn1424 (presets.drawn_setting): a checkpoint's list of given name, one more name and a
    # year beside a register, most persons once.  The trained model expected 1.9 times the
    # shipped model's matches (2.6 times the true ones): pairs of one given name and birth year
    # with no lineage name compared.  F1 0.64 with it as trained, 0.78 with its weights held
    # halfway toward the shipped ones (bench/RESULTS.md, "forty-third session").
    from muster.identity.internals.training import TOWARD_SHIPPED

    records, keys = labelled_records("drawn1424", 20000, 1)
    truth = {r["record_id"]: k for r, k in zip(records, keys, strict=True)}

    result = dedupe(records)

    report = result.report
    assert report.status == "trained"
    assert report.toward_start[0] == TOWARD_SHIPPED
    assert any("it has learnt namesakes as matches" in w for w in report.warnings), report.warnings
    precision, recall = pairwise(result.clusters, truth)
    assert 2 * precision * recall / (precision + recall) > 0.75, (precision, recall)


def _one_father_population() -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs and random pairs (gamma) where one lineage pattern, "father agrees,
    nothing else compared" (a checkpoint's given name and father's name beside a list without
    given names), is found only among pairs that otherwise look like matches; among random
    pairs it is 2 % of pairs."""
    names = list(COMPARISONS)
    father_only = 2 * 27  # lineage code: father agrees (2), the rest missing (0)

    def rows(n: int, **levels: int) -> np.ndarray:
        row = np.full(len(names), -1, dtype=np.int8)
        for name, level in levels.items():
            row[names.index(name)] = level
        return np.repeat(row[None, :], n, axis=0)

    full = dict(given_name=4, date_of_birth=5, sex=1, nationality=1, lineage_order=1)
    gamma = np.vstack([
        rows(3000, lineage=80, **full),  # one person: every name and the full date agree
        rows(1500, lineage=80, given_name=4, date_of_birth=2, sex=1, nationality=1),
        rows(6000, lineage=2 * 27 + 1 * 3, given_name=4, date_of_birth=0, sex=1),  # cousins
        rows(6000, lineage=1 * 27 + 1 * 9, given_name=3, date_of_birth=1, sex=1),
        rows(2000, lineage=father_only, given_name=4, date_of_birth=2, sex=1, nationality=1),
    ])  # fmt: skip
    random = np.vstack([
        rows(98000, lineage=1 * 27 + 1 * 9 + 1 * 3, given_name=1, date_of_birth=0, sex=0),
        rows(2000, lineage=father_only, given_name=1, date_of_birth=0, sex=1),
    ])  # fmt: skip
    return gamma, random


def test_a_pattern_of_one_agreeing_name_is_never_rarer_among_candidates_than_among_strangers() -> (
    None
):
    # drawn1243 20k (bench/RESULTS.md, "forty-fourth session"): EM put every pair of "father
    # agrees, nothing else compared" in the match class, its u went to nothing and its weight to
    # +30.8 bits, and one shared father's name joined strangers.
    gamma, random = _one_father_population()
    model = Model.initial()
    model.estimate_u(random)
    model.train_em(gamma)

    father_only = 2 * 27
    level = list(COMPARISONS).index("lineage")
    # Held at the strangers' 2 %: its weight is what m over that u says, not +30 bits.
    assert model.u["lineage"][father_only] >= 0.019
    assert model.weight_table()[level, father_only + 1] < 7.0


def test_a_pattern_of_one_agreeing_name_is_held_at_its_share_among_strangers_of_one_given_name(
    monkeypatch,
) -> None:
    # drawn1636 20k (bench/RESULTS.md, "forty-fifth session"): strangers who share a given name
    # share a father's name more often than strangers at large, and EM learns only from pairs
    # whose given names do not disagree; held at the random pairs' share at large (0.0038),
    # "father agrees, nothing else compared" weighed +6.0 bits, the truth +3.5.
    from muster.identity.internals import model as model_module

    gamma, _ = _one_father_population()
    names = list(COMPARISONS)
    father_only = 2 * 27
    strangers = 1 * 27 + 1 * 9 + 1 * 3

    def rows(n: int, given: int, lineage: int) -> np.ndarray:
        row = np.full(len(names), -1, dtype=np.int8)
        row[names.index("given_name")], row[names.index("lineage")] = given, lineage
        row[names.index("date_of_birth")], row[names.index("sex")] = 0, 1
        return np.repeat(row[None, :], n, axis=0)

    # Among 100,000 strangers 0.3 % share only a father's name; among the 1,000 of them who share
    # a given name, 10 %.
    random = np.vstack([
        rows(98_800, 0, strangers), rows(200, 0, father_only),
        rows(900, 4, strangers), rows(100, 4, father_only),
    ])  # fmt: skip
    level = names.index("lineage")

    def trained() -> Model:
        model = Model.initial()
        model.estimate_u(random)
        model.train_em(gamma)
        return model

    held = trained()
    assert held.u["lineage"][father_only] >= 0.09
    monkeypatch.setattr(model_module, "U_RANDOM_FLOOR_GIVEN", False)
    at_large = trained()
    assert at_large.u["lineage"][father_only] < 0.01
    # Held at the share among strangers of one given name, the pattern weighs 3 bits less or more.
    table = (m.weight_table()[level, father_only + 1] for m in (held, at_large))
    assert next(table) < next(table) - 3.0


def test_patterns_are_counted_in_chunks_and_where_they_lie_as_all_at_once(monkeypatch) -> None:
    # A million records' pairs are counted a chunk at a time and a stratum's without copying it
    # out (memory at the run's peak); the counts must be those of all the pairs at once.
    from muster.identity.internals import model as model_module

    rng = np.random.default_rng(7)
    gamma = rng.integers(-1, 3, size=(1000, 8)).astype(np.int8)
    rows = rng.random(1000) < 0.4
    weights = rng.random(int(rows.sum()))
    expected, inverse, counts = np.unique(
        gamma[rows], axis=0, return_inverse=True, return_counts=True
    )
    summed = np.bincount(inverse.ravel(), weights=weights)
    for chunk in (7, 100, 4_000_000):
        monkeypatch.setattr(model_module, "PATTERN_CHUNK", chunk)
        patterns, n, by_weight = model_module.weighted_pattern_counts(gamma, weights, rows=rows)
        assert np.array_equal(patterns, expected) and np.array_equal(n, counts), chunk
        assert np.allclose(by_weight, summed), chunk
        patterns, n = model_module.pattern_counts(gamma[rows])
        assert np.array_equal(patterns, expected) and np.array_equal(n, counts), chunk
    assert len(model_module.pattern_counts(gamma[:0])[0]) == 0


def test_a_second_stage_that_takes_the_duplicates_for_strangers_keeps_the_first_stages_reading(
    namesakes, namesake_levels, monkeypatch
) -> None:
    # EM learns m on the pairs weighed per record, then u and the prior on all pairs with m
    # held.  That second stage can take the duplicates into the non-match class (u rising
    # wherever they agree): no check against the shipped model sees it on a population like
    # this one, whose namesakes the shipped model takes for matches.  Its first stage's own
    # reading is the reference.
    from muster.identity.internals import model as model_module
    from muster.identity.internals import training
    from muster.identity.internals.model import GIVEN, pattern_counts

    records, _ = namesakes
    _, arrays, gamma, random_gamma = namesake_levels
    weights = training.density_weights(arrays["rid_l"], arrays["rid_r"], True)
    patterns, counts = pattern_counts(gamma)
    keep = patterns[:, GIVEN] != 0

    def expected(model: Model) -> float:
        return training.expected_matches(model.match_weight(patterns[keep]), counts[keep])

    healthy, report = guarded_training(random_gamma, gamma, len(records), None, True, weights)
    # A healthy second stage is left alone.
    assert report.status == "trained"
    assert not any("second stage" in w for w in report.warnings)
    assert all(s["second_stage_lost"] is None for s in report.starts[:2])
    assert expected(healthy) > 100

    real = model_module.Model.train_em

    def collapsing(self, gamma, *args, **kwargs):
        rounds = real(self, gamma, *args, **kwargs)
        if kwargs.get("fix_m") and not kwargs.get("fix_u"):
            # The second stage as it fails: the duplicates' patterns as common among the
            # non-matches as among the matches, and next to no matches expected.
            self.u, self.prior = dict(self.m), 1e-6
        return rounds

    monkeypatch.setattr(model_module.Model, "train_em", collapsing)
    guarded, report = guarded_training(random_gamma, gamma, len(records), None, True, weights)

    assert report.status == "trained"
    assert 0.5 * expected(healthy) <= expected(guarded) <= 2 * expected(healthy)
    assert sum("EM's second stage" in w for w in report.warnings) == 1
    lost = next(s["second_stage_lost"] for s in report.starts if s["kept"])
    assert lost[0] < 1 < lost[1]
