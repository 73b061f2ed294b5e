"""The ``muster`` command: demo, serve, migrate, users and grants, sitrep, audit, match.

Every subcommand has its own ``--help``. Bad input ends with a one-line message on stderr and a non-zero
exit code, never a traceback.
"""

import argparse
import os
import sys
from collections.abc import Callable

from muster import ops_cli
from muster.access import cli as access_cli
from muster.audit import cli as audit_cli
from muster.core.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, CommandError, port_number, positive_int
from muster.reports import cli as reports_cli

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "CommandError", "build_parser", "main"]


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
    _serve(args.host, args.port, args.threads, worker=not args.no_worker, processes=args.processes)
    return EXIT_OK


def _serve(
    host: str, port: int, threads: int = 8, *, worker: bool = True, processes: int = 1
) -> None:
    from waitress import serve

    from muster import worker as background
    from muster.audit.services import operator
    from muster.wsgi import application

    _warm_up()
    print(f"Muster is serving on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    # The background worker (task queue) runs as a supervised child for as long as the server.
    with operator(None), background.alongside(worker):  # the users' doing, not the operator's
        if processes > 1:
            _serve_processes(application, host, port, threads, processes)
        else:
            serve(application, host=host, port=port, threads=threads, ident="Muster")


def _warm_up() -> None:
    """Load before the first request what that request would otherwise wait for: the URL map (it
    imports every page and the API) and the name-variant table that search and screening read
    (seconds on a field laptop). Done before the server processes fork, so they share it."""
    from django.urls import get_resolver

    from muster import identity

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    identity.preload()


def _serve_processes(application, host: str, port: int, threads: int, processes: int) -> None:
    """``processes`` waitress servers forked after binding one listening socket, which they share
    (the kernel hands each connection to one of them): Python runs one thread at a time per process,
    so on a machine with several cores several processes serve more than one with more threads.
    When one of them stops, the others are stopped too and the command ends (with an error unless it
    was asked to stop), for the service manager to restart the whole."""
    import signal
    import socket

    from django.db import connections
    from waitress import serve

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(1024)
    connections.close_all()  # each process opens its own database connections
    children = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the forked server process
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                serve(application, sockets=[listener], threads=threads, ident="Muster")
            except KeyboardInterrupt:
                pass
            except BaseException:
                code = 1
            os._exit(code)
        children.append(pid)
    listener.close()

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)  # stop the servers with the command
    failed = False
    try:
        _pid, status = os.wait()
        failed = status != 0
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    if failed:
        raise CommandError("a server process stopped; all were stopped")


def cmd_demo(args) -> int:
    from muster.demo import DemoLoadFailed, load_demo

    _migrate()
    try:
        summary = load_demo(
            persons=args.persons, seed=args.seed, progress=not args.quiet, language=args.language
        )
    except DemoLoadFailed as exc:
        log = _failure_log(exc)
        raise CommandError(
            f'the demo stopped at the step "{exc.step}": {_cause(exc.__cause__)}. The traceback '
            f"is in {log}. What the steps before it loaded stays in the database: to load the "
            "demo again, start from an empty one (a new MUSTER_DATA or DATABASE_URL)."
        ) from None
    print(summary.text())
    if not args.no_serve:
        _serve(args.host, args.port, worker=not args.no_worker)
    return EXIT_OK


def _cause(exc: BaseException | None) -> str:
    """What stopped a step, on one line: a refusal as the services word it, else the error."""
    from django.core.exceptions import ValidationError

    from muster.core.errors import one_line

    if isinstance(exc, ValidationError):
        text = f"refused: {one_line(exc)}"
    else:
        first = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
        text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _failure_log(exc: BaseException) -> str:
    """Write the traceback of a failed demo into the data directory (else a temporary file)."""
    import tempfile
    import traceback
    from datetime import datetime

    from django.conf import settings

    text = (
        f"muster demo failed at {datetime.now().isoformat(timespec='seconds')}\n"
        f"command: {' '.join(sys.argv)}\n\n" + "".join(traceback.format_exception(exc))
    )
    path = settings.DATA_DIR / "demo-failure.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError:
        fd, name = tempfile.mkstemp(prefix="muster-demo-failure-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return name
    return str(path)


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
        "--persons", type=positive_int, default=5000, help="persons to generate (default 5000)"
    )
    p.add_argument("--seed", type=int, default=1, help="scenario seed (default 1)")
    p.add_argument(
        "--language",
        choices=["en", "ar", "ckb", "kmr"],
        default="en",
        help="the language the demo's officers write notes, reasons and authorities in "
        "(default en; the interface's language is each reader's choice)",
    )
    p.add_argument("--no-serve", action="store_true", help="load and exit without serving")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    _add_serve_args(p)
    p.set_defaults(func=cmd_demo, django=True)

    p = sub.add_parser(
        "serve", help="serve the web UI and API", description="Migrate if needed, then serve."
    )
    _add_serve_args(p)
    p.add_argument(
        "--threads", type=positive_int, default=8, help="threads per server process (default 8)"
    )
    p.add_argument(
        "--processes",
        type=positive_int,
        default=1,
        help="server processes sharing the port (default 1; about one per CPU core, see README)",
    )
    p.set_defaults(func=cmd_serve, django=True)
    ops_cli.add_parsers(sub)

    p = sub.add_parser("migrate", help="create or update the database schema")
    p.set_defaults(func=cmd_migrate, django=True)
    access_cli.add_access_parsers(sub)
    reports_cli.add_reports_parser(sub)
    audit_cli.add_audit_parser(sub)

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
    p.add_argument("--port", type=port_number, default=8000, help="port (default 8000)")
    ops_cli.add_worker_switch(p)


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
