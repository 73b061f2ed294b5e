"""What every ``muster`` subcommand shares: exit codes, the one-line error, argument types.

Its own module (not ``muster.cli``): run as ``python -m muster.cli``, that module is ``__main__``
and a class defined there is not the one the apps' ``cli`` modules would import.
"""

import argparse
from contextlib import contextmanager

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """A problem the user can fix; printed as one line, exit code 1."""


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


# The most rows a listing command is asked for: the number goes to the database as a LIMIT, which
# must fit a 64-bit integer (a bigger one failed in SQL with a traceback); no one reads more.
MAX_ROWS = 1_000_000_000


def row_limit(text: str) -> int:
    """A positive count of rows to show (``--limit``), at most :data:`MAX_ROWS`."""
    value = positive_int(text)
    if value > MAX_ROWS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_ROWS:,}, got {text[:40]}")
    return value


def port_number(text: str) -> int:
    """A TCP port, 1 to 65535: a larger number is not silently taken modulo 65536 by the socket."""
    value = positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 1 to 65535, got {value}")
    return value


@contextmanager
def user_errors():
    """A refused user or grant change (unknown user, role or facility; incompatible roles) as one line."""
    from django.core.exceptions import ValidationError

    from muster.core.errors import one_line

    try:
        yield
    except ValidationError as exc:
        raise CommandError(one_line(exc)) from exc


def local_day(text: str | None, field: str):
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
