"""Reading reference lists: person-record CSV or XLSX (DESIGN.md columns), UN Consolidated List XML.

Readers return every row they could read and every error with its row and field, so an officer fixes
a file in one go. :func:`import_reference_list` imports nothing of a file with errors unless told to
skip the bad rows. XML is parsed with defusedxml: no DTDs, no entities, no network.

One module per reader: ``records`` (person-record CSV and XLSX), ``unlist`` (the UN Security Council
Consolidated List XML); ``rows`` holds what they share and ``importing`` the import itself. Import
from here: ``from muster.screening import imports``."""

from muster.screening.imports.importing import (
    READERS,
    ImportResult,
    current_lists,
    detect_format,
    import_reference_list,
)
from muster.screening.imports.records import (
    read_csv,
    read_xlsx,
)
from muster.screening.imports.rows import (
    ARABIC,
    KUNYA,
    ImportRefused,
    ParsedList,
    RowError,
    TooManyRows,
)
from muster.screening.imports.unlist import (
    read_un_xml,
)

__all__ = [
    "ARABIC",
    "KUNYA",
    "RowError",
    "ParsedList",
    "TooManyRows",
    "ImportRefused",
    "read_csv",
    "read_xlsx",
    "read_un_xml",
    "detect_format",
    "READERS",
    "ImportResult",
    "import_reference_list",
    "current_lists",
]
