"""The ``muster sitrep`` subcommand: the situation report as text, JSON, HXL-tagged CSV or an A4 PDF.

Figures only, never names; every form of it leaving the system is an "export" audit event.
"""

import json
import sys

from muster.core.cli import EXIT_OK, CommandError


def cmd_sitrep(args) -> int:
    from django.db import transaction

    from muster.audit.services import record_export
    from muster.reports import dashboard, hxl, pdf
    from muster.reports.filters import selected_facilities
    from muster.reports.sitrep import format_text, situation_report

    if args.recount:
        return _recount(args.repair)
    if args.repair:
        raise CommandError("--repair: only with --recount")
    try:
        filters = dashboard.parse_filters(
            {
                "date_from": args.date_from,
                "date_to": args.date_to,
                "facility": args.facility,
                "governorate": args.governorate,
            }
        )
    except dashboard.FilterError as exc:
        raise CommandError(f"--{exc.field.replace('_', '-')}: {exc.message}") from None
    if args.pdf:
        try:
            content = pdf.sitrep_pdf(filters, args.language)
        except pdf.PdfUnavailable as exc:
            raise CommandError(str(exc)) from None
        try:
            with open(args.pdf, "wb") as out:
                out.write(content)
        except OSError as exc:
            raise CommandError(f"cannot write {args.pdf}: {exc.strerror}") from None
        print(f"Wrote {args.pdf} ({len(content)} bytes, {args.language}).", file=sys.stderr)
        return EXIT_OK
    fmt = "hxl" if args.hxl else "json" if args.json else "text"
    # Figures leaving the system are an export, on the log like the web's.
    with transaction.atomic():
        report = situation_report()
        # The same table as the web's CSV/XLSX export, the facility rows those of the filter.
        chosen = [f.pk for f in selected_facilities(filters)] if args.hxl else None
        rows = hxl.sitrep_rows(report, chosen) if args.hxl else None
        record_export(
            {
                "export": "sitrep",
                "purpose": "situation report",
                "format": fmt,
                "filters": filters.as_dict() if args.hxl else {},
                "rows": len(rows) if rows is not None else len(report["facilities"]),
            }
        )
    if args.hxl:
        sys.stdout.write(hxl.hxl_csv(rows))
    elif args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        print(format_text(report))
    return EXIT_OK


def _recount(repair: bool) -> int:
    """Compare the counters the sitrep reads with a direct count of the tables; with ``repair``,
    rebuild them from that count when they differ."""
    from muster.reports import counters

    diffs = counters.differences()
    if not diffs:
        print("The sitrep's counters agree with a direct count of the registry.")
        return EXIT_OK
    for line in diffs[:50]:
        print(line, file=sys.stderr)
    if len(diffs) > 50:
        print(f"... and {len(diffs) - 50} more", file=sys.stderr)
    if not repair:
        raise CommandError(
            f"{len(diffs)} counter rows differ from a direct count; "
            "`muster sitrep --recount --repair` rebuilds them"
        )
    counters.rebuild()
    left = counters.differences()
    if left:
        raise CommandError(f"{len(left)} counter rows still differ after the rebuild")
    print(f"Rebuilt the sitrep's counters from a direct count ({len(diffs)} rows were wrong).")
    return EXIT_OK


def add_sitrep_arguments(p) -> None:
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON")
    form.add_argument(
        "--hxl",
        action="store_true",
        help="print the situation report as HXL-tagged CSV (a row of hashtags under the header): "
        "the table of the web's CSV/XLSX export (facilities with their persons by sex and age, "
        "the figures with a note on what each holds, departures, categories, arrivals); each "
        "facility's P-code also under the hashtag of its level (#adm1+code+current, "
        "#adm2+code+current, #adm3+code+current), a destination's under its own "
        "(#adm1+code+dest …); no tag another's with attributes added, so that a tool's pattern "
        "picks one column; no "
        "total row, so that an HXL tool adding up a column counts each facility once; "
        "--facility and --governorate choose the facility rows",
    )
    form.add_argument("--pdf", metavar="FILE", help="write the printable sitrep (A4 PDF) to FILE")
    form.add_argument(
        "--recount",
        action="store_true",
        help="check the counters the sitrep reads against a direct count (exit 1 if they differ)",
    )
    p.add_argument(
        "--repair", action="store_true", help="with --recount: rebuild counters that differ"
    )
    p.add_argument(
        "--language",
        choices=["en", "ar", "ckb", "kmr"],
        default="en",
        help="language of the PDF (default en)",
    )
    p.add_argument("--date-from", help="first day of the charts' window (YYYY-MM-DD)")
    p.add_argument("--date-to", help="last day of the charts' window (YYYY-MM-DD; default today)")
    p.add_argument("--facility", help="only this facility (its id)")
    p.add_argument("--governorate", help="only facilities in this governorate (P-code, e.g. SY09)")


def add_reports_parser(sub) -> None:
    p = sub.add_parser(
        "sitrep",
        help="print the situation report",
        description="Figures only, no names: registered, by category, facilities with population "
        "and capacity, in transit, unaccounted; as text, JSON, HXL-tagged CSV or an A4 PDF.",
    )
    add_sitrep_arguments(p)
    p.set_defaults(func=cmd_sitrep, django=True)
