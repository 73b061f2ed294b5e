"""The ``muster sitrep`` subcommand: the situation report, figures only."""

import json

from muster.core.cli import EXIT_OK


def cmd_sitrep(args) -> int:
    from django.db import transaction

    from muster.audit.services import record_export
    from muster.reports.sitrep import situation_report

    # Figures leaving the system are an export, on the log like the web's.
    with transaction.atomic():
        report = situation_report()
        record_export(
            {
                "export": "sitrep",
                "purpose": "situation report",
                "format": "json" if args.json else "text",
                "filters": {},
                "rows": len(report["facilities"]),
            }
        )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        from muster.reports.sitrep import format_text

        print(format_text(report))
    return EXIT_OK


def add_reports_parser(sub) -> None:
    p = sub.add_parser(
        "sitrep",
        help="print the situation report",
        description="Figures only, no names: registered, by category, facilities with population "
        "and capacity, in transit, unaccounted.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_sitrep, django=True)
