"""The verbs of reception: register a household at a reception point (people, placement, screening),
one typed at the table (``reception``) or many submitted from KoboToolbox / ODK and imported from a
file (``imports``). Callers import the package: ``from muster.intake import services as intake``."""

from muster.intake.services.imports import (
    BULK_CHUNK,
    IMPORT_CHUNK,
    check_import,
    fail_import,
    import_submissions,
    reception_points,
    rows_text,
    rows_without_point,
    start_import,
)
from muster.intake.services.reception import (
    check_documents,
    check_reception_point,
    register_household,
    register_late_member,
)

__all__ = [
    "BULK_CHUNK",
    "IMPORT_CHUNK",
    "check_documents",
    "check_import",
    "check_reception_point",
    "fail_import",
    "import_submissions",
    "reception_points",
    "register_household",
    "register_late_member",
    "rows_text",
    "rows_without_point",
    "start_import",
]
