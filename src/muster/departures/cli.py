"""`muster departures`: list departures, show a manifest, import the receiving side's spreadsheet."""

import argparse
import json
import sys
from pathlib import Path

from muster.core.cli import CommandError, row_limit
from muster.departures.audit_actions import DeparturesAction


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "departures",
        help="returns, repatriations, handovers, releases: list, manifest, receipt import",
        description="Departures from custody (return, repatriation, handover, release, transfer "
        "abroad for treatment, death) and their confirmation by the receiving side.",
    )
    dsub = p.add_subparsers(dest="departures_command", metavar="ACTION")
    dsub.required = True
    ls = dsub.add_parser(
        "list",
        help="list departures (figures, no names)",
        description="One line per departure, newest first (tab-separated): number, kind, status, "
        "from facility, destination, persons, received, awaiting or not presented, discrepancies.",
    )
    ls.add_argument("--kind", help="return, repatriation, handover, release, medical_abroad, death")
    ls.add_argument("--status", help="planned, approved, dispatched, closed, cancelled")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.add_argument("--limit", type=row_limit, default=200, help="at most this many (200)")
    ls.set_defaults(func=cmd_list, django=True)
    show = dsub.add_parser(
        "show",
        help="print a departure's manifest, person by person",
        description="The manifest: position, registration number, name, outcome, note. The "
        "listing is recorded in the audit log with the persons on it.",
    )
    show.add_argument("number", help="the departure number (D...)")
    show.set_defaults(func=cmd_show, django=True)
    imp = dsub.add_parser(
        "import",
        help="confirm receipt from the receiving side's spreadsheet",
        description="Read FILE (CSV or XLSX; columns number, outcome = received / not_presented / "
        "refused, note) and print a row-by-row report. Sound rows are applied in one transaction; "
        "unknown numbers, duplicates, persons not on the manifest and bad outcomes change nothing. "
        "Exit code 1 when any row was not applied.",
    )
    imp.add_argument("number", help="the departure number (D...)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="report only, change nothing")
    imp.set_defaults(func=cmd_import, django=True)
    return p


def _departure(number: str):
    from muster.departures.models import Departure

    departure = Departure.objects.filter(number=number.strip()).first()
    if departure is None:
        raise CommandError(f"no departure numbered '{number[:40]}'")
    return departure


def cmd_list(args) -> int:
    from django.db import transaction

    from muster.audit.services import record
    from muster.departures import queries
    from muster.departures.models import Departure, Kind

    if args.kind and args.kind not in Kind.values:
        raise CommandError(f"--kind: '{args.kind[:40]}' is not one of {', '.join(Kind.values)}")
    if args.status and args.status not in Departure.Status.values:
        raise CommandError(
            f"--status: '{args.status[:40]}' is not one of {', '.join(Departure.Status.values)}"
        )
    with transaction.atomic():
        rows = list(
            queries.departures(kind=args.kind or "", status=args.status or "")[: args.limit]
        )
        record(
            DeparturesAction.DEPARTURE_LIST,
            detail={"rows": len(rows), "kind": args.kind or "", "status": args.status or ""},
        )
    out = [
        {
            "number": d.number,
            "kind": d.kind,
            "status": d.status,
            "from_facility": d.from_facility.name,
            "destination": d.destination,
            "persons": d.n_lines,
            "received": d.n_received,
            "open": d.n_open,
            "discrepancies": d.n_discrepancies,
            "dispatched_at": d.dispatched_at.isoformat(timespec="minutes")
            if d.dispatched_at
            else None,
        }
        for d in rows
    ]
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print("number\tkind\tstatus\tfrom\tdestination\tpersons\treceived\topen\tdiscrepancies")
    for d in out:
        print(
            f"{d['number']}\t{d['kind']}\t{d['status']}\t{d['from_facility']}\t{d['destination'] or '-'}"
            f"\t{d['persons']}\t{d['received']}\t{d['open']}\t{d['discrepancies']}"
        )
    return 0


def cmd_show(args) -> int:
    from django.db import transaction

    from muster.audit.services import record_list
    from muster.departures import queries

    departure = _departure(args.number)
    with transaction.atomic():
        lines = list(queries.manifest(departure))
        record_list(
            None,
            [line.person_id for line in lines],
            action=DeparturesAction.DEPARTURE_MANIFEST_READ,
            obj=departure,
            persons=len(lines),
        )
    print(f"{departure.number}\t{departure.get_kind_display()}\t{departure.get_status_display()}")
    print(f"from {departure.from_facility.name} to {departure.destination or '-'}")
    for line in lines:
        p = line.person
        print(f"{line.position}\t{p.number}\t{p.display_name}\t{line.outcome}\t{line.note}")
    return 0


def cmd_import(args) -> int:
    from django.core.exceptions import ValidationError

    from muster.core.errors import one_line
    from muster.departures import services
    from muster.departures.receipts import ReceiptFileError

    departure = _departure(args.number)
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    try:
        report = services.import_receipt(
            departure, content, filename=path.name, by=None, apply=not args.dry_run
        )
    except ReceiptFileError as exc:
        raise CommandError(f"{path.name}: {exc}") from None
    except ValidationError as exc:
        raise CommandError(one_line(exc)) from None
    print("row\tnumber\tstatus\toutcome\tmessage")
    for r in report.rows:
        print(f"{r.row}\t{r.number or '-'}\t{r.status}\t{r.outcome}\t{r.message}")
    summary = ", ".join(f"{k} {v}" for k, v in sorted(report.summary().items()))
    verb = "applied" if report.applied else "nothing applied"
    print(f"{departure.number}: {verb} ({summary})", file=sys.stderr)
    return 1 if report.problems else 0
