"""Reading submissions of Muster's household form from KoboToolbox and ODK Central exports.

Pure Python, no Django: :func:`read_export` turns a file into :class:`Submission` records shaped like
Muster's registration input (a household, head first, with its members and their documents), each
with the submission's own id (``_uuid`` / ``instanceID``) so a second import can recognise it.
:func:`check_submissions` then runs Muster's validation, passed in by the caller, row by row.
Every row ends up accepted or refused with its reasons (row, member, field, problem) in a report
(:func:`write_report`); a file that cannot be read at all raises :class:`ImportFileError` with one line.

Formats read:
- Kobo XLSX export: the submissions on the first sheet, the members on their own sheet (``members``),
  joined by ``_submission__uuid`` to ``_uuid``, or by ``_parent_index`` to ``_index``.
- CSV with ``;`` (or ``,``) separator and one row per person, grouped by submission id. Kobo's own CSV
  export leaves repeat groups out, so a CSV holding no member columns is refused with that reason.
- Kobo API v2 JSON (``/api/v2/assets/<uid>/data/``): a ``results`` list, each with its ``members``
  list of group-prefixed answers (``members/given_name``).
- ODK Central CSV zip: ``<form>.csv`` and ``<form>-members.csv`` joined by ``PARENT_KEY`` to ``KEY``.
- ODK Central OData JSON (``Submissions?$expand=*``): a ``value`` list with nested groups and repeats.

The package: the records (``records``), answers as registration input (``mapping``), the readers
(``readers`` dispatching to ``tables``, ``xlsx``, ``json_pages``), the checks (``checks``) and the
report (``report``). Callers import from the package.
"""

from muster.intake.kobo.checks import check_submissions, document_problems, refuse_with
from muster.intake.kobo.readers import read_export, read_export_data
from muster.intake.kobo.records import (
    DUPLICATE,
    IMPORTED,
    MAX_BYTES,
    MAX_UNZIPPED,
    MEMBER_FIELDS,
    NAME_FIELDS,
    OK,
    RECEPTION_POINT,
    REFUSED,
    REPEAT,
    REPORT_COLUMNS,
    REQUIRED_MEMBER_COLUMNS,
    ImportBatch,
    ImportFileError,
    Problem,
    Submission,
)
from muster.intake.kobo.report import report_rows, write_report

__all__ = [
    "DUPLICATE",
    "IMPORTED",
    "MAX_BYTES",
    "MAX_UNZIPPED",
    "MEMBER_FIELDS",
    "NAME_FIELDS",
    "OK",
    "RECEPTION_POINT",
    "REFUSED",
    "REPEAT",
    "REPORT_COLUMNS",
    "REQUIRED_MEMBER_COLUMNS",
    "ImportBatch",
    "ImportFileError",
    "Problem",
    "Submission",
    "check_submissions",
    "document_problems",
    "read_export",
    "read_export_data",
    "refuse_with",
    "report_rows",
    "write_report",
]
