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

from .comparisons import level_columns_sql
from .prepare import BLOCK_CAP, BLOCKING_RULES

Arrays = dict[str, np.ndarray]


def candidate_pairs_sql(dedupe: bool) -> str:
    """Candidate pairs from tables ``lt`` and ``rt`` (the same table when deduplicating)."""
    order = "AND l.rid < r.rid" if dedupe else ""
    selects = []
    for rule in BLOCKING_RULES:
        # Frequency-aware: a block of more than BLOCK_CAP records says little and costs
        # quadratically, so this rule skips it.
        capped = (
            f"(SELECT {rule} AS k FROM lt WHERE {rule} IS NOT NULL GROUP BY {rule} "
            f"HAVING count(*) <= {BLOCK_CAP})"
        )
        if not dedupe:
            capped = (
                f"(SELECT k FROM (SELECT {rule} AS k FROM lt WHERE {rule} IS NOT NULL "
                f"UNION ALL SELECT {rule} AS k FROM rt WHERE {rule} IS NOT NULL) s "
                f"GROUP BY k HAVING count(*) <= {BLOCK_CAP})"
            )
        selects.append(
            f"SELECT l.rid AS rid_l, r.rid AS rid_r FROM lt l JOIN rt r "
            f"ON l.{rule} = r.{rule} {order} WHERE l.{rule} IN {capped}"
        )
    return "\nUNION\n".join(selects)


def levels_sql(pairs_table: str) -> str:
    return (
        f"SELECT p.rid_l, p.rid_r,\n{level_columns_sql()}\nFROM {pairs_table} p "
        "JOIN lt l ON p.rid_l = l.rid JOIN rt r ON p.rid_r = r.rid"
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


class Engine(Protocol):
    name: str

    def candidate_levels(self, left: pd.DataFrame, right: pd.DataFrame | None) -> Arrays: ...

    def random_levels(
        self, left: pd.DataFrame, right: pd.DataFrame | None, n: int, seed: int
    ) -> Arrays: ...


def _sorted(arrays: Arrays) -> Arrays:
    order = np.lexsort((arrays["rid_r"], arrays["rid_l"]))
    return {k: np.asarray(v)[order] for k, v in arrays.items()}


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

    def _load(self, left: pd.DataFrame, right: pd.DataFrame | None) -> None:
        self.con.register("lt_df", left)
        self.con.execute("CREATE OR REPLACE TEMP TABLE lt AS SELECT * FROM lt_df")
        self.con.unregister("lt_df")
        if right is None:
            self.con.execute("CREATE OR REPLACE TEMP VIEW rt AS SELECT * FROM lt")
        else:
            self.con.register("rt_df", right)
            self.con.execute("CREATE OR REPLACE TEMP TABLE rt AS SELECT * FROM rt_df")
            self.con.unregister("rt_df")

    def _fetch(self, sql: str) -> Arrays:
        result = self.con.execute(sql).fetchnumpy()
        return _sorted({k: np.asarray(v) for k, v in result.items()})

    def candidate_levels(self, left: pd.DataFrame, right: pd.DataFrame | None) -> Arrays:
        self._load(left, right)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE pairs AS {candidate_pairs_sql(right is None)}"
        )
        return self._fetch(levels_sql("pairs"))

    def random_levels(
        self, left: pd.DataFrame, right: pd.DataFrame | None, n: int, seed: int
    ) -> Arrays:
        self._load(left, right)
        sample = random_pairs(len(left), None if right is None else len(right), n, seed)
        self.con.register("rand_pairs", sample)
        try:
            return self._fetch(levels_sql("rand_pairs"))
        finally:
            self.con.unregister("rand_pairs")


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

    def _load(self, left: pd.DataFrame, right: pd.DataFrame | None) -> None:
        self._frame(left, "lt")
        if right is None:
            self.spark.sql("SELECT * FROM lt").createOrReplaceTempView("rt")
        else:
            self._frame(right, "rt")

    def _fetch(self, sql: str) -> Arrays:
        pdf = self.spark.sql(sql).toPandas()
        return _sorted({c: pdf[c].to_numpy() for c in pdf.columns})

    def candidate_levels(self, left: pd.DataFrame, right: pd.DataFrame | None) -> Arrays:
        self._load(left, right)
        self.spark.sql(candidate_pairs_sql(right is None)).createOrReplaceTempView("pairs")
        return self._fetch(levels_sql("pairs"))

    def random_levels(
        self, left: pd.DataFrame, right: pd.DataFrame | None, n: int, seed: int
    ) -> Arrays:
        self._load(left, right)
        sample = random_pairs(len(left), None if right is None else len(right), n, seed)
        self._frame(sample, "rand_pairs")
        return self._fetch(levels_sql("rand_pairs"))


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
