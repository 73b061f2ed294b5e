"""Derive the shipped Arabic-name variant table from the arabic-name-romanizer name index.

Run by hand when the source wheel changes; the output is committed to the package so that
nothing is downloaded at run time.  Source: arabic-name-romanizer 0.2.0 (MIT), whose name
index is built from Wikidata (CC0) and the Algerian Name Transcription Corpus (CC0).

    pip download arabic-name-romanizer==0.2.0 --no-deps -d /tmp/anr
    python bench/identity_build_variants.py /tmp/anr/x/arabic_name_romanizer/resources/names.sqlite3
"""

from __future__ import annotations

import csv
import re
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).parent.parent / "src/muster/identity/internals/data/name_variants.csv"
LATIN_OK = re.compile(r"^[A-Za-z][A-Za-z' \-]{1,30}$")


def main(db_path: str) -> None:
    con = sqlite3.connect(db_path)
    by_key: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for arabic_key, latin, count in con.execute("SELECT arabic_key, latin, count FROM units"):
        latin = unicodedata.normalize("NFKD", latin)
        latin = "".join(c for c in latin if not unicodedata.combining(c))
        if not LATIN_OK.match(latin):
            continue
        # Spaces inside Arabic units vary ("عبد الرحمن" / "عبدالرحمن"): key without them.
        by_key[arabic_key.replace(" ", "")][latin.strip().title()] += count
    rows = []
    for key, spellings in by_key.items():
        total = sum(spellings.values())
        if total < 3:
            continue
        for latin, count in spellings.items():
            if count >= 2 and count / total >= 0.03:
                rows.append((key, latin, count))
    rows.sort(key=lambda r: (r[0], -r[2], r[1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["arabic", "latin", "count"])
        w.writerows(rows)
    print(f"{len(rows)} rows, {len({r[0] for r in rows})} Arabic names -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
