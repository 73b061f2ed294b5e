"""The `muster trace` commands: ``match`` ranks registered persons for each tracing request in a
CSV; ``import`` opens requests from a list of the missing (CSV, XLSX, PFIF); ``export`` writes
the requests as PFIF 1.4."""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from muster.core.cli import CommandError
from muster.core.encoding import likely_encoding
from muster.identity import PERSON_COLUMNS, PersonCsvError, person_csv_header, read_person_csv
from muster.textfiles import START

from .matching import REQUEST_FIELDS, RequestError, TracingIndex, check_request

OUT_COLUMNS = ("record_id_a", "record_id_b", "score", "rank", "confident", "explanation")
# TracingRequest.Status, spelled out: the parser is built before Django is set up.
STATUSES = ("open", "candidate_found", "verifying", "reunited", "closed")
# The columns a file must name: the id, and the given name a family always gives.
REQUIRED = ("record_id", "given_name")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``trace match`` to the main ``muster`` parser."""
    trace = subparsers.add_parser(
        "trace",
        help="family tracing: find the persons sought among the registered",
        description="Family tracing on CSV files (person-record layout, DESIGN.md).",
    )
    sub = trace.add_subparsers(dest="trace_command", required=True)
    m = sub.add_parser(
        "match",
        help="rank registered persons for each tracing request",
        description="For each request in REQUESTS.csv (person-record layout plus "
        f"{', '.join(REQUEST_FIELDS)}), write up to --top candidates from REGISTRY.csv, best "
        "first: record_id_a (request), record_id_b (registry), score (bits), rank, confident, "
        "explanation (each field's level and weight).",
    )
    m.add_argument("requests", metavar="REQUESTS.csv")
    m.add_argument("registry", metavar="REGISTRY.csv")
    m.add_argument("--out", required=True, help="CSV file to write")
    m.add_argument("--top", type=_top, default=10, help="candidates per request (default 10)")
    m.add_argument("--quiet", action="store_true", help="no progress on stderr")
    m.set_defaults(func=run, django=False)
    i = sub.add_parser(
        "import",
        help="import a list of the missing (CSV, XLSX or PFIF 1.4) as tracing requests",
        description="Open a tracing request for each row of FILE (CSV or XLSX with a header row "
        "naming the request fields, or PFIF 1.4 XML). Prints one line per row: created, "
        "duplicate (imported before: nothing changes) or refused with the field and reason. "
        "Exit code 1 if any row is refused or the file cannot be read.",
    )
    i.add_argument("file", metavar="FILE")
    i.add_argument("--office", default="", help="the office, for rows that name none")
    i.set_defaults(func=run_import, django=True)
    e = sub.add_parser(
        "export",
        help="export tracing requests as PFIF 1.4 XML",
        description="Write the tracing requests as PFIF 1.4 (Person Finder Interchange Format). "
        "Requesters' names and contacts are left out unless --with-contacts, caseworkers' notes "
        "unless --include-notes. The export is on the audit log, with whether each was included.",
    )
    e.add_argument("--pfif", required=True, metavar="OUT.xml", help="file to write")
    e.add_argument(
        "--status",
        action="append",
        choices=STATUSES,
        help="only requests in this status (repeatable; default: all)",
    )
    e.add_argument("--with-contacts", action="store_true", help="include the requesters")
    e.add_argument(
        "--include-notes",
        action="store_true",
        help="include the caseworkers' notes on each request (free text, which may hold phone "
        "numbers and names); left out by default",
    )
    e.add_argument(
        "--domain",
        help="domain of the person_record_ids (default: MUSTER_PFIF_DOMAIN, else muster.local)",
    )
    e.set_defaults(func=run_export, django=True)
    return trace


def run_import(args: argparse.Namespace) -> int:
    """``muster trace import FILE``: the per-row report on stdout, refusals make exit code 1."""
    from django.core.exceptions import ValidationError

    from muster.core.errors import one_line
    from muster.core.uploads import MAX_UPLOAD_BYTES
    from muster.tracing.services import imports as tracing_imports

    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(f"{path}: the file is larger than 50 MB; split it")
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    try:
        report = tracing_imports.import_requests(data, file_name=path.name, office=args.office)
    except ValidationError as exc:
        raise CommandError(f"{path}: {one_line(exc)}") from None
    for outcome in sorted(report.outcomes, key=lambda o: o.row):
        print(outcome)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"{path.name} ({report.format}): {report.created} created, {report.duplicates} "
        f"duplicate(s), {report.refused} row(s) refused"
    )
    if report.refused:
        raise CommandError(f"{report.refused} row(s) of {path.name} refused; see the report above")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """``muster trace export --pfif OUT.xml``: the requests as PFIF 1.4, audited as an export."""
    from django.db import transaction

    from muster.core.conf import conf
    from muster.tracing.models import TracingRequest
    from muster.tracing.services import imports as tracing_imports

    out = Path(args.pfif)
    if not out.parent.exists():
        raise CommandError(f"cannot write {out}: folder {out.parent} not found")
    qs = TracingRequest.objects.order_by("created_at", "id")
    if args.status:
        qs = qs.filter(status__in=args.status)
    with transaction.atomic():
        xml = tracing_imports.export_pfif(
            qs.iterator(chunk_size=2000),
            domain=args.domain or conf().PFIF_DOMAIN,
            include_contacts=args.with_contacts,
            include_notes=args.include_notes,
            purpose="muster trace export",
        )
        try:
            out.write_bytes(xml)
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror}") from None
    print(f"Wrote {out} ({len(xml):,} bytes).", file=sys.stderr)
    return 0


def _top(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def read_requests(path: str | Path) -> list[dict[str, str]]:
    """Read a tracing-request CSV; raise RequestError naming the row and column."""
    path = Path(path)
    try:
        with path.open("rb") as raw:
            start = raw.read(START)
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise RequestError(f"cannot read {path}: {exc.strerror}") from None
    if likely_encoding(start):
        raise RequestError(
            f"{path.name}: is not UTF-8 text, it looks like {likely_encoding(start)}; save it as "
            "CSV UTF-8"
        )
    known = (*PERSON_COLUMNS, *REQUEST_FIELDS)
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    line = 1
    with fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
            _check_header(header, known)
            for line, values in enumerate(reader, start=2):
                if not values:
                    continue
                if len(values) != len(header):
                    raise RequestError(
                        f"row {line}: has {len(values)} fields, the header has {len(header)}"
                    )
                try:
                    row = check_request(dict(zip(header, values, strict=True)), row=line)
                except PersonCsvError as exc:
                    raise RequestError(str(exc)) from None
                if row["record_id"] in seen:
                    raise RequestError(
                        f"row {line}, column record_id: record_id '{row['record_id']}' appears twice"
                    )
                seen.add(row["record_id"])
                out.append(row)
        except StopIteration:
            raise RequestError("the file is empty; expected a header row") from None
        except UnicodeDecodeError:
            raise RequestError(f"row {line + 1}: is not UTF-8 text") from None
        except csv.Error as exc:
            raise RequestError(f"row {line + 1}: malformed CSV: {exc}") from None
    return out


def _check_header(header: list[str], known: tuple[str, ...]) -> None:
    for h in header:
        if h not in known:
            raise RequestError(f"row 1, column {h}: unknown column; known: {', '.join(known)}")
    for col in REQUIRED:
        if col not in header:
            raise RequestError(f"row 1: header has no {col} column")
    if len(set(header)) != len(header):
        twice = next(h for h in header if header.count(h) > 1)
        raise RequestError(f"row 1, column {twice}: named twice in the header")


def _read_registry(path: str) -> list[dict[str, str]]:
    try:
        records = read_person_csv(path)
    except PersonCsvError as exc:
        raise RequestError(str(exc)) from None
    header = person_csv_header(path)
    for col in REQUIRED:
        if col not in header:
            raise RequestError(f"row 1: header has no {col} column")
    return records


def run(args: argparse.Namespace) -> int:
    """Run ``muster trace match``; errors as one line on stderr, exit code 2."""
    start = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - start:6.1f}s] {message}", file=sys.stderr, flush=True)

    try:
        out = Path(args.out)
        if not out.parent.exists():
            raise RequestError(f"cannot write {out}: folder {out.parent} not found")
        if out.is_dir():
            raise RequestError(f"--out: {out} is a folder; name a file to write")
        for source in (args.requests, args.registry):
            # Written over, the requests or the registry would be lost (the run still exited 0).
            if out.resolve() == Path(source).resolve() or (
                out.exists() and Path(source).exists() and out.samefile(source)
            ):
                raise RequestError(f"--out: {out} is also an input file; write to another file")
        try:
            requests = read_requests(args.requests)
        except RequestError as exc:
            raise RequestError(f"{args.requests}: {exc}") from None
        try:
            registry = _read_registry(args.registry)
        except RequestError as exc:
            raise RequestError(f"{args.registry}: {exc}") from None
        progress(f"read {len(requests):,} requests and {len(registry):,} registered")
        index = TracingIndex(registry)
        del registry
        progress("index built")
        written = 0
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(OUT_COLUMNS)
            # The whole file at once: a registration another request claims far more
            # strongly (a sibling's) ranks lower (TracingIndex.candidates_jointly).
            found = index.candidates_jointly(requests, top=args.top)
            for request, candidates in zip(requests, found, strict=True):
                for rank, c in enumerate(candidates, start=1):
                    writer.writerow(
                        [request["record_id"], c.record_id, f"{c.score:.2f}", rank,
                         "1" if c.confident else "0", c.explanation_text()]
                    )  # fmt: skip
                    written += 1
        progress(f"wrote {written:,} candidates for {len(requests):,} requests to {out}")
    except RequestError as exc:
        print(f"muster trace match: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"muster trace match: error: {exc}", file=sys.stderr)
        return 2
    return 0
