"""The intake subcommands of ``muster``: ``mrz parse``, ``forms xlsform`` and ``import kobo|odk``.

Each ``add_*_parser`` hangs one command group on the main parser; the run functions print one-line
errors on stderr and return the exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_UNREADABLE = 0, 1, 2


def add_mrz_parser(subparsers: argparse._SubParsersAction) -> None:
    """``muster mrz parse LINE1 LINE2 [LINE3] [--json] [--language L]``."""
    mrz = subparsers.add_parser(
        "mrz",
        help="read the machine-readable zone of a passport, ID card or visa",
        description="Machine-readable zones as ICAO Doc 9303 lays them out (TD1, TD2, TD3, visas).",
    )
    sub = mrz.add_subparsers(dest="mrz_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "parse",
        help="read an MRZ and verify its check digits",
        description="Read the two (passport, TD2, visa) or three (ID card) lines of an MRZ, as "
        "typed or scanned; quote each line (the filler '<' is special to the shell). Exit 0 when "
        "every check digit agrees, 1 when one does not or a field is impossible (printed), 2 when "
        "the lines cannot be read at all.",
    )
    p.add_argument("lines", nargs="+", metavar="LINE", help="an MRZ line (2 or 3 of them)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--language",
        choices=["en", "ar", "ckb", "kmr"],
        default="en",
        help="language of the fields' names, the checks and the problems (default en; --json's "
        "keys and values stay as they are)",
    )
    # Django for the translation catalogue only: no database is opened.
    p.set_defaults(func=run_mrz_parse, django=True)


def run_mrz_parse(args: argparse.Namespace) -> int:
    from django.utils import translation

    with translation.override(args.language):
        return _mrz_parse(args)


def _mrz_parse(args: argparse.Namespace) -> int:
    from django.utils.translation import gettext as _

    from muster.intake.documents import failed_check_message, mrz_message
    from muster.intake.mrz import MRZError, parse_mrz

    try:
        mrz = parse_mrz(args.lines)
    except MRZError as exc:
        print("muster: " + _("MRZ unreadable: %(e)s") % {"e": mrz_message(exc)}, file=sys.stderr)
        return EXIT_UNREADABLE
    if args.json:
        out = mrz.to_dict()
        out["person"] = mrz.person_fields()
        out["document"] = mrz.document_fields()
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _print_mrz(mrz)
    if not mrz.valid:
        failed = _("check digit failed: %(check)s")
        for check in mrz.failed_checks:
            message = failed % {"check": failed_check_message(check, mrz.document_number)}
            print(f"muster: {message}", file=sys.stderr)
        for problem in mrz.problems:
            print(f"muster: {mrz_message(problem)}", file=sys.stderr)
        return EXIT_CHECKS_FAILED
    return EXIT_OK


def _print_mrz(mrz) -> None:
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    from muster.intake.documents import (
        failed_check_message,
        mrz_document_type,
        mrz_field_label,
        mrz_message,
    )

    unknown = pgettext("mrz", "unknown")
    dob = mrz.date_of_birth.isoformat() if mrz.date_of_birth else (mrz.birth_year or unknown)
    rows = [
        (pgettext("mrz", "format"), mrz.format),
        (
            pgettext("mrz", "document"),
            f"{mrz_document_type(mrz.document_type)} ({mrz.document_code})",
        ),
        (pgettext("mrz", "issuing state"), mrz.issuing_state),
        (pgettext("mrz", "number"), mrz.document_number),
        (pgettext("mrz", "family name"), mrz.family_name),
        (pgettext("mrz", "given names"), mrz.given_names),
        (pgettext("mrz", "nationality"), mrz.nationality),
        (pgettext("mrz", "date of birth"), dob),
        (pgettext("mrz", "sex"), mrz.sex),
        (
            pgettext("mrz", "expiry"),
            mrz.expiry.isoformat() if mrz.expiry else pgettext("mrz", "none"),
        ),
        (
            pgettext("mrz", "optional data"),
            " / ".join(d for d in (mrz.optional_data, mrz.optional_data_2) if d),
        ),
    ]
    for label, value in rows:
        print(f"{label}:\t{value}")
    # Outside the f-strings: makemessages (xgettext) does not read calls inside them.
    check_label, note_label = pgettext("mrz", "check"), pgettext("mrz", "note")
    for check in mrz.checks:
        if check.ok:
            said = _("%(field)s: check digit %(digit)s OK") % {
                "field": mrz_field_label(check.field),
                "digit": check.found,
            }
        else:
            said = failed_check_message(check, mrz.document_number)
        print(f"{check_label}\t{said}")
    for warning in mrz.warnings:
        print(f"{note_label}\t{mrz_message(warning)}")
    print(pgettext("mrz", "valid") if mrz.valid else pgettext("mrz", "NOT VALID"))


def add_forms_parser(subparsers: argparse._SubParsersAction) -> None:
    """``muster forms xlsform --out FILE.xlsx``."""
    forms = subparsers.add_parser(
        "forms",
        help="forms for KoboToolbox and ODK Collect",
        description="Forms for the tools registration teams already use in the field.",
    )
    sub = forms.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "xlsform",
        help="write the household registration form as an XLSForm",
        description="Write the household registration form as an XLSForm (.xlsx: survey, choices "
        "and settings sheets; household members in a repeat; labels in English and Arabic; the "
        "active reception points as a choice list). Upload it to KoboToolbox or ODK Central.",
    )
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="the workbook to write")
    p.set_defaults(func=run_forms_xlsform, django=True)


def run_forms_xlsform(args: argparse.Namespace) -> int:
    from pathlib import Path

    from muster.custody.models import Facility
    from muster.intake.xlsform import household_form, write_xlsform

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        print(f"muster: --out: '{out}' must end in .xlsx", file=sys.stderr)
        return EXIT_CHECKS_FAILED
    if not out.parent.is_dir():
        print(f"muster: --out: folder '{out.parent}' not found", file=sys.stderr)
        return EXIT_CHECKS_FAILED
    points = [
        (str(f.pk), f.name)
        for f in Facility.objects.filter(kind=Facility.Kind.RECEPTION_POINT, is_active=True)
    ]
    try:
        write_xlsform(out, points)
    except OSError as exc:
        print(f"muster: --out: cannot write '{out}': {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CHECKS_FAILED
    survey = household_form(points)["survey"]
    questions = sum(1 for row in survey if not row["type"].endswith("_repeat"))
    print(f"wrote {out}: household form, {questions} questions, {len(points)} reception point(s)")
    if not points:
        print("note: no active reception point: the form asks for it as text")
    return EXIT_OK


def add_import_parser(subparsers: argparse._SubParsersAction) -> None:
    """``muster import kobo|odk FILE [--facility F] [--dry-run] [--report FILE.csv]``."""
    imp = subparsers.add_parser(
        "import",
        help="register households collected with KoboToolbox or ODK",
        description="Register households submitted from the field.",
    )
    sub = imp.add_subparsers(dest="import_command", metavar="SOURCE", required=True)
    p = sub.add_parser(
        "kobo",
        aliases=["odk"],
        help="households from a KoboToolbox or ODK Central export of Muster's form",
        description="Register the households of an export of the household form (see `muster "
        "forms xlsform`): Kobo XLSX (members on their own sheet), a ';' CSV with one row per "
        "person, Kobo API v2 JSON, ODK Central CSV zip or OData JSON. Every submission is checked "
        "as reception checks a household, then registered at its reception point (placed, "
        "audited, screened), reported as a duplicate (its _uuid / instanceID was imported "
        "before: importing a file twice changes nothing), or refused with the reason (row, "
        "member, field). Exit 0 when no submission is refused, 1 otherwise, 2 when the file "
        "cannot be read.",
    )
    p.add_argument("file", metavar="FILE", help="the export (at most 50 MB)")
    p.add_argument(
        "--facility",
        metavar="NAME",
        help="reception point (name or id) for submissions that do not name one; needed only "
        "when some row names none (the import is refused otherwise, naming the rows)",
    )
    p.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    p.add_argument("--report", metavar="FILE.csv", help="also write the per-row report as CSV")
    p.set_defaults(func=run_import_kobo, django=True)


def _facility(value: str):
    """The --facility named, or a one-line reason why it cannot take households."""
    from muster.custody.models import Facility
    from muster.intake.services import check_reception_point

    found = Facility.objects.filter(name=value).first()
    if found is None and value.isdecimal():
        found = Facility.objects.filter(pk=int(value)).first()
    if found is None:
        raise ValueError(f"--facility: no facility is named '{value}'")
    try:
        check_reception_point(found)
    except Exception as exc:  # ValidationError: the one message
        kind = found.get_kind_display()
        messages = getattr(exc, "messages", [str(exc)])
        raise ValueError(f"--facility: {messages[0]} ({kind})") from None
    return found


def run_import_kobo(args: argparse.Namespace) -> int:
    from muster.intake import services
    from muster.intake.kobo import ImportFileError, read_export, report_rows, write_report

    facility = None
    if args.facility:
        try:
            facility = _facility(args.facility)
        except ValueError as exc:
            print(f"muster: {exc}", file=sys.stderr)
            return EXIT_UNREADABLE
    if args.report and not _writable(args.report):
        return EXIT_UNREADABLE
    try:
        batch = read_export(args.file)
    except ImportFileError as exc:
        print(f"muster: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    unnamed = services.rows_without_point(batch) if facility is None else []
    if unnamed:
        rows = f"row {unnamed[0]} names" if len(unnamed) == 1 else "rows {} name"
        rows = rows.format(services.rows_text(unnamed))
        print(f"muster: {rows} no reception point: give --facility for them", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.dry_run:
        services.check_import(batch, reception_point=facility)
    else:
        run = services.start_import(
            file_name=args.file.rsplit("/", 1)[-1], reception_point=facility, by=None
        )
        total = len(batch.submissions)
        shown = [0]

        def progress(run) -> None:
            # About every twentieth of a long file, on stderr (the report goes to stdout).
            if total > 20 * services.IMPORT_CHUNK and run.done - shown[0] >= total // 20:
                shown[0] = run.done
                print(f"{run.done} of {total} submission(s) done", file=sys.stderr)

        services.import_submissions(run, batch, by=None, on_progress=progress)
    columns = ("row", "submission_id", "status", "household", "member", "field", "problem")
    print("\t".join(columns))
    for row in report_rows(batch):
        member = row["member"] or (f"(row {row['member_row']})" if row["member_row"] else "")
        print("\t".join(str(row[c]) if c != "member" else str(member) for c in columns))
    if args.report:
        # With a byte-order mark: a spreadsheet then reads the Arabic and Kurdish as UTF-8.
        with open(args.report, "w", encoding="utf-8-sig", newline="") as out:
            write_report(batch, out)
    note = "dry run: nothing was written" if args.dry_run else f"import #{run.pk}"
    print(f"{batch.summary()}; {note}", file=sys.stderr)
    return EXIT_OK if not batch.refused and not batch.orphans else EXIT_CHECKS_FAILED


def _writable(path: str) -> bool:
    """Check --report can be written before anything is imported (then it is written at the end)."""
    from pathlib import Path

    target = Path(path)
    if not target.parent.is_dir():
        print(f"muster: --report: folder '{target.parent}' not found", file=sys.stderr)
        return False
    try:
        with open(target, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        print(f"muster: --report: cannot write '{path}': {exc.strerror}", file=sys.stderr)
        return False
    return True
