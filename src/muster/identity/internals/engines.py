"""Engines run the same SQL (blocking joins and comparison levels) on DuckDB or on Spark.

An engine takes prepared record tables and returns, for candidate pairs (or for random pairs),
the pair's row ids and one level per field as numpy arrays.  Everything after that (EM,
weights, clustering) is engine-independent, so both engines give the same answer.
"""

from __future__ import annotations

import os
import tempfile
from typing import Protocol

import numpy as np
import pandas as pd

from .comparisons import CROSSED_FIELDS, NAME_FIELDS, SWAPPED_FIELDS, name_level_sql
from .prepare import BLOCK_CAP, BLOCKING_RULES, Prepared

Arrays = dict[str, np.ndarray]


def _key_sql(attrs: tuple[str, ...]) -> str:
    # NULL when any attribute is missing: "||" propagates NULL in DuckDB and in Spark alike.
    return " || '|' || ".join(f"CAST({a} AS STRING)" if a == "sex" else a for a in attrs)


def _rule_blocks(rule: str, attrs: tuple[str, ...], dedupe: bool, cap: int) -> tuple[str, str]:
    """SQL for the left and right keyed, capped records of one rule (``k`` key, ``y`` year)."""
    year = attrs[-1] == "yr"
    plain = attrs[-1] == "plain"
    names = attrs[:-1] if year or plain else attrs
    y = "yr" if year else "0"
    # A rule ending in "plain" keys every record but pairs only where one side at least has no
    # lineage names (candidate_pairs_sql): a plain list's record meets the registry's.
    p = ", plain AS p" if plain else ""
    keyed = {
        side: f"SELECT rid, {_key_sql(names)} AS k, {y} AS y{p} FROM {side} "
        f"WHERE {_key_sql(names)} IS NOT NULL" + (" AND yr IS NOT NULL" if year else "")
        for side in ("lt", "rt")
    }
    # Frequency-aware: a block of more than ``cap`` records says little and costs
    # quadratically, so this rule skips it (counted over both lists when linking).
    every = keyed["lt"] if dedupe else f"{keyed['lt']} UNION ALL {keyed['rt']}"
    sizes = f"(SELECT k, y FROM ({every}) e GROUP BY k, y HAVING count(*) <= {cap})"
    blocks = {
        side: f"(SELECT s.rid, s.k, s.y{', s.p' if plain else ''} FROM ({keyed[side]}) s "
        f"JOIN {sizes} c "
        "ON s.k = c.k AND s.y = c.y)"
        for side in ("lt", "rt")
    }
    return blocks["lt"], blocks["rt"]


def candidate_pairs_sql(dedupe: bool, cap: int = BLOCK_CAP) -> str:
    """Candidate pairs from tables ``lt`` and ``rt`` (the same table when deduplicating).

    Every rule pairs records of one block; a rule ending in ``yr`` also pairs the block of
    year y with the block of year y + 1 (birth years one apart).
    """
    selects = []
    ctes = []
    for i, (rule, attrs) in enumerate(BLOCKING_RULES.items()):
        left, right = _rule_blocks(rule, attrs, dedupe, cap)
        ctes.append(f"l{i} AS {left}")
        if dedupe:
            r = f"l{i}"
        else:
            ctes.append(f"r{i} AS {right}")
            r = f"r{i}"
        order = " AND a.rid < b.rid" if dedupe else ""
        if attrs[-1] == "plain":
            # Driven from the plain side, so the cost follows the plain records, not the blocks.
            if dedupe:
                selects.append(
                    f"SELECT least(a.rid, b.rid) AS rid_l, greatest(a.rid, b.rid) AS rid_r "
                    f"FROM l{i} a JOIN l{i} b ON a.k = b.k AND a.rid <> b.rid "
                    "WHERE a.p IS NOT NULL"
                )
            else:
                for plain_side in ("a", "b"):
                    selects.append(
                        f"SELECT a.rid AS rid_l, b.rid AS rid_r FROM l{i} a JOIN {r} b "
                        f"ON a.k = b.k WHERE {plain_side}.p IS NOT NULL"
                    )
            continue
        selects.append(
            f"SELECT a.rid AS rid_l, b.rid AS rid_r FROM l{i} a JOIN {r} b "
            f"ON a.k = b.k AND a.y = b.y{order}"
        )
        if attrs[-1] == "yr":
            if dedupe:
                selects.append(
                    f"SELECT least(a.rid, b.rid) AS rid_l, greatest(a.rid, b.rid) AS rid_r "
                    f"FROM l{i} a JOIN l{i} b ON a.k = b.k AND b.y = a.y + 1"
                )
            else:
                selects.append(
                    f"SELECT a.rid AS rid_l, b.rid AS rid_r FROM l{i} a JOIN {r} b "
                    "ON a.k = b.k AND (b.y = a.y + 1 OR a.y = b.y + 1)"
                )
    return "WITH " + ",\n".join(ctes) + "\n" + "\nUNION\n".join(selects)


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


def _int(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def dob_levels(
    left: pd.DataFrame, right: pd.DataFrame, rl: np.ndarray, rr: np.ndarray
) -> np.ndarray:
    """Birth-date levels of pairs, vectorised; the same rules as ``comparisons.DOB_LEVEL_SQL``."""
    ya, yb = _int(left["yr"])[rl], _int(right["yr"])[rr]
    ma, mb = _int(left["mo"])[rl], _int(right["mo"])[rr]
    da, db = _int(left["dy"])[rl], _int(right["dy"])[rr]
    pa, pb = left["precise"].to_numpy()[rl], right["precise"].to_numpy()[rr]
    both = pa & pb & (ya == yb)
    out = np.zeros(len(rl), dtype=np.int8)
    out[np.abs(ya - yb) <= 1] = 1
    out[(ya == yb) & ~(pa & pb)] = 2
    out[both] = 1
    out[both & ((ma == mb) | (da == db))] = 3
    out[both & (ma == db) & (da == mb)] = 4
    out[both & (ma == mb) & (da == db)] = 5
    out[np.isnan(ya) | np.isnan(yb)] = -1
    return out


def exact_levels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = (a == b).astype(np.int8)
    out[pd.isna(a) | pd.isna(b)] = -1
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
    # Given and family crosswise only where the given names disagree (comparisons.SWAPPED_FIELDS).
    other = np.flatnonzero(arrays["lv_given_name"] == 0)
    for swapped, (field_l, field_r) in SWAPPED_FIELDS.items():
        lv = np.full(len(rl), -1, dtype=np.int8)
        lv[other] = _name_pair_levels(engine, left, right, rl[other], rr[other], field_l, field_r)
        arrays[f"lv_{swapped}"] = lv
    arrays["lv_date_of_birth"] = dob_levels(lf, rf, rl, rr)
    for col in ("sex", "nationality"):
        arrays[f"lv_{col}"] = exact_levels(lf[col].to_numpy()[rl], rf[col].to_numpy()[rr])
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
    a = left.frame[f"{field_l}_id"].to_numpy()[rl].astype(np.int64)
    b = right.frame[f"{field_r}_id"].to_numpy()[rr].astype(np.int64)
    present = (a >= 0) & (b >= 0)
    out = np.full(len(rl), -1, dtype=np.int8)
    if present.any():
        width = int(right.frame[f"{field_r}_id"].max()) + 1
        codes, uniq = pd.factorize(a[present] * width + b[present], sort=False)
        distinct = pd.DataFrame(
            {"i": np.arange(len(uniq), dtype=np.int64), "a": uniq // width, "b": uniq % width}
        )
        got = engine.name_levels(distinct, left.names[field_l], right.names[field_r])
        lv = np.empty(len(uniq), dtype=np.int8)
        lv[got["i"]] = got["lv"]
        out[present] = lv[codes]
    return out


class Engine(Protocol):
    name: str

    def candidate_pairs(
        self, left: Prepared, right: Prepared | None
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def name_levels(
        self, distinct: pd.DataFrame, left_names: pd.DataFrame, right_names: pd.DataFrame
    ) -> dict[str, np.ndarray]: ...


def _sorted(rl: np.ndarray, rr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((rr, rl))
    return np.asarray(rl, dtype=np.int64)[order], np.asarray(rr, dtype=np.int64)[order]


def candidate_levels(engine: Engine, left: Prepared, right: Prepared | None) -> Arrays:
    """Levels of every candidate pair (dedupe when ``right`` is None)."""
    rl, rr = engine.candidate_pairs(left, right)
    return pair_levels(engine, left, right if right is not None else left, rl, rr)


def random_levels(
    engine: Engine, left: Prepared, right: Prepared | None, n: int, seed: int
) -> Arrays:
    """Levels of random record pairs (for u)."""
    sample = random_pairs(len(left), None if right is None else len(right), n, seed)
    rl, rr = _sorted(sample["rid_l"].to_numpy(), sample["rid_r"].to_numpy())
    return pair_levels(engine, left, right if right is not None else left, rl, rr)


_BLOCK_COLUMNS = (
    "rid", "yr", "sex", "dob", "plain", "names_set_b", *(f"{f}_b" for f in NAME_FIELDS)
)  # fmt: skip


class DuckDBEngine:
    """DuckDB in-process: the default, for one machine."""

    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        import duckdb

        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute("SET preserve_insertion_order = false")

    def _table(self, name: str, df: pd.DataFrame) -> None:
        self.con.register(f"{name}_df", df)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_df")
        self.con.unregister(f"{name}_df")

    def candidate_pairs(
        self, left: Prepared, right: Prepared | None
    ) -> tuple[np.ndarray, np.ndarray]:
        self._table("lt", left.frame[list(_BLOCK_COLUMNS)])
        if right is None:
            self.con.execute("CREATE OR REPLACE TEMP VIEW rt AS SELECT * FROM lt")
        else:
            self._table("rt", right.frame[list(_BLOCK_COLUMNS)])
        got = self.con.execute(candidate_pairs_sql(right is None)).fetchnumpy()
        return _sorted(got["rid_l"], got["rid_r"])

    def name_levels(
        self, distinct: pd.DataFrame, left_names: pd.DataFrame, right_names: pd.DataFrame
    ) -> dict[str, np.ndarray]:
        self._table("np", distinct)
        self._table("nl", left_names)
        self._table("nr", right_names)
        got = self.con.execute(name_levels_sql()).fetchnumpy()
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
    ) -> tuple[np.ndarray, np.ndarray]:
        self._frame(left.frame[list(_BLOCK_COLUMNS)], "lt")
        if right is None:
            self.spark.sql("SELECT * FROM lt").createOrReplaceTempView("rt")
        else:
            self._frame(right.frame[list(_BLOCK_COLUMNS)], "rt")
        pdf = self.spark.sql(candidate_pairs_sql(right is None)).toPandas()
        return _sorted(pdf["rid_l"].to_numpy(), pdf["rid_r"].to_numpy())

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
