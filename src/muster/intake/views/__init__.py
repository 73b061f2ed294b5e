"""Reception pages: register a household on one page, the possible earlier registrations of the
person being typed, a late member added to a household, a document's machine-readable zone read as
it is scanned or typed; households submitted from KoboToolbox / ODK uploaded as a file, imported
(while the officer waits, or by the worker with its progress shown), and the per-row report. URL
names are in ``intake/urls.py``, which reads the package: ``reception`` and ``imports``."""

from muster.intake.views.imports import (
    submissions_form,
    submissions_import,
    submissions_import_detail,
    submissions_import_report,
)
from muster.intake.views.reception import (
    household_add_member,
    reception,
    reception_matches,
    reception_mrz,
)

__all__ = [
    "household_add_member",
    "reception",
    "reception_matches",
    "reception_mrz",
    "submissions_form",
    "submissions_import",
    "submissions_import_detail",
    "submissions_import_report",
]
