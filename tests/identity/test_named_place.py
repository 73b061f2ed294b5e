"""The place of origin weighed apart where the given and family names agree (model.NAMED_PLACE).

Among candidate pairs the non-matches that share a town are mostly relatives with other given
names, and the non-matches whose given and family names agree mostly namesakes of other towns:
EM, which takes the comparisons to be independent, learns a shared town over all pairs as weak
evidence, where among the pairs of one given and family name it decides.
"""

import json

import numpy as np
import pytest

from muster.identity.internals import model as model_module
from muster.identity.internals.model import Model, ModelFileError, named_rows
from muster.identity.internals.training import learn_named_place, weights_by_level

# gamma columns: given, lineage, date, sex, alias, place, nationality, lineage order.
# Lineage 6 is "..+.": the family name agrees, father, grandfather and mother not compared.
NAMED_SAME_TOWN = [3, 6, 2, 1, -1, 4, -1, 1]
NAMED_OTHER_TOWN = [3, 6, 2, 1, -1, 0, -1, 1]
TYPO_SAME_TOWN = [1, 6, 2, 1, -1, 4, -1, 1]


def _weak_town_model() -> Model:
    """The shipped model with the town weighed as EM learnt it over all pairs on drawn1280 20k
    (the same town +1.2 bits, another -2.4)."""
    model = Model.default()
    model.m["place_of_origin"] = [0.10, 0.02, 0.05, 0.05, 0.78]
    model.u["place_of_origin"] = [0.53, 0.02, 0.05, 0.05, 0.35]
    return model


def test_the_town_decides_among_pairs_whose_given_and_family_names_agree() -> None:
    patterns = np.array([NAMED_SAME_TOWN, NAMED_OTHER_TOWN, TYPO_SAME_TOWN], dtype=np.int8)
    counts = np.array([100.0, 400.0, 1000.0])
    assert named_rows(patterns).tolist() == [True, True, False]
    model = _weak_town_model()
    before = model.match_weight(patterns)
    pooled = model.weight_table()[5, 1:6]

    learn_named_place(model, patterns, counts)

    named = model.named_place_weights()
    assert named is not None and named[4] > pooled[4] + 1.0
    after = model.match_weight(patterns)
    assert after[0] > before[0] + 1.0  # same town, one given and family name: more
    assert after[2] == before[2]  # other pairs keep the town as learnt on all
    assert "place_of_origin where given and family names agree" in weights_by_level(model)


def test_the_pooled_sceptic_does_not_hold_the_town_down_among_one_name_pairs() -> None:
    """A trained model's sceptic is its pooled weights taken toward the start's: the same town
    over all pairs, relatives' included.  Among pairs of one given and family name the town is
    other evidence (the truth: +2.8 to +4.6 bits on eleven populations where the pooled weight
    was +0.8 to +1.2) and is not capped at the pooled one."""
    patterns = np.array([NAMED_SAME_TOWN, NAMED_OTHER_TOWN, TYPO_SAME_TOWN], dtype=np.int8)
    model = _weak_town_model()
    model.sceptic = {
        "m": {k: list(v) for k, v in model.m.items()},
        "u": {k: list(v) for k, v in model.u.items()},
    }
    pooled = model.weight_table()[5, 1:6]
    learn_named_place(model, patterns, np.array([100.0, 400.0, 1000.0]))
    named = model.named_place_weights()
    assert named is not None and named[4] > pooled[4] + 1.0


def test_too_few_such_pairs_learn_nothing_and_the_switch_turns_it_off(monkeypatch) -> None:
    patterns = np.array([NAMED_SAME_TOWN, NAMED_OTHER_TOWN], dtype=np.int8)
    model = _weak_town_model()
    learn_named_place(model, patterns, np.array([20.0, 80.0]))
    assert model.named_place is None
    learn_named_place(model, patterns, np.array([200.0, 800.0]))
    assert model.named_place is not None
    learnt = model.match_weight(patterns)
    monkeypatch.setattr(model_module, "NAMED_PLACE", False)
    assert model.named_place_weights() is None
    assert not np.array_equal(model.match_weight(patterns), learnt)


def test_a_trained_run_learns_it_and_a_saved_model_keeps_it(tmp_path) -> None:
    import muster.identity as mi
    from muster.scenario.presets import labelled_records

    records, _ = labelled_records("no_lineage", 4000, 3)
    result = mi.dedupe(records)
    assert result.report.status == "trained"
    fitted = result.model
    assert fitted.named_place is not None
    named = fitted.named_place_weights()
    assert named[4] >= fitted.weight_table()[5, 5]
    assert "place_of_origin where given and family names agree" in str(result.report)

    path = tmp_path / "model.json"
    fitted.save(path)
    loaded = Model.load(path)
    for part in ("m", "u"):
        assert loaded.named_place[part] == pytest.approx(fitted.named_place[part])
    patterns = np.array([NAMED_SAME_TOWN, NAMED_OTHER_TOWN, TYPO_SAME_TOWN], dtype=np.int8)
    assert loaded.match_weight(patterns) == pytest.approx(fitted.match_weight(patterns))
    # Given back, it scores as it was learnt; and a model saved before it loads without one.
    assert Model.default().named_place is None


@pytest.mark.parametrize(
    "named", [[], {"m": [0.5, 0.5], "u": [0.2] * 5}, {"m": [2] * 5, "u": [0.2] * 5}]
)
def test_a_bad_named_place_in_a_model_file_is_one_line(tmp_path, named) -> None:
    data = json.loads(Model.default().to_json())
    path = tmp_path / "m.json"
    path.write_text(json.dumps({**data, "named_place": named}), encoding="utf-8")
    with pytest.raises(ModelFileError) as info:
        Model.load(path)
    message = str(info.value)
    assert "named_place must hold m and u, each a list of 5 probabilities" in message
    assert "\n" not in message
