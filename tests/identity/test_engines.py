"""The DuckDB and Spark engines run the same SQL and must give the same answer; the SQL and
Python forms of the comparison levels must agree."""

import shutil

import numpy as np
import pandas as pd
import pytest

from muster.identity import dedupe
from muster.identity.internals.comparisons import FIELDS
from muster.identity.internals.engines import DuckDBEngine, name_pair_levels
from muster.identity.internals.prepare import prepare
from muster.identity.internals.screening import _entry, _levels

from .test_matching import RECORDS


def test_sql_and_python_levels_agree_on_every_pair() -> None:
    prepared = prepare(RECORDS)
    arrays = DuckDBEngine().random_levels(prepared, None, 400, seed=3)
    entries = [_entry(dict(r)) for r in RECORDS]
    for k in range(len(arrays["rid_l"])):
        py = _levels(entries[arrays["rid_l"][k]], entries[arrays["rid_r"][k]])
        sql = {f: int(arrays[f"lv_{f}"][k]) for f in py}
        assert sql == py


@pytest.mark.spark
def test_duckdb_and_spark_engines_agree(monkeypatch) -> None:
    if shutil.which("java") is None:
        print("SKIP: Java is not installed; Spark cannot start")
        pytest.skip("Java is not installed; Spark cannot start")
    pytest.importorskip("pyspark")
    from muster.identity.internals.engines import SparkEngine, get_local_spark

    records = [dict(r, record_id=f"{r['record_id']}-{i}") for i in range(3) for r in RECORDS]
    duck = dedupe(records, engine="duckdb", train=False)
    # The engine's own local session, its expressions interpreted rather than compiled to Java
    # and its JVM compiling its own code only once (C1): compiling the candidate pairs' 94 joins
    # took most of a minute on 24 records (and their 64 MB hash pages ran the driver out of heap).
    # The SQL and its answers are the same (Spark runs its own tests both ways); about half the
    # time and the CPU.
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1")
    session = get_local_spark()
    session.conf.set("spark.sql.codegen.wholeStage", "false")
    session.conf.set("spark.sql.codegen.factoryMode", "NO_CODEGEN")
    spark_engine = SparkEngine(session)
    spark = dedupe(records, engine=spark_engine, train=False)
    assert duck.clusters == spark.clusters
    assert duck.candidate_pairs == spark.candidate_pairs
    np.testing.assert_allclose(duck.pairs.match_probability, spark.pairs.match_probability)
    for f in FIELDS:
        np.testing.assert_array_equal(duck.pairs.levels[f], spark.pairs.levels[f])


# Names whose levels take every branch of the comparison: exact, keys, the variant table's
# first and second Arabic names, script skeletons, typos, different known names.
NAMES = ["Amina", "Amna", "آمنة", "أمينة", "Hassan", "حسان", "حسن", "Hussein", "Farhane",
         "Farhan", "Farhana", "Thiyab", "ذياب", "Shivan", "شفان", "Jasim", "Jassem", "Jasmin",
         "Mohamed", "محمد", "Mhamed", "Ahmad", "Hamad", "al-Baggara", "البكارة",
         "al-Ugaidi", "al-Aqeedi", "Akhmadov", "احمدوف", "Gamal", "Kamal",
         # Close Latin spellings no key joins (comparisons.names_close), and one too far.
         "Pinto", "Pitno", "Villiers", "Villeiqrs", "Vilgers",
         # Other schools' readings (NameKey.canon3).
         "Jasser", "Yasser", "ياسر", "Cassim", "جاسم", "Qasim", "Chalid", "خالد", "Vafa",
         "Wafaa", "Khuda", "Huda", "هدى", "Yakhya", "Yahia", "Khadzhdzhi", "Hajji", "Khadzhi",
         "Zhanna", "Jana", "Kalaf", "Khalaf", "خلف", "Kan", "Khan", "Gasim", "قاسم",
         "Rhazi", "Ghazi", "غازي",
         # Spellings another school's reading places, of other consonants (identities_differ).
         "Kadija", "Ghada", "Houda", "Madzhid", "Maged", "jade", "jare",
         # Close Arabic spellings, one unknown to the table.
         "محد", "فاطة", "فاطمة", "حمد",
         # A Latin name against an Arabic spelling the table does not know, a typo apart.
         "Fatima", "Salma", "سمى", "سلمى", "Omar", "غمر"]  # fmt: skip


def test_sql_and_python_name_levels_agree_on_a_table_of_names() -> None:
    import pandas as pd

    from muster.identity import normalise_name
    from muster.identity.internals.comparisons import name_level_code

    records = [{"record_id": str(i), "given_name": n} for i, n in enumerate(NAMES)]
    table = prepare(records).names["given_name"]
    pairs = [(a, b) for a in range(len(table)) for b in range(len(table)) if a != b]
    distinct = pd.DataFrame(
        {"i": range(len(pairs)), "a": [a for a, _ in pairs], "b": [b for _, b in pairs]}
    )
    got = name_pair_levels(DuckDBEngine(), distinct, table, table)
    by_id = dict(zip(table["id"], table["n_f"], strict=True))
    originals = {normalise_name(n).folded: n for n in NAMES}
    sql = dict(zip(got["i"].tolist(), got["lv"].tolist(), strict=True))
    for i, (a, b) in enumerate(pairs):
        na, nb = (normalise_name(originals[by_id[x]]) for x in (a, b))
        assert sql[i] == name_level_code(na, nb), (na.original, nb.original)


def test_duckdb_is_capped_and_spills_to_the_temporary_folder(monkeypatch, tmp_path):
    """DuckDB's own default (80 % of the machine) on top of the pipeline's arrays took a 1M run
    near 6 GB; the engine caps it (2GB unless said otherwise) and spills outside the working
    directory."""
    import tempfile

    from muster.identity.internals.engines import DuckDBEngine

    def settings(engine):
        return engine.con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()

    limit, spill = settings(DuckDBEngine())
    assert limit == "1.8 GiB" and spill.startswith(tempfile.gettempdir())
    monkeypatch.setenv("MUSTER_DUCKDB_MEMORY_LIMIT", "1GB")
    assert settings(DuckDBEngine())[0] == "953.6 MiB"
    assert settings(DuckDBEngine(memory_limit="3GB"))[0] == "2.7 GiB"


def test_duckdb_out_of_its_memory_cap_tries_one_thread_then_says_what_to_set():
    """DuckDB's joins under the cap now and then cannot pin a block (the candidate pairs of 1M
    records, 5 runs in 26): the statement runs again on one thread, which holds less.  Under a
    cap too small for even that, a MemoryError that names the setting."""
    from muster.scenario.presets import labelled_records

    records, _ = labelled_records("project", 3000, 1)
    prepared = prepare(pd.DataFrame(records))
    engine = DuckDBEngine(memory_limit="16MB")
    assert engine.con.execute("SELECT current_setting('threads')").fetchall()[0][0] > 1
    with pytest.raises(
        MemoryError, match=r"cap of 16MB on one thread .*MUSTER_DUCKDB_MEMORY_LIMIT"
    ):
        engine.candidate_pairs(prepared, None)
    assert engine.con.execute("SELECT current_setting('threads')").fetchall()[0][0] == 1
    # Within its cap, the same engine's one thread gives the pairs every engine gives.
    engine.con.execute("SET memory_limit = '1GB'")
    ones = engine.candidate_pairs(prepared, None)
    default = DuckDBEngine().candidate_pairs(prepared, None)
    assert all(np.array_equal(a, b) for a, b in zip(ones, default, strict=True))


def test_the_candidate_pairs_are_not_copied_and_the_keyed_tables_are_dropped():
    """At 1M records the candidate pairs' codes are 50M integers (400 MB each copy): the right
    rows are the engine's own result, turned in place, and DuckDB's keyed tables are dropped
    before the levels are compared (bench/RESULTS.md, "nineteenth session": 1M peak 5.3-5.5 GB
    -> 4.7-4.9 GB, the same clusters)."""
    from muster.identity.internals.blocking import pairs_from_codes

    codes = np.array([(7 * 10 + 3) * 2 + 1, (2 * 10 + 9) * 2, (2 * 10 + 4) * 2], dtype=np.int64)
    left, right, train = pairs_from_codes(codes, 10)
    assert left.tolist() == [2, 2, 7] and right.tolist() == [4, 9, 3]
    assert train.tolist() == [True, True, False]
    assert np.shares_memory(right, codes)
    # A read-only or 32-bit array is left as it was.
    frozen = np.array([(1 * 10 + 2) * 2], dtype=np.int32)
    frozen.flags.writeable = False
    assert [x.tolist() for x in pairs_from_codes(frozen, 10)] == [[1], [2], [True]]
    assert frozen.tolist() == [24]

    engine = DuckDBEngine()
    rl, rr, _ = engine.candidate_pairs(prepare(pd.DataFrame(RECORDS)), None)
    assert len(rl) and (rl < rr).all()
    left_over = engine.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name IN ('lt', 'rt')"
    ).fetchall()
    assert left_over == []
