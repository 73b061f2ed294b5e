"""The ``muster audit`` subcommands: verify the chain, who read a person's record, search the log
(and the operator's key and checkpoint commands, :mod:`muster.ops_cli`)."""

import argparse
import json
import sys

from muster import ops_cli
from muster.audit.audit_actions import AuditAction
from muster.core.cli import EXIT_ERROR, EXIT_OK, CommandError, local_day, row_limit


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

    record(AuditAction.AUDIT_SEARCH, detail={k: v for k, v in detail.items() if v})


def cmd_audit_who_read(args) -> int:
    from muster.audit.queries import who_read

    try:
        events = who_read(
            args.number, since=local_day(args.since, "since"), until=local_day(args.until, "until")
        )
    except LookupError as exc:
        raise CommandError(str(exc)) from exc
    _cli_audit_search({"object": args.number, "query": "who-read", "since": args.since})
    # An export's line names the export, its filters and row count; the ids of everyone else in it
    # (a camp roll: tens of thousands) stay on `muster audit log`.
    if not _print_events(events, args.limit, omit=("person_ids",)):
        print(f"nobody read or exported {args.number} in that period", file=sys.stderr)
    return EXIT_OK


def _check_actor(actor: str) -> None:
    """Refuse a username no account has and no event names (a typo, not a quiet period)."""
    from django.contrib.auth import get_user_model

    from muster.audit.models import AuditEvent

    if get_user_model().objects.filter(username=actor).exists():
        return
    if AuditEvent.objects.filter(actor_username=actor).exists():
        return
    raise CommandError(
        f"--actor: no user '{actor[:60]}' (a username; an operator's command-line events are "
        "found by --action or --object, their detail names the operating-system user)"
    )


def _check_object_type(object_type: str) -> None:
    """Refuse ``type:id`` naming a kind of record that does not exist (``auth.usr:12``)."""
    from django.apps import apps

    from muster.audit.models import AuditEvent

    try:
        apps.get_model(object_type)
        return
    except (LookupError, ValueError):
        pass
    if AuditEvent.objects.filter(object_type=object_type).exists():
        return
    raise CommandError(
        f"--object: no kind of record '{object_type[:60]}' (type:id, as the log prints "
        "objects: auth.user:12, people.person:345)"
    )


def cmd_audit_log(args) -> int:
    from muster.audit.queries import check_action, resolve_object, search

    object_type = object_id = ""
    if args.object:
        try:
            object_type, object_id = resolve_object(args.object)
        except LookupError as exc:
            raise CommandError(f"--object: {exc}") from exc
        _check_object_type(object_type)
    if args.actor:
        _check_actor(args.actor)
    if args.action:
        try:
            check_action(args.action)
        except LookupError as exc:
            raise CommandError(f"--action: {exc}") from exc
    since = local_day(args.since, "--since")
    until = local_day(args.until, "--until")
    if since is not None and until is not None and until <= since:
        raise CommandError(
            f"--until: {args.until} is not after --since {args.since} (--until is exclusive)"
        )
    events = search(
        object_type=object_type,
        object_id=object_id,
        actor=args.actor or "",
        action=args.action or "",
        since=since,
        until=until,
    )
    _cli_audit_search(
        {"object": args.object, "actor": args.actor, "action": args.action, "since": args.since}
    )
    _print_events(events, args.limit)
    return EXIT_OK


def _add_period_args(p: argparse.ArgumentParser, *, limit: int) -> None:
    """The audit readers' filters: local days (``--until`` exclusive) and a cap on events shown."""
    p.add_argument("--since", help="from this day (YYYY-MM-DD)")
    p.add_argument("--until", help="before this day (YYYY-MM-DD)")
    p.add_argument("--limit", type=row_limit, default=limit, help=f"at most this many ({limit})")


def add_audit_parser(sub) -> None:
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
