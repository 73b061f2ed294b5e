"""The tracing population: renamed abductees among the registered, families' requests, truth."""

from muster.scenario.tracing import REQUEST_COLUMNS, kurmanji


def test_requests_seek_registered_and_unregistered_persons(background):
    truth = background.truth
    assert len(background.requests) == len(truth) == 40
    assert sum(1 for t in truth if not t["record_id_b"]) == 8
    registry_ids = {r["record_id"] for r in background.registry}
    assert {t["record_id_b"] for t in truth if t["record_id_b"]} <= registry_ids
    assert len(background.registry) == 2000
    assert all(set(r) == set(REQUEST_COLUMNS) for r in background.requests)


def test_renamed_persons_are_registered_under_another_given_name(background):
    registry = {r["record_id"]: r for r in background.registry}
    requests = {r["record_id"]: r for r in background.requests}
    renamed = [t for t in background.truth if t["renamed"] == "1" and t["record_id_b"]]
    assert renamed
    differ = sum(
        requests[t["record_id_a"]]["given_name"] != registry[t["record_id_b"]]["given_name"]
        for t in renamed
    )
    assert differ == len(renamed)


def test_families_write_kurmanji_latin_or_arabic_and_give_an_age_or_a_year(background):
    given = [r["given_name"] for r in background.requests]
    assert any("\u0600" <= ch <= "\u06ff" for g in given for ch in g)
    assert any(r["age_at_separation"] and r["separation_date"] for r in background.requests)
    assert any(r["birth_year"] for r in background.requests)
    assert kurmanji("Khalaf") == "Xelef"


def test_the_same_seed_gives_the_same_set(tmp_path):
    from muster.scenario.tracing import tracing_set

    a = tracing_set(registered=500, requests=10, seed=3)
    b = tracing_set(registered=500, requests=10, seed=3)
    assert a.requests == b.requests and a.registry == b.registry
    paths = a.write(tmp_path)
    assert all(p.exists() for p in paths)


def test_the_generators_knobs_change_the_population():
    from dataclasses import replace

    from muster.scenario.tracing import HABITS, tracing_set

    none = tracing_set(400, 20, seed=3, habits=replace(HABITS, renamed=0.0))
    assert {t["renamed"] for t in none.truth} == {"0"}
    every = tracing_set(400, 20, seed=3, habits=replace(HABITS, renamed=1.0))
    assert {t["renamed"] for t in every.truth} == {"1"}
    registry = {r["record_id"]: r for r in every.registry}
    requests = {r["record_id"]: r for r in every.requests}
    for t in every.truth:
        if t["record_id_b"]:
            assert (
                registry[t["record_id_b"]]["given_name"] != requests[t["record_id_a"]]["given_name"]
            )
    arabic = tracing_set(
        400, 20, seed=3, habits=replace(HABITS, registers=(("authority_ar", 1.0),))
    )
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in r["given_name"]) for r in arabic.registry)
