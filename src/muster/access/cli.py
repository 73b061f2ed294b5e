"""The user and role subcommands of ``muster``: createuser, deactivate, grant, revoke, users,
set-password, reset-totp. Wired into the main parser by :func:`add_access_parsers`."""

import argparse
import os
import sys

from muster.access.audit_actions import AccessAction
from muster.core.cli import EXIT_OK, CommandError, local_day
from muster.core.cli import user_errors as _user_errors

# Listed here rather than imported from access.models: --help works without loading Django.
_ROLES = (
    "registration_officer, screening_officer, camp_manager, tracing_caseworker, "
    "repatriation_officer, coordinator, auditor, administrator"
)


def _password(args, prompt: str) -> str:
    """The password from --password-stdin, else MUSTER_PASSWORD, else a prompt (never argv)."""
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
        password = getpass.getpass(prompt)
    return password


def _password_options(p) -> None:
    """--password-stdin, and a hidden --password refused by :func:`_password` with a pointer to
    the others (argparse would echo an unknown option's value, the password, in its error)."""
    p.add_argument("--password", help=argparse.SUPPRESS)
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (else MUSTER_PASSWORD, "
        "else a prompt)",
    )


def cmd_createuser(args) -> int:
    from muster.access import services as access

    password = _password(args, f"Password for {args.username}: ")
    with _user_errors():
        user = access.create_user(
            args.username,
            password,
            roles=args.role or [],
            facility_names=args.facility or [],
        )
    print(f"created user {user.username} with roles: {', '.join(args.role or []) or '(none)'}")
    return EXIT_OK


def cmd_deactivate(args) -> int:
    from muster.access import services as access

    with _user_errors():
        user = access.user_named(args.username)
    access.deactivate_user(user, reason=args.reason or "")
    print(f"deactivated {user.username}: signed out everywhere, API token revoked")
    return EXIT_OK


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
        expires_at = local_day(args.expires, "expires")
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
    from muster.access import policy
    from muster.access import services as access

    with _user_errors():
        user = access.user_named(args.username)
        facility = access.facility_named(args.facility) if args.facility else None
        ended = access.revoke_roles(user, args.role, facility=facility)
    for grant in ended:
        print(f"{user.username} no longer holds {_describe_grant(grant)}")
    if user.is_active and not policy.active_grants(user):
        print(f"{user.username} holds no role now: signed out everywhere, API token revoked")
    return EXIT_OK


def cmd_users(args) -> int:
    from django.db import transaction

    from muster.access import services as access
    from muster.audit.services import record

    with transaction.atomic():
        accounts = access.accounts()
        record(AccessAction.USER_LIST, detail={"rows": len(accounts)})
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


def cmd_set_password(args) -> int:
    from muster.access import services as access

    with _user_errors():
        user = access.user_named(args.username)
    password = _password(args, f"Temporary password for {user.username}: ")
    with _user_errors():
        access.set_temporary_password(user, password)
    print(
        f"{user.username}: password set; signed out everywhere, API token revoked; "
        "they must choose their own at their next sign-in"
    )
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


def add_access_parsers(sub) -> None:
    p = sub.add_parser(
        "createuser",
        help="create a user with roles",
        description=f"Create a user. Roles: {_ROLES}.",
    )
    p.add_argument("username")
    _password_options(p)
    p.add_argument("--role", action="append", help="a role to grant (repeatable)")
    p.add_argument(
        "--facility", action="append", help="limit the roles to this facility (repeatable)"
    )
    p.set_defaults(func=cmd_createuser, django=True)

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
        "set-password",
        help="set a temporary password for a user who has forgotten theirs",
        description="Set a new password for USER (the password policy applies). Their open "
        "sessions and API token end at once, and at their next sign-in they must choose a "
        "password of their own before anything else. The password is read from the first line "
        "of standard input with --password-stdin, else from MUSTER_PASSWORD, else at a prompt.",
    )
    p.add_argument("username", metavar="USER", help="the user's username")
    _password_options(p)
    p.set_defaults(func=cmd_set_password, django=True)

    p = sub.add_parser(
        "reset-totp",
        help="forget a user's authenticator app (lost or replaced phone)",
        description="Forget the user's two-factor authenticator: they enrol a new one at their next "
        "sign-in. Their open sessions and API token end at once.",
    )
    p.add_argument("username", metavar="USER", help="the user's username")
    p.set_defaults(func=cmd_reset_totp, django=True)
