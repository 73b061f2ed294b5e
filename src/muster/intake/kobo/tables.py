"""Tables of answers (CSV text, workbook sheets): their rows by question name, the members' table
joined to the submissions', and the CSV holding one row per person grouped by submission id."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext

from muster.core.encoding import cell_too_large_message
from muster.intake.kobo.mapping import (
    _add_member,
    _column,
    _finish,
    _new_submission,
    _submission_id,
    _text,
)
from muster.intake.kobo.records import (
    REPEAT,
    REQUIRED_MEMBER_COLUMNS,
    ImportBatch,
    ImportFileError,
    Problem,
    Submission,
)
from muster.textfiles import CellTooLarge, CsvRows, csv_delimiter


def _csv_rows(name: str, text: str) -> list[tuple[int, dict]]:
    """(row number, {question name: answer}) of each data row; the header is row 1."""
    first = text.split("\n", 1)[0]
    delimiter = csv_delimiter(first)
    reader = CsvRows(io.StringIO(text, newline=""), delimiter)
    header: list[str] = []
    try:
        header = [_column(h) for h in next(reader)]
    except StopIteration:
        raise ImportFileError(name, gettext("the file is empty")) from None
    except CellTooLarge as exc:
        raise ImportFileError(name, cell_too_large_message(exc)) from None
    except csv.Error as exc:
        problem = gettext("is not a CSV file (%(reason)s)") % {"reason": exc}
        raise ImportFileError(name, problem) from None
    rows = []
    try:
        for number, values in enumerate(reader, start=2):
            if any(v.strip() for v in values):
                rows.append((number, dict(zip(header, values, strict=False))))
    except CellTooLarge as exc:
        raise ImportFileError(name, cell_too_large_message(exc, header)) from None
    except csv.Error as exc:
        problem = gettext("row %(row)s: %(message)s") % {"row": reader.line_num, "message": exc}
        raise ImportFileError(name, problem) from None
    return rows


def _require(name: str, rows: list[tuple[int, dict]], columns: Iterable[str], problem: str) -> None:
    """ImportFileError when the rows lack one of ``columns``; ``problem`` says so, naming the
    column (``%(column)s``)."""
    present = set(rows[0][1]) if rows else set()
    missing = [c for c in columns if c not in present]
    if rows and missing:
        raise ImportFileError(name, problem % {"column": f"{REPEAT}/{missing[0]}"})


# How a member row names its submission, and the submission's column it names: ODK Central's
# PARENT_KEY, Kobo's copied _submission__uuid, or Kobo's _parent_index (always there).
_LINKS = (("PARENT_KEY", "KEY"), ("_submission__uuid", "_uuid"), ("_parent_index", "_index"))


def _join(
    source: str,
    main_rows: list[tuple[int, dict]],
    member_rows: list[tuple[int, dict]],
    *,
    member_source: str,
) -> ImportBatch:
    missing = gettext(
        "missing column %(column)s in the members' sheet (is this an export of Muster's household "
        "form, with XML names as headers?)"
    )
    _require(member_source, member_rows, REQUIRED_MEMBER_COLUMNS, missing)
    batch = ImportBatch(source)
    by_link: dict[tuple[str, str], Submission] = {}
    for row, answers in main_rows:
        sub = _new_submission(row, answers)
        batch.submissions.append(sub)
        for _, column in _LINKS:
            if value := _text(answers.get(column)):
                by_link.setdefault((column, value), sub)
    for row, answers in member_rows:
        links = [(ref, col, _text(answers.get(ref))) for ref, col in _LINKS]
        links = [link for link in links if link[2]]
        sub = next((by_link[c, v] for _, c, v in links if (c, v) in by_link), None)
        if sub is None:
            named = ", ".join(f"{ref}={v}" for ref, _, v in links) or gettext(
                "no link to its submission"
            )
            message = gettext("member row of no submission in the file (%(links)s)")
            batch.orphans.append(Problem(0, "", "", message % {"links": named}, None, row))
            continue
        _add_member(sub, answers, row)
    return _finish(batch)


def _read_csv_persons(name: str, text: str) -> ImportBatch:
    rows = _csv_rows(name, text)
    if not rows:
        raise ImportFileError(name, gettext("has a header but no rows"))
    if "given_name" not in rows[0][1]:
        raise ImportFileError(
            name,
            gettext(
                "holds no household members (no given_name column). Kobo's CSV export leaves "
                "repeat groups out: export as XLS, or save its members sheet as CSV"
            ),
        )
    missing = gettext(
        "missing column %(column)s in the CSV (is this an export of Muster's household form, with "
        "XML names as headers?)"
    )
    _require(name, rows, REQUIRED_MEMBER_COLUMNS, missing)
    batch = ImportBatch("csv")
    by_id: dict[str, Submission] = {}
    for row, answers in rows:
        sid = (_text(answers.get("_submission__uuid")) or _submission_id(answers)).removeprefix(
            "uuid:"
        )
        sub = by_id.get(sid) if sid else None
        if sub is None:
            sub = _new_submission(row, answers, sid)
            batch.submissions.append(sub)
            if sid:
                by_id[sid] = sub
        _add_member(sub, answers, row)
    return _finish(batch)
