"""The ``muster`` command: demo, serve, migrate, users and grants, sitrep, audit, match.

Every subcommand has its own ``--help``. Bad input ends with a one-line message on stderr and a non-zero
exit code, never a traceback.
"""

import argparse
import json
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager

from muster import ops_cli
from muster.departures.cli import DeparturesCommandError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """A problem the user can fix; printed as one line, exit code 1."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.conf import settings
    from django.core.management import call_command

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=verbosity)


def cmd_migrate(args) -> int:
    _migrate(verbosity=1)
    return EXIT_OK


def cmd_serve(args) -> int:
    _migrate()
    _serve(args.host, args.port, args.threads, worker=not args.no_worker)
    return EXIT_OK


def _serve(host: str, port: int, threads: int = 8, *, worker: bool = True) -> None:
    from waitress import serve

    from muster import worker as background
    from muster.audit.services import operator
    from muster.wsgi import application

    print(f"Muster is serving on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    # The background worker (task queue) runs as a supervised child for as long as the server.
    with operator(None), background.alongside(worker):  # the users' doing, not the operator's
        serve(application, host=host, port=port, threads=threads, ident="Muster")


def cmd_createuser(args) -> int:
    from muster.access import services as access

    if args.password is not None:
        # On the command line it shows in the process list and the shell history.
        raise CommandError(
            "--password is no longer accepted: set MUSTER_PASSWORD, use --password-stdin, "
            "or type it at the prompt"
        )
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = os.environ.get("MUSTER_PASSWORD", "")
    if not password:
        import getpass

        if not sys.stdin.isatty():
            raise CommandError(
                "no password given: set MUSTER_PASSWORD, use --password-stdin, or run in a terminal"
            )
        password = getpass.getpass(f"Password for {args.username}: ")
    with _user_errors():
        user = access.create_user(
            args.username,
            password,
            roles=args.role or [],
            facility_names=args.facility or [],
        )
    print(f"created user {user.username} with roles: {', '.join(args.role or []) or '(none)'}")
    return EXIT_OK


def _validation_message(exc) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def cmd_demo(args) -> int:
    from muster.demo import load_demo

    _migrate()
    summary = load_demo(persons=args.persons, seed=args.seed, progress=not args.quiet)
    print(summary.text())
    if not args.no_serve:
        _serve(args.host, args.port, worker=not args.no_worker)
    return EXIT_OK


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


def cmd_audit_verify(args) -> int:
    from muster.audit.services import verify
    from muster.ops_cli import check_anchors

    result = verify()
    # A whole chain can still be a recomputed one: the published head and signed checkpoints tell.
    if result.ok and check_anchors(args) != EXIT_OK:
        return EXIT_ERROR
    if result.ok:
        print(
            f"audit chain OK: {result.count} events; head {result.head} "
            f"(to publish: {result.count}:{result.head})"
        )
        return EXIT_OK
    print(
        f"audit chain BROKEN at event #{result.first_bad_seq}: {result.problem}; "
        f"{result.count} events verified before it; last good hash {result.head}",
        file=sys.stderr,
    )
    return EXIT_ERROR


def _day(text: str | None, field: str):
    """The start of a local day given as YYYY-MM-DD, or ``None`` when no day is given."""
    import datetime as dt

    from django.utils import timezone

    if not text:
        return None
    from muster.core.parsing import parse_day

    day = parse_day(text)
    if day is None:
        raise CommandError(f"{field}: '{text[:40]}' is not a date (YYYY-MM-DD)")
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _print_events(events, limit: int, *, omit: tuple[str, ...] = ()) -> int:
    """One tab-separated line per event; ``omit`` names detail keys left out of the lines."""
    from django.utils import timezone

    shown = 0
    for ev in events[:limit]:
        where = f"{ev.object_type}:{ev.object_id}" if ev.object_id else ev.object_type or "-"
        kept = {k: v for k, v in ev.detail.items() if k not in omit} if omit else ev.detail
        detail = json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else ""
        at = timezone.localtime(ev.at).strftime("%Y-%m-%d %H:%M:%S")
        who = ev.actor_username or (f"{ev.os_user} (cli)" if ev.os_user else "-")
        print(f"#{ev.seq}\t{at}\t{who}\t{ev.action}\t{where}\t{ev.ip or '-'}\t{detail}")
        shown += 1
    return shown


def _cli_audit_search(detail: dict) -> None:
    # The operator's look at the log is itself on the log (filters only, no results).
    from muster.audit.services import record

    record("audit.search", detail={k: v for k, v in detail.items() if v})


def cmd_audit_who_read(args) -> int:
    from muster.audit.services import who_read

    try:
        events = who_read(
            args.number, since=_day(args.since, "since"), until=_day(args.until, "until")
        )
    except LookupError as exc:
        raise CommandError(str(exc)) from exc
    _cli_audit_search({"object": args.number, "query": "who-read", "since": args.since})
    # An export's line names the export, its filters and row count; the ids of everyone else in it
    # (a camp roll: tens of thousands) stay on `muster audit log`.
    if not _print_events(events, args.limit, omit=("person_ids",)):
        print(f"nobody read or exported {args.number} in that period", file=sys.stderr)
    return EXIT_OK


def cmd_audit_log(args) -> int:
    from muster.audit.services import resolve_object, search

    object_type = object_id = ""
    if args.object:
        try:
            object_type, object_id = resolve_object(args.object)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
    events = search(
        object_type=object_type,
        object_id=object_id,
        actor=args.actor or "",
        action=args.action or "",
        since=_day(args.since, "since"),
        until=_day(args.until, "until"),
    )
    _cli_audit_search(
        {"object": args.object, "actor": args.actor, "action": args.action, "since": args.since}
    )
    _print_events(events, args.limit)
    return EXIT_OK


def cmd_deactivate(args) -> int:
    from muster.access import services as access

    with _user_errors():
        user = access.user_named(args.username)
    access.deactivate_user(user, reason=args.reason or "")
    print(f"deactivated {user.username}: signed out everywhere, API token revoked")
    return EXIT_OK


@contextmanager
def _user_errors():
    """A refused user or grant change (unknown user, role or facility; incompatible roles) as one line."""
    from django.core.exceptions import ValidationError

    try:
        yield
    except ValidationError as exc:
        raise CommandError(_validation_message(exc)) from exc


def _describe_grant(grant) -> str:
    from django.utils import timezone

    where = f" at {grant.facility.name}" if grant.facility_id else " at every facility"
    until = (
        f" until {timezone.localtime(grant.expires_at):%Y-%m-%d %H:%M}" if grant.expires_at else ""
    )
    return f"{grant.role}{where}{until}"


def cmd_grant(args) -> int:
    from django.db import transaction

    from muster.access import services as access

    with _user_errors(), transaction.atomic():  # one facility refused: none granted
        user = access.user_named(args.username)
        expires_at = _day(args.expires, "expires")
        grants = [
            access.grant_role(user, args.role, facility=facility, expires_at=expires_at)
            for facility in [access.facility_named(n) for n in args.facility or []] or [None]
        ]
    for grant in grants:
        print(f"{user.username} holds {_describe_grant(grant)}")
    if not user.is_active:
        print(f"note: {user.username} is deactivated; the grant counts once reactivated")
    if access.totp_required(user) and access.confirmed_device(user) is None:
        print(f"note: {user.username} must enrol an authenticator app at their next sign-in")
    return EXIT_OK


def cmd_revoke(args) -> int:
    from muster.access import services as access

    with _user_errors():
        user = access.user_named(args.username)
        facility = access.facility_named(args.facility) if args.facility else None
        ended = access.revoke_roles(user, args.role, facility=facility)
    for grant in ended:
        print(f"{user.username} no longer holds {_describe_grant(grant)}")
    if user.is_active and not access.active_grants(user):
        print(f"{user.username} holds no role now: signed out everywhere, API token revoked")
    return EXIT_OK


def cmd_users(args) -> int:
    from django.db import transaction

    from muster.access import services as access
    from muster.audit.services import record

    with transaction.atomic():
        accounts = access.accounts()
        record("user.list", detail={"rows": len(accounts)})
    print("username\tactive\t2fa\tgrants")
    for account in accounts:
        if account.totp_enrolled:
            totp = "yes"
        else:
            totp = "no, required" if account.totp_required else "no"
        grants = "; ".join(_describe_grant(g) for g in account.grants) or "-"
        active = "yes" if account.is_active else "no"
        print(f"{account.username}\t{active}\t{totp}\t{grants}")
    return EXIT_OK


def cmd_reset_totp(args) -> int:
    from muster.access import services as access

    with _user_errors():
        user = access.user_named(args.username)
    had_device = access.reset_totp(user)
    done = "authenticator forgotten" if had_device else "no authenticator was enrolled"
    print(f"{user.username}: {done}; signed out everywhere, API token revoked")
    if access.totp_required(user):
        print(f"{user.username} must enrol an authenticator app again at their next sign-in")
    else:
        print(f"{user.username}'s roles do not require one; they may enrol again after signing in")
    return EXIT_OK


# Listed here rather than imported from access.models: --help works without loading Django.
_ROLES = (
    "registration_officer, screening_officer, camp_manager, tracing_caseworker, "
    "repatriation_officer, coordinator, auditor, administrator"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="muster",
        description="Muster: register, screen and keep track of every person in a mass evacuation.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "demo",
        help="load a synthetic Baghouz-like evacuation into the embedded database and serve it",
        description="Create/migrate the database in the data directory (MUSTER_DATA, default "
        "./muster-data), load the synthetic scenario, create one demo user per role, print their "
        "logins, then serve on http://127.0.0.1:8000. Running it again does not duplicate data.",
    )
    p.add_argument(
        "--persons", type=_positive_int, default=5000, help="persons to generate (default 5000)"
    )
    p.add_argument("--seed", type=int, default=1, help="scenario seed (default 1)")
    p.add_argument("--no-serve", action="store_true", help="load and exit without serving")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    _add_serve_args(p)
    p.set_defaults(func=cmd_demo, django=True)

    p = sub.add_parser(
        "serve", help="serve the web UI and API", description="Migrate if needed, then serve."
    )
    _add_serve_args(p)
    p.add_argument("--threads", type=_positive_int, default=8, help="worker threads (default 8)")
    p.set_defaults(func=cmd_serve, django=True)
    ops_cli.add_parsers(sub)

    p = sub.add_parser("migrate", help="create or update the database schema")
    p.set_defaults(func=cmd_migrate, django=True)

    p = sub.add_parser(
        "createuser",
        help="create a user with roles",
        description=f"Create a user. Roles: {_ROLES}.",
    )
    p.add_argument("username")
    p.add_argument("--password", help=argparse.SUPPRESS)  # refused with a pointer to the others
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (else MUSTER_PASSWORD, "
        "else a prompt)",
    )
    p.add_argument("--role", action="append", help="a role to grant (repeatable)")
    p.add_argument(
        "--facility", action="append", help="limit the roles to this facility (repeatable)"
    )
    p.set_defaults(func=cmd_createuser, django=True)

    p = sub.add_parser(
        "sitrep",
        help="print the situation report",
        description="Figures only, no names: registered, by category, facilities with population "
        "and capacity, in transit, unaccounted.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_sitrep, django=True)

    p = sub.add_parser("audit", help="audit log tools")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="ACTION")
    audit_sub.required = True
    v = audit_sub.add_parser(
        "verify",
        help="verify the audit hash chain",
        description="Walk the chain; exit 1 naming the first changed, removed or reordered event. "
        "Prints the chain head: write it down or send it elsewhere to detect truncation later.",
    )
    v.add_argument(
        "--expect-head",
        metavar="HASH",
        help="a head printed earlier (SEQ:HASH, or HASH): fail unless the chain still reproduces "
        "it at that event (events cut off, removed or re-hashed)",
    )
    v.set_defaults(func=cmd_audit_verify, django=True)
    ops_cli.add_audit_parsers(audit_sub, v)
    w = audit_sub.add_parser(
        "who-read",
        help="who read or exported a person's record",
        description="List the reads of one registration number's record and the exports that "
        "listed the person (action 'export', with which export, its filters and row count), newest "
        "first: when, who, from where. Dates are local days (YYYY-MM-DD); --until is exclusive.",
    )
    w.add_argument("number", help="the person's registration number")
    _add_period_args(w, limit=1000)
    w.set_defaults(func=cmd_audit_who_read, django=True)
    lg = audit_sub.add_parser(
        "log",
        help="search the audit log",
        description="Events matching all filters, newest first, one per line (tab-separated): "
        "#seq, time, actor (for a `muster` command, the operating-system user who ran it, as "
        "'NAME (cli)'), action, object, address, detail.",
    )
    lg.add_argument("--object", help="a registration number, or type:id (auth.user:12)")
    lg.add_argument("--actor", help="username")
    lg.add_argument("--action", help='action, or a family ending in "." (login.)')
    _add_period_args(lg, limit=200)
    lg.set_defaults(func=cmd_audit_log, django=True)

    p = sub.add_parser(
        "deactivate",
        help="switch a user account off",
        description="The account can no longer sign in; its open sessions and API token end at once. "
        "Nothing it did is deleted.",
    )
    p.add_argument("username")
    p.add_argument("--reason", help="why (kept in the audit log)")
    p.set_defaults(func=cmd_deactivate, django=True)

    p = sub.add_parser(
        "grant",
        help="grant a role to a user",
        description=f"Grant ROLE to an existing user, at every facility or only at the facilities "
        f"named. Roles: {_ROLES}. Refused when the user holds an incompatible role at the same "
        "facility (screening_officer with camp_manager, auditor with administrator). Granting a role "
        "the user already holds there replaces that grant (to change its expiry).",
    )
    p.add_argument("username", metavar="USER", help="an existing user's username")
    p.add_argument("role", metavar="ROLE", help="one of the roles above")
    p.add_argument(
        "--facility",
        action="append",
        metavar="NAME",
        help="only at this facility, by its name as listed (repeatable; default every facility)",
    )
    p.add_argument(
        "--expires",
        metavar="YYYY-MM-DD",
        help="the grant ends at the start of this day, local time (default: never)",
    )
    p.set_defaults(func=cmd_grant, django=True)

    p = sub.add_parser(
        "revoke",
        help="end a user's role grant",
        description="End the user's grants of ROLE in force: the one at --facility, or all of them. "
        "The grant is ended, not deleted (it stays on record). A user left with no role is signed "
        "out everywhere at once.",
    )
    p.add_argument("username", metavar="USER", help="the user's username")
    p.add_argument("role", metavar="ROLE", help="the role to end, e.g. camp_manager")
    p.add_argument("--facility", metavar="NAME", help="only the grant at this facility")
    p.set_defaults(func=cmd_revoke, django=True)

    p = sub.add_parser(
        "users",
        help="list users and their roles",
        description="One line per user (tab-separated): username, active, 2fa (authenticator "
        "enrolled: yes / no / no, required by a role), grants in force with facility and expiry. "
        "No case data. The listing is recorded in the audit log.",
    )
    p.set_defaults(func=cmd_users, django=True)

    p = sub.add_parser(
        "reset-totp",
        help="forget a user's authenticator app (lost or replaced phone)",
        description="Forget the user's two-factor authenticator: they enrol a new one at their next "
        "sign-in. Their open sessions and API token end at once.",
    )
    p.add_argument("username", metavar="USER", help="the user's username")
    p.set_defaults(func=cmd_reset_totp, django=True)

    try:
        from muster.identity.cli import add_match_parser, run_match
    except ImportError:  # the identity library is optional until it lands
        pass
    else:
        add_match_parser(sub)
        sub.choices["match"].set_defaults(func=run_match, django=False)

    from muster.departures import cli as departures_cli
    from muster.intake import cli as intake_cli
    from muster.tracing.cli import add_parser as add_trace_parser

    intake_cli.add_mrz_parser(sub)
    intake_cli.add_forms_parser(sub)
    intake_cli.add_import_parser(sub)
    add_trace_parser(sub)
    departures_cli.add_parser(sub)
    return parser


def _add_serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    ops_cli.add_worker_switch(p)


def _add_period_args(p: argparse.ArgumentParser, *, limit: int) -> None:
    """The audit readers' filters: local days (``--until`` exclusive) and a cap on events shown."""
    p.add_argument("--since", help="from this day (YYYY-MM-DD)")
    p.add_argument("--until", help="before this day (YYYY-MM-DD)")
    p.add_argument(
        "--limit", type=_positive_int, default=limit, help=f"at most this many ({limit})"
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def _os_user() -> str:
    """The operating-system user running the command, for the audit log."""
    import getpass

    try:
        return getpass.getuser()
    except (ImportError, KeyError, OSError):  # no login name in the environment, no passwd entry
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def main(argv: list[str] | None = None) -> int:
    from django.core.exceptions import ImproperlyConfigured

    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable = args.func
    try:
        if not getattr(args, "django", False):
            return func(args)
        if func is cmd_demo:
            # The demo serves plain HTTP on this machine: cookies that need TLS would never come back.
            os.environ.setdefault("MUSTER_DEMO", "1")
        _setup_django()
        from muster.audit.services import operator

        with operator(_os_user()):  # the audit events the command writes name who ran it
            return func(args)
    except (
        CommandError,
        ops_cli.OperatorError,
        DeparturesCommandError,
        ImproperlyConfigured,
    ) as exc:  # the last: a bad MUSTER_* setting
        print(f"muster: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
