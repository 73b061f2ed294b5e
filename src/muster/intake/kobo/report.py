"""The per-row report of an import: one line per submission accepted, per problem, per orphan row."""

from __future__ import annotations

import csv

from django.utils.translation import ngettext

from muster.core.spreadsheets import safe_cell
from muster.intake.kobo.records import DUPLICATE, IMPORTED, OK, REFUSED, REPORT_COLUMNS, ImportBatch


def _persons(n: int) -> str:
    return ngettext("%(n)s person", "%(n)s persons", n) % {"n": n}


def report_rows(batch: ImportBatch) -> list[dict]:
    """One line per accepted submission, one per problem of a refused one, one per orphan row."""
    rows = []
    for sub in batch.submissions:
        if sub.status in (OK, IMPORTED):
            rows.append(
                {"row": sub.row, "submission_id": sub.submission_id, "status": sub.status,
                 "household": sub.household, "problem": _persons(len(sub.members))}
            )  # fmt: skip
        elif sub.status == DUPLICATE:
            rows.append(
                {"row": sub.row, "submission_id": sub.submission_id, "status": DUPLICATE,
                 "household": sub.household, "field": "_uuid", "problem": sub.duplicate}
            )  # fmt: skip
        for p in sub.problems:
            rows.append(
                {"row": p.row, "submission_id": p.submission_id, "status": REFUSED,
                 "member": p.member, "member_row": p.member_row, "field": p.field,
                 "problem": p.message}
            )  # fmt: skip
    for p in batch.orphans:
        rows.append(
            {"row": "", "submission_id": "", "status": REFUSED, "member_row": p.member_row,
             "field": p.field, "problem": p.message}
        )  # fmt: skip
    return [{c: "" if r.get(c) is None else r.get(c) for c in REPORT_COLUMNS} for r in rows]


def write_report(batch: ImportBatch, out) -> None:
    """The per-row report as CSV (UTF-8, comma-separated, header row) on a text stream; a value
    from the file a spreadsheet would run as a formula is kept as text."""
    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in report_rows(batch))
