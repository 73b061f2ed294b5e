"""Records to the columnar form the engines compare: name keys, date parts, blocking keys."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .comparisons import NAME_FIELDS, NAME_PART
from .names import normalise_name
from .records import Record

# Candidate generation.  Each rule is a conjunction of record attributes; two records become a
# candidate pair when any rule's attributes are all present and equal.  Names enter as
# consonant skeletons, which Arabic script and every Latin spelling share, so a pair is not
# lost before scoring because one list wrote محمد and the other Mohamed.  Three-part keys keep
# the pair count near-linear even for "Muhammad son of Muhammad"; blocks larger than
# BLOCK_CAP are dropped for that rule (the other rules still see those records).
BLOCKING_RULES: dict[str, tuple[str, ...]] = {
    "b_given_father_year": ("given_name_s", "father_name_s", "yr"),
    "b_given_father_grandfather": ("given_name_s", "father_name_s", "grandfather_name_s"),
    "b_father_grandfather_year_sex": ("father_name_s", "grandfather_name_s", "yr", "sex"),
    "b_given_family_year": ("given_name_s", "family_name_s", "yr"),
    "b_given_mother_year": ("given_name_s", "mother_name_s", "yr"),
}
BLOCK_CAP = 400


def _name_columns(values: pd.Series, part: str, prefix: str) -> dict[str, np.ndarray]:
    codes, uniques = pd.factorize(values.fillna(""), sort=False)
    keys = [normalise_name(u, part) for u in uniques]
    cols: dict[str, np.ndarray] = {}
    for suffix, attr in (("f", "folded"), ("k1", "key1"), ("k2", "key2"), ("c", "canon")):
        arr = np.array([getattr(k, attr) for k in keys] or [""], dtype=object)
        cols[f"{prefix}_{suffix}"] = arr[codes] if len(codes) else arr[:0]
    script = np.array([k.script for k in keys] or [""], dtype=object)
    skel = np.array([k.skeleton or None for k in keys] or [None], dtype=object)
    cols[f"{prefix}_sc"] = script[codes] if len(codes) else script[:0]
    cols[f"{prefix}_s"] = skel[codes] if len(codes) else skel[:0]
    folded = cols[f"{prefix}_f"]
    cols[f"{prefix}_f"] = np.where(folded == "", None, folded)
    return cols


def prepare(records: Sequence[Record] | pd.DataFrame) -> pd.DataFrame:
    """One row per record, ``rid`` its position, with every column the SQL comparisons read."""
    df = records if isinstance(records, pd.DataFrame) else pd.DataFrame.from_records(records)
    n = len(df)
    out: dict[str, object] = {"rid": np.arange(n, dtype=np.int64)}
    out["record_id"] = df["record_id"].astype(str).to_numpy() if n else np.array([], dtype=object)
    for field in NAME_FIELDS:
        values = df[field] if field in df else pd.Series([""] * n)
        out.update(_name_columns(values, NAME_PART.get(field, "given"), field))
    dob = df["date_of_birth"].fillna("") if "date_of_birth" in df else pd.Series([""] * n)
    year = df["birth_year"].fillna("") if "birth_year" in df else pd.Series([""] * n)
    has_dob = dob.str.len() == 10
    yr = pd.to_numeric(dob.str[:4].where(has_dob, year), errors="coerce")
    mo = pd.to_numeric(dob.str[5:7].where(has_dob), errors="coerce")
    dy = pd.to_numeric(dob.str[8:10].where(has_dob), errors="coerce")
    out["yr"] = yr.astype("Int32").to_numpy()
    out["mo"] = mo.astype("Int32").to_numpy()
    out["dy"] = dy.astype("Int32").to_numpy()
    # A 1 January date is the registration default for an unknown birthday: worth a year only.
    out["precise"] = (has_dob & ~((mo == 1) & (dy == 1))).to_numpy()
    for col in ("sex", "nationality"):
        vals = df[col].fillna("").astype(str).to_numpy(dtype=object) if col in df else None
        out[col] = np.where(vals == "", None, vals) if vals is not None else np.full(n, None)
    prepared = pd.DataFrame(out)
    for rule, attrs in BLOCKING_RULES.items():
        parts = [prepared[a].astype("string") for a in attrs]
        key = parts[0]
        for p in parts[1:]:
            key = key + "|" + p
        prepared[rule] = key.astype(object).where(key.notna(), None)
    return prepared
