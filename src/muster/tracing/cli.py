"""The `muster trace match` command: rank registered persons for each tracing request in a CSV."""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from muster.identity import PERSON_COLUMNS, PersonCsvError, read_person_csv

from .matching import REQUEST_FIELDS, RequestError, TracingIndex, check_request

OUT_COLUMNS = ("record_id_a", "record_id_b", "score", "rank", "confident", "explanation")
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
    trace.set_defaults(func=run, django=False)
    return trace


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
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise RequestError(f"cannot read {path}: {exc.strerror}") from None
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
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header = [h.strip() for h in next(csv.reader(fh))]
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
            for request in requests:
                for rank, c in enumerate(index.candidates(request, top=args.top), start=1):
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
