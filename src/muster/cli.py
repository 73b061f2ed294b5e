"""The ``muster`` command: demo, serve, migrate, createuser, sitrep, audit, match.

Every subcommand has its own ``--help``. Bad input ends with a one-line message on stderr and a non-zero
exit code, never a traceback.
"""

import argparse
import json
import os
import sys
from collections.abc import Callable

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
    _serve(args.host, args.port, args.threads)
    return EXIT_OK


def _serve(host: str, port: int, threads: int = 8) -> None:
    from waitress import serve

    from muster.wsgi import application

    print(f"Muster is serving on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    serve(application, host=host, port=port, threads=threads, ident="Muster")


def cmd_createuser(args) -> int:
    from django.core.exceptions import ValidationError

    from muster.access import services as access

    password = args.password or os.environ.get("MUSTER_PASSWORD")
    if not password:
        import getpass

        if not sys.stdin.isatty():
            raise CommandError("no password given: use --password or MUSTER_PASSWORD")
        password = getpass.getpass(f"Password for {args.username}: ")
    try:
        user = access.create_user(
            args.username,
            password,
            roles=args.role or [],
            facility_names=args.facility or [],
        )
    except ValidationError as exc:
        raise CommandError(_validation_message(exc)) from exc
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
        _serve(args.host, args.port)
    return EXIT_OK


def cmd_sitrep(args) -> int:
    from muster.reports.sitrep import situation_report

    report = situation_report()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        from muster.reports.sitrep import format_text

        print(format_text(report))
    return EXIT_OK


def cmd_audit_verify(args) -> int:
    from muster.audit.services import verify

    result = verify()
    if result.ok:
        print(f"audit chain OK: {result.count} events; head {result.head}")
        return EXIT_OK
    print(
        f"audit chain BROKEN at event #{result.first_bad_seq}: {result.problem}; "
        f"{result.count} events verified before it; last good hash {result.head}",
        file=sys.stderr,
    )
    return EXIT_ERROR


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

    p = sub.add_parser("migrate", help="create or update the database schema")
    p.set_defaults(func=cmd_migrate, django=True)

    p = sub.add_parser(
        "createuser",
        help="create a user with roles",
        description="Create a user. Roles: registration_officer, screening_officer, camp_manager, "
        "tracing_caseworker, repatriation_officer, coordinator, auditor, administrator.",
    )
    p.add_argument("username")
    p.add_argument("--password", help="password (or set MUSTER_PASSWORD; prompted if a terminal)")
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
    v.set_defaults(func=cmd_audit_verify, django=True)

    try:
        from muster.identity.cli import add_match_parser, run_match
    except ImportError:  # the identity library is optional until it lands
        pass
    else:
        add_match_parser(sub)
        sub.choices["match"].set_defaults(func=run_match, django=False)
    return parser


def _add_serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable = args.func
    try:
        if getattr(args, "django", False):
            _setup_django()
        return func(args)
    except CommandError as exc:
        print(f"muster: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
