"""The one entry point of every format: a file (or an upload's bytes), its size checked, handed to
the reader its first bytes name (a zip: XLSX or ODK Central CSVs; JSON; CSV)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _

from muster.core.encoding import likely_encoding
from muster.intake.kobo.json_pages import _read_json
from muster.intake.kobo.records import MAX_BYTES, MAX_UNZIPPED, REPEAT, ImportBatch, ImportFileError
from muster.intake.kobo.tables import _csv_rows, _join, _read_csv_persons
from muster.intake.kobo.xlsx import _read_kobo_xlsx


def read_export(path: str | Path) -> ImportBatch:
    """Read a Kobo or ODK Central export, whichever of the formats the package reads."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(path.name, _unreadable(exc)) from None
    if size == 0:
        raise ImportFileError(path.name, _("the file is empty"))
    if size > MAX_BYTES:
        raise ImportFileError(path.name, _too_large(size))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(path.name, _unreadable(exc)) from None
    return read_export_data(path.name, data)


def read_export_data(name: str, data: bytes) -> ImportBatch:
    """Read an export already in memory (an upload); ``name`` is the file's name, for messages."""
    if not data:
        raise ImportFileError(name, _("the file is empty"))
    if len(data) > MAX_BYTES:
        raise ImportFileError(name, _too_large(len(data)))
    if data[:4] == b"PK\x03\x04":
        try:
            return _read_zip(name, data)
        except ImportFileError:
            raise
        except (zipfile.BadZipFile, ParseError, KeyError, IndexError, ValueError, OSError) as exc:
            # A damaged zip or workbook fails in many places; the user needs one line, not which.
            problem = _("cannot be read as an export (%(reason)s)") % {"reason": exc}
            raise ImportFileError(name, problem) from None
    if Path(name).suffix.lower() in (".zip", ".xlsx"):
        raise ImportFileError(name, _("is not a zip archive (nor an .xlsx workbook)"))
    text = _decode(name, data)
    if text.lstrip()[:1] in ("{", "["):
        return _read_json(name, text)
    return _read_csv_persons(name, text)


def _decode(name: str, data: bytes) -> str:
    encoding = likely_encoding(data)
    if encoding:
        # Decoded, the zeros of UTF-16 would pass as text and the header be quoted with them.
        problem = _("is not UTF-8 text, it looks like %(encoding)s; export or save it as UTF-8")
        raise ImportFileError(name, problem % {"encoding": encoding})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = _("is not UTF-8 text (byte %(byte)s); export or save it as UTF-8")
        raise ImportFileError(name, problem % {"byte": exc.start + 1}) from None


def _read_zip(name: str, data: bytes) -> ImportBatch:
    archive = zipfile.ZipFile(io.BytesIO(data))
    if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
        problem = _("inflates to more than %(mb)s MB") % {"mb": MAX_UNZIPPED // 2**20}
        raise ImportFileError(name, problem)
    names = archive.namelist()
    if "xl/workbook.xml" in names:
        return _read_kobo_xlsx(name, archive)
    csvs = [n for n in names if n.lower().endswith(".csv") and "/" not in n.strip("/")]
    members = [n for n in csvs if n.lower().endswith(f"-{REPEAT}.csv")]
    mains = [n for n in csvs if n not in members and "-" not in Path(n).stem]
    if not csvs:
        raise ImportFileError(name, _("the zip holds no CSV file (is it an ODK Central export?)"))
    if len(mains) != 1 or len(members) != 1:
        problem = _("expected %(main)s and %(members)s in the zip; found %(found)s") % {
            "main": "FORM.csv",
            "members": f"FORM-{REPEAT}.csv",
            "found": ", ".join(csvs),
        }
        raise ImportFileError(name, problem)
    main_rows = _csv_rows(mains[0], _decode(mains[0], archive.read(mains[0])))
    member_rows = _csv_rows(members[0], _decode(members[0], archive.read(members[0])))
    return _join("odk-central-csv-zip", main_rows, member_rows, member_source=members[0])


def _unreadable(exc: OSError) -> str:
    return _("cannot be read (%(reason)s)") % {"reason": exc.strerror or exc}


def _too_large(size: int) -> str:
    return _(
        "the file is %(size)s MB; at most %(max)s MB can be imported at once (split the export "
        "by date)"
    ) % {"size": f"{size / 1024 / 1024:.0f}", "max": MAX_BYTES // 1024 // 1024}
