"""Engines run the same SQL (blocking joins and comparison levels) on DuckDB or on Spark.

An engine takes prepared record tables and returns, for candidate pairs (or for random pairs),
the pair's row ids and one level per field as numpy arrays.  Everything after that (EM,
weights, clustering) is engine-independent, so both engines give the same answer.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from .blocking import block_keys, candidate_pairs_sql, pairs_from_codes
from .comparisons import (
    CROSSED_FIELDS,
    NAME_FIELDS,
    SWAPS,
    close_levels,
    contained_levels,
    dob_level_array,
    identity_levels,
    name_level_sql,
)
from .prepare import Prepared

Arrays = dict[str, np.ndarray]


def name_levels_sql() -> str:
    """Level of each distinct name pair (``a``, ``b``) in table ``np``; names in nl and nr."""
    return (
        f"SELECT p.i, CAST({name_level_sql('n')} AS TINYINT) AS lv FROM np p "
        "JOIN nl l ON p.a = l.id JOIN nr r ON p.b = r.id"
    )


def random_pairs(n_left: int, n_right: int | None, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dedupe = n_right is None
    n_right = n_left if dedupe else n_right
    a = rng.integers(0, n_left, n)
    b = rng.integers(0, n_right, n)
    if dedupe:
        keep = a != b
        a, b = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    return pd.DataFrame({"rid_l": a.astype(np.int64), "rid_r": b.astype(np.int64)})


def _small(values: pd.Series, dtype: type) -> np.ndarray:
    """A nullable integer column as a small integer array, missing as 0."""
    return values.to_numpy(dtype=np.float64, na_value=0).astype(dtype)


def dob_levels(
    left: pd.DataFrame, right: pd.DataFrame, rl: np.ndarray, rr: np.ndarray
) -> np.ndarray:
    """Birth-date levels of pairs, vectorised; the same rules as ``comparisons.DOB_LEVEL_SQL``.

    Years, months and days as 16- and 8-bit integers (a missing one as 0, which only a pair
    with a missing year or an imprecise date could read, and those are decided otherwise).
    """
    ya, yb = _small(left["yr"], np.int16)[rl], _small(right["yr"], np.int16)[rr]
    ma, mb = _small(left["mo"], np.int8)[rl], _small(right["mo"], np.int8)[rr]
    da, db = _small(left["dy"], np.int8)[rl], _small(right["dy"], np.int8)[rr]
    pa, pb = left["precise"].to_numpy()[rl], right["precise"].to_numpy()[rr]
    missing = left["yr"].isna().to_numpy()[rl] | right["yr"].isna().to_numpy()[rr]
    return dob_level_array((ya, ma, da, pa), (yb, mb, db, pb), missing)


def value_codes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct value of ``a`` and ``b`` numbered once over both (missing: -1)."""
    codes, uniq = pd.factorize(np.concatenate([a, b]), use_na_sentinel=True)
    codes = codes.astype(np.int8 if len(uniq) < 127 else np.int32)
    return codes[: len(a)], codes[len(a) :]


def agreement(ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    """1 where two coded values agree, 0 where they differ, -1 where either is missing."""
    out = (ca == cb).astype(np.int8)
    out[(ca < 0) | (cb < 0)] = -1
    return out


def pair_levels(
    engine: Engine, left: Prepared, right: Prepared, rl: np.ndarray, rr: np.ndarray
) -> Arrays:
    """Every field's level for record pairs (rl[i], rr[i]), and the crossed lineage levels.

    Names are compared once per distinct pair of names (in the engine, by the same SQL on
    DuckDB and Spark), then spread back over the record pairs: on a million records there are
    thirty times fewer distinct name pairs than record pairs.
    """
    rl = np.asarray(rl, dtype=np.int64)
    rr = np.asarray(rr, dtype=np.int64)
    arrays: Arrays = {"rid_l": rl, "rid_r": rr}
    lf, rf = left.frame, right.frame
    for field in NAME_FIELDS:
        arrays[f"lv_{field}"] = _name_pair_levels(engine, left, right, rl, rr, field, field)
    for crossed, (field_l, field_r) in CROSSED_FIELDS.items():
        arrays[f"lv_{crossed}"] = _name_pair_levels(engine, left, right, rl, rr, field_l, field_r)
    # Swapped names crosswise only where the names in order disagree (comparisons.SWAPS).
    for fields, differing in SWAPS:
        other = np.flatnonzero(np.logical_and.reduce([arrays[f"lv_{f}"] == 0 for f in differing]))
        for swapped, (field_l, field_r) in fields.items():
            lv = np.full(len(rl), -1, dtype=np.int8)
            lv[other] = _name_pair_levels(
                engine, left, right, rl[other], rr[other], field_l, field_r
            )
            arrays[f"lv_{swapped}"] = lv
    arrays["lv_date_of_birth"] = dob_levels(lf, rf, rl, rr)
    for col in ("sex", "nationality"):
        # Numbered per record first, so the pairs compare small integers, not strings.
        ca, cb = value_codes(lf[col].to_numpy(), rf[col].to_numpy())
        arrays[f"lv_{col}"] = agreement(ca[rl], cb[rr])
    return arrays


def _name_pair_levels(
    engine: Engine,
    left: Prepared,
    right: Prepared,
    rl: np.ndarray,
    rr: np.ndarray,
    field_l: str,
    field_r: str,
) -> np.ndarray:
    """Level of the left record's ``field_l`` name against the right record's ``field_r``."""
    if not len(rl):
        return np.full(0, -1, dtype=np.int8)
    # Ids shifted by one (0: no name), each pair of ids as one integer, 32 bits when it fits
    # (hashing tens of millions of them is the cost here).
    width = int(right.frame[f"{field_r}_id"].max()) + 2
    height = int(left.frame[f"{field_l}_id"].max()) + 2
    dtype = np.int32 if width * height < 2**31 else np.int64
    a = (left.frame[f"{field_l}_id"].to_numpy() + 1).astype(dtype)
    b = (right.frame[f"{field_r}_id"].to_numpy() + 1).astype(dtype)
    pair = a[rl]
    out = None
    if np.count_nonzero(a) < len(a) // 2:
        # A name most records lack (alias, mother): only the pairs where the left one has it.
        out = np.full(len(rl), -1, dtype=np.int8)
        rows = np.flatnonzero(pair)
        pair, rr = pair[rows], rr[rows]
    pair *= width
    pair += b[rr]
    codes, uniq = pd.factorize(pair, sort=False)
    del pair
    ua, ub = uniq // width - 1, uniq % width - 1
    present = (ua >= 0) & (ub >= 0)
    lv = np.full(len(uniq), -1, dtype=np.int8)
    if present.any():
        distinct = pd.DataFrame(
            {"i": np.flatnonzero(present), "a": ua[present], "b": ub[present]}, dtype=np.int64
        )
        got = name_pair_levels(
            engine,
            distinct,
            left.names[field_l],
            right.names[field_r],
            field_l == field_r == "family_name",
        )
        lv[got["i"]] = got["lv"]
    if out is None:
        return lv[codes]
    out[rows] = lv[codes]
    return out


def name_pair_levels(
    engine: Engine,
    distinct: pd.DataFrame,
    left_names: pd.DataFrame,
    right_names: pd.DataFrame,
    family: bool = False,
) -> dict[str, np.ndarray]:
    """Levels of distinct name pairs (``distinct``: i, a, b): the engine's SQL, then the close
    spellings (``comparisons.close_levels``) and, for ``family`` names, one held in the other
    (``comparisons.contained_levels``) in Python, the same on every engine."""
    got = engine.name_levels(distinct, left_names, right_names)
    by_i = distinct.set_index("i")
    a = by_i.loc[got["i"], "a"].to_numpy()
    b = by_i.loc[got["i"], "b"].to_numpy()
    lv = np.asarray(got["lv"]).astype(np.int8)
    left, right = _by_id(left_names, a), _by_id(right_names, b)
    close_levels(lv, left, right)
    identity_levels(lv, left, right)
    if family:
        contained_levels(lv, left, right)
    return {"i": np.asarray(got["i"]), "lv": lv}


def _by_id(names: pd.DataFrame, ids: np.ndarray) -> dict[str, np.ndarray]:
    """The folded name, script, canon and identities (``close_levels``' columns) of each name id."""
    row = np.zeros(int(names["id"].max()) + 1 if len(names) else 1, dtype=np.int64)
    row[names["id"].to_numpy()] = np.arange(len(names))
    at = row[ids]
    columns = ("n_f", "n_sc", "n_c", "n_i", "n_i2") + (("n_u",) if "n_u" in names else ())
    return {c: names[c].to_numpy(dtype=object)[at] for c in columns}


class Engine(Protocol):
    name: str

    def candidate_pairs(
        self, left: Prepared, right: Prepared | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...

    def name_levels(
        self, distinct: pd.DataFrame, left_names: pd.DataFrame, right_names: pd.DataFrame
    ) -> dict[str, np.ndarray]: ...


def _sorted(rl: np.ndarray, rr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((rr, rl))
    return np.asarray(rl, dtype=np.int64)[order], np.asarray(rr, dtype=np.int64)[order]


def candidate_levels(engine: Engine, left: Prepared, right: Prepared | None) -> Arrays:
    """Levels of every candidate pair (dedupe when ``right`` is None); ``train`` marks the
    pairs EM trains on (not those only a rule of ``prepare.SCORED_ONLY`` found)."""
    rl, rr, train = engine.candidate_pairs(left, right)
    arrays = pair_levels(engine, left, right if right is not None else left, rl, rr)
    arrays["train"] = train
    return arrays


def random_levels(
    engine: Engine, left: Prepared, right: Prepared | None, n: int, seed: int
) -> Arrays:
    """Levels of random record pairs (for u)."""
    sample = random_pairs(len(left), None if right is None else len(right), n, seed)
    rl, rr = _sorted(sample["rid_l"].to_numpy(), sample["rid_r"].to_numpy())
    return pair_levels(engine, left, right if right is not None else left, rl, rr)


# The DuckDB engine's memory cap unless the caller or MUSTER_DUCKDB_MEMORY_LIMIT says otherwise.
DUCKDB_MEMORY = "2GB"


class DuckDBEngine:
    """DuckDB in-process: the default, for one machine."""

    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        import duckdb

        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        # DuckDB's own default is 80 % of the machine's memory, on top of what the pipeline holds
        # in numpy: capped, its joins spill to a temporary folder instead.  At 1M records the
        # whole run peaked at 5.7 GiB uncapped and 4.6 GiB at 3GB, in 70 s instead of 75, the
        # same clusters (bench/RESULTS.md, "seventh session: main after pool, idle"); at 2GB,
        # with the candidate pairs' codes no longer copied, 4.7-4.9 GB against 5.3-5.5 at 3GB,
        # in the same time, the same clusters ("nineteenth session").
        memory_limit = memory_limit or os.environ.get("MUSTER_DUCKDB_MEMORY_LIMIT") or DUCKDB_MEMORY
        self.con.execute(f"SET memory_limit = '{memory_limit}'")
        # One folder per connection: DuckDB names its spill files alike in every process.
        spill = Path(tempfile.gettempdir()) / f"muster-duckdb-{os.getpid()}-{id(self.con):x}"
        self.con.execute(f"SET temp_directory = '{spill.as_posix()}'")
        self.con.execute("SET preserve_insertion_order = false")
        self.memory_limit = memory_limit
        self.one_thread = threads == 1

    def _run(self, sql: str) -> dict[str, np.ndarray]:
        """A statement's result as numpy columns.  Under the memory cap DuckDB's joins spill,
        and now and then a block cannot be pinned ("Out of Memory Error"; the candidate pairs of
        1M records, 5 runs in 26 on one machine): the statement is then run again on one thread,
        which holds less at once (5 runs in 5, 24 s against 17; bench/RESULTS.md,
        "twenty-fourth session"), and the connection keeps one thread.  Failing on one thread,
        a MemoryError that says what to set."""
        import duckdb

        while True:
            try:
                return self.con.execute(sql).fetchnumpy()
            except duckdb.OutOfMemoryException as exc:
                self.con.abort()  # the failed result, unfinished, would block the connection
                if self.one_thread:
                    raise self._exhausted(exc) from exc
                self.one_thread = True
                self.con.execute("SET threads = 1")

    def _exhausted(self, exc: Exception) -> MemoryError:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return MemoryError(
            f"DuckDB ran out of its memory cap of {self.memory_limit} on one thread ({first}); "
            "set MUSTER_DUCKDB_MEMORY_LIMIT higher (e.g. 4GB)"
        )

    def _table(self, name: str, df: pd.DataFrame) -> None:
        self.con.register(f"{name}_df", df)
        try:
            self._run(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_df")
        finally:
            self.con.unregister(f"{name}_df")

    def candidate_pairs(
        self, left: Prepared, right: Prepared | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        keyed = block_keys(left, right)
        for name, frame in zip(("lt", "rt"), keyed, strict=False):
            self._table(name, frame)
        n_right = len(left if right is None else right)
        codes = self._run(candidate_pairs_sql(right is None, n_right))["c"]
        # The keyed records are not read again: their memory is the next steps'.
        self.con.execute("DROP TABLE IF EXISTS lt; DROP TABLE IF EXISTS rt")
        return pairs_from_codes(codes, n_right)

    def name_levels(
        self, distinct: pd.DataFrame, left_names: pd.DataFrame, right_names: pd.DataFrame
    ) -> dict[str, np.ndarray]:
        self._table("np", distinct)
        self._table("nl", left_names)
        self._table("nr", right_names)
        got = self._run(name_levels_sql())
        return {"i": np.asarray(got["i"]), "lv": np.asarray(got["lv"])}

    def candidate_levels(self, left: Prepared, right: Prepared | None) -> Arrays:
        return candidate_levels(self, left, right)

    def random_levels(self, left: Prepared, right: Prepared | None, n: int, seed: int) -> Arrays:
        return random_levels(self, left, right, n, seed)


class SparkEngine:
    """Apache Spark (local mode here, a cluster in production) running the same SQL."""

    name = "spark"

    def __init__(self, spark: object | None = None) -> None:
        if spark is None:
            spark = get_local_spark()
        self.spark = spark
        self._tmp = tempfile.TemporaryDirectory(prefix="muster-spark-")

    def _frame(self, df: pd.DataFrame, name: str) -> None:
        # Parquet keeps nullable integers and strings exactly as DuckDB sees them.
        path = os.path.join(self._tmp.name, f"{name}.parquet")
        df.to_parquet(path, index=False)
        self.spark.read.parquet(path).createOrReplaceTempView(name)

    def candidate_pairs(
        self, left: Prepared, right: Prepared | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        keyed = block_keys(left, right)
        for name, frame in zip(("lt", "rt"), keyed, strict=False):
            self._frame(frame, name)
        n_right = len(left if right is None else right)
        pdf = self.spark.sql(candidate_pairs_sql(right is None, n_right)).toPandas()
        return pairs_from_codes(pdf["c"].to_numpy(), n_right)

    def name_levels(
        self, distinct: pd.DataFrame, left_names: pd.DataFrame, right_names: pd.DataFrame
    ) -> dict[str, np.ndarray]:
        self._frame(distinct, "np")
        self._frame(left_names, "nl")
        self._frame(right_names, "nr")
        pdf = self.spark.sql(name_levels_sql()).toPandas()
        return {"i": pdf["i"].to_numpy(), "lv": pdf["lv"].to_numpy()}

    def candidate_levels(self, left: Prepared, right: Prepared | None) -> Arrays:
        return candidate_levels(self, left, right)

    def random_levels(self, left: Prepared, right: Prepared | None, n: int, seed: int) -> Arrays:
        return random_levels(self, left, right, n, seed)


def get_local_spark() -> object:
    """A local Spark session sized for tests and single machines."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("muster-identity")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def get_engine(name: str) -> Engine:
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine()
    raise ValueError(f"unknown engine '{name}'; choose duckdb or spark")
