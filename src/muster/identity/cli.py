"""The `muster match` command: deduplicate one person-record CSV or link two."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from .internals.model import Model, ModelFileError
from .internals.pipeline import DEDUPE_THRESHOLD, LINK_THRESHOLD, dedupe, link
from .internals.records import (
    DATE_ORDERS,
    PersonCsvError,
    read_person_frame,
    unread_nationalities,
)
from .internals.training import ModelReport


def add_match_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``match dedupe`` and ``match link`` to the main ``muster`` parser."""
    match = subparsers.add_parser(
        "match",
        help="find the same person across person-record CSV files",
        description="Identity resolution on person-record CSV files (layout in DESIGN.md).",
    )
    sub = match.add_subparsers(dest="match_command", required=True)

    def common(p: argparse.ArgumentParser, threshold: float | None, shown: str) -> None:
        p.add_argument("--out", required=True, help="CSV file to write (-: standard output)")
        p.add_argument(
            "--threshold",
            type=_probability,
            default=threshold,
            help=f"match probability to accept a pair (default {shown})",
        )
        p.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
        p.add_argument(
            "--model",
            metavar="FILE",
            help="score with this model (JSON written by --save-model) instead of training one",
        )
        p.add_argument(
            "--save-model",
            metavar="FILE",
            help="write the model that scored this run (JSON), to reuse it with --model",
        )
        p.add_argument(
            "--dates",
            choices=DATE_ORDERS,
            help="the order of dates written with the day or month first (03/05/1990): dmy for "
            "3 May, mdy for 5 March; by default the file's own dates must say (one with a "
            "number over 12 there)",
        )
        p.add_argument(
            "--encoding",
            metavar="NAME",
            help="the CSV's text encoding where it is not UTF-8 (UTF-16 with its byte-order mark "
            "is read as such): cp1256 for Windows Arabic, cp1252 for Windows Western",
        )
        p.add_argument(
            "--quiet",
            action="store_true",
            help="no progress and no model report on stderr (warnings are still printed)",
        )

    d = sub.add_parser("dedupe", help="group the records of one file into persons")
    d.add_argument(
        "input",
        help="person-record CSV (commas, semicolons or tabs) or Excel workbook (its first sheet)",
    )
    common(d, DEDUPE_THRESHOLD, str(DEDUPE_THRESHOLD))
    d.add_argument(
        "--pairs",
        metavar="FILE",
        help="also write the accepted pairs (CSV: both record ids, score, match weight, how each "
        "field compared, and same_person: False where the clustering kept the two apart, as a "
        "record that fits two persons alike or two clusters that conflict)",
    )
    lk = sub.add_parser("link", help="pairs of records, one from each file, that are one person")
    lk.add_argument("input_a", help="person-record CSV or workbook (e.g. the registry)")
    lk.add_argument("input_b", help="person-record CSV or workbook (e.g. a reference list)")
    # None: link's own default, which depends on --all-pairs.
    common(lk, None, f"{DEDUPE_THRESHOLD}; with --all-pairs {LINK_THRESHOLD}")
    lk.add_argument(
        "--all-pairs",
        action="store_true",
        help="every pair at or above the threshold, for people to look through; by default the "
        "pairs are clustered as dedupe clusters a file, and a pair is written when its two "
        "records are one person (a brother sharing every name but the given one is left out)",
    )
    match.set_defaults(func=run_match)
    return match


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number between 0 and 1") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return value


# ``--out -``: the CSV on standard output (the progress and the report are on standard error).
STDOUT = Path("-")


def _csv_to(frame: pd.DataFrame, out: Path) -> str:
    """Write ``frame`` as CSV to ``out`` (``STDOUT``: standard output); where it went, to say."""
    if out == STDOUT:
        frame.to_csv(sys.stdout, index=False)
        sys.stdout.flush()
        return "standard output"
    frame.to_csv(out, index=False)
    return str(out)


def _writable(name: str | None, option: str, read: list[str]) -> Path | None:
    """``name`` as a path to write, checked before the run: its folder must exist, and it must be
    none of the files ``read`` (an input written over would be lost) and no folder."""
    if name is None:
        return None
    if name == "-":
        if option != "--out":
            raise PersonCsvError(None, None, f"{option}: name a file to write ('-' is for --out)")
        return STDOUT
    path = Path(name)
    if not path.parent.exists():
        raise PersonCsvError(None, None, f"cannot write {path}: folder {path.parent} not found")
    if path.is_dir():
        raise PersonCsvError(None, None, f"{option}: {path} is a folder; name a file to write")
    for other in read:
        if path.resolve() == Path(other).resolve() or (
            path.exists() and Path(other).exists() and path.samefile(other)
        ):
            raise PersonCsvError(
                None,
                None,
                f"{option}: {path} is also an input or output file; write to another file",
            )
    return path


def _progress(quiet: bool):  # noqa: ANN202
    start = time.perf_counter()

    def report(message: str) -> None:
        if not quiet:
            print(f"[{time.perf_counter() - start:6.1f}s] {message}", file=sys.stderr, flush=True)

    return report


def _read(path: str, progress, dates: str | None, encoding: str | None) -> pd.DataFrame:  # noqa: ANN001
    progress(f"reading {path}")
    try:
        # Checked as they are read: as a frame, the pipeline does not check them again.
        records = read_person_frame(path, dates, encoding)
    except PersonCsvError as exc:
        raise PersonCsvError(None, None, f"{path}: {exc}") from None
    progress(f"read {len(records):,} records from {path}")
    unread = unread_nationalities(records["nationality"])
    if unread:
        print(f"muster match: WARNING: {path}: {unread}", file=sys.stderr, flush=True)
    return records


def _print_report(report: ModelReport | None, quiet: bool) -> None:
    if report is None:
        return
    lines = report.lines() if not quiet else [f"WARNING: {w}" for w in report.warnings]
    for line in lines:
        print(f"muster match: {line}", file=sys.stderr, flush=True)


def run_match(args: argparse.Namespace) -> int:
    """Run ``muster match``; return the exit code (errors as one line on stderr)."""
    quiet = getattr(args, "quiet", False)
    progress = _progress(quiet)
    try:
        inputs = [
            name
            for name in (getattr(args, "input", None), getattr(args, "input_a", None),
                         getattr(args, "input_b", None))
            if name
        ]  # fmt: skip
        # --save-model may name the --model it was given: the same model written back.
        model_file = [args.model] if getattr(args, "model", None) else []
        out = _writable(args.out, "--out", [*inputs, *model_file])
        save = _writable(getattr(args, "save_model", None), "--save-model", [*inputs, args.out])
        pairs = _writable(getattr(args, "pairs", None), "--pairs", [*inputs, *model_file, args.out])
        model = Model.load(args.model) if getattr(args, "model", None) else None
        if args.match_command == "dedupe":
            records = _read(args.input, progress, args.dates, args.encoding)
            result = dedupe(
                records, threshold=args.threshold, engine=args.engine, model=model,
                progress=progress,
            )  # fmt: skip
            _print_report(result.report, quiet)
            where = _csv_to(result.cluster_frame(), out)
            persons = len(set(result.clusters.values()))
            progress(f"wrote {len(result.clusters):,} records in {persons:,} persons to {where}")
            if pairs is not None:
                frame = result.pair_frame()
                frame.to_csv(pairs, index=False)
                apart = int((~frame["same_person"]).sum())
                progress(f"wrote {len(frame):,} accepted pairs ({apart:,} kept apart) to {pairs}")
        else:
            loaded = [
                _read(path, progress, args.dates, args.encoding)
                for path in (args.input_a, args.input_b)
            ]
            result = link(
                loaded[0],
                loaded[1],
                threshold=args.threshold,
                engine=args.engine,
                model=model,
                progress=progress,
                cluster=not args.all_pairs,
            )
            _print_report(result.report, quiet)
            where = _csv_to(result.pairs.to_frame(), out)
            progress(f"wrote {len(result.pairs):,} linked pairs to {where}")
        if save is not None:
            result.model.save(save)
            progress(f"wrote the model to {save}")
    except (PersonCsvError, ModelFileError) as exc:
        print(f"muster match: error: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(
            f"muster match: error: engine '{args.engine}' is not available: {exc}", file=sys.stderr
        )
        return 3
    except OSError as exc:
        print(f"muster match: error: {exc}", file=sys.stderr)
        return 2
    except MemoryError as exc:
        # The engine's own says what to set; Python's is bare.
        said = str(exc) or "out of memory; split the input (by source or by region)"
        print(f"muster match: error: {said}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="muster")
    add_match_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return run_match(args)


if __name__ == "__main__":
    sys.exit(main())
