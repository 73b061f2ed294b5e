"""The demo's users, one per role, and the summary ``muster demo`` prints."""

import sys
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from muster.access import services as access
from muster.access.models import Role
from muster.custody.models import Facility

DESTINATION_KIND = {
    "civilian": Facility.Kind.DISPLACEMENT_CAMP,
    "held": Facility.Kind.HOLDING_FACILITY,
    "family_of_held": Facility.Kind.FAMILY_CAMP,
}
DEMO_PASSWORD_SUFFIX = "-demo-2026"
BATCH = 2000


@dataclass
class DemoSummary:
    created: bool
    persons: int
    households: int
    seconds: float
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)

    def text(self) -> str:
        head = (
            f"Loaded {self.persons} persons in {self.households} households in {self.seconds:.1f} s."
            if self.created
            else f"Demo data already present ({self.persons} persons); nothing loaded again."
        )
        rows = "\n".join(
            f"  {role:22} {user:22} {pw:34} {secret}" for role, user, pw, secret in self.logins
        )
        return (
            f"{head}\nDemo logins (role, username, password, authenticator secret):\n{rows}\n"
            "Every role signs in with a 6-digit code after the password: add the login's secret to "
            "any TOTP\nauthenticator app, or run with MUSTER_TOTP_REQUIRED_ROLES= to turn the second "
            "factor off."
        )


def demo_users(camp: Facility | None) -> list[tuple[str, str, str, str]]:
    """One demo user per role; the camp manager is scoped to the largest camp.

    Roles that must sign in with a second factor (all of them, by default) get an authenticator
    enrolled with a secret that is printed with the login (add it to any TOTP app), so the demo
    shows the real sign-in.
    """
    import pyotp

    User = get_user_model()
    logins = []
    accounts = [(role, role.replace("_", "-")) for role in Role.values]
    # A second screening officer, so "held" can be proposed by one and approved by another (four
    # eyes) in the browser, without the CLI.
    at = accounts.index((Role.SCREENING_OFFICER, "screening-officer")) + 1
    accounts.insert(at, (Role.SCREENING_OFFICER, "screening-officer-2"))
    # And a second repatriation officer: repatriations, handovers and releases need an approver.
    at = accounts.index((Role.REPATRIATION_OFFICER, "repatriation-officer")) + 1
    accounts.insert(at, (Role.REPATRIATION_OFFICER, "repatriation-officer-2"))
    # And a second tracing caseworker: a child's match is confirmed by two.
    at = accounts.index((Role.TRACING_CASEWORKER, "tracing-caseworker")) + 1
    accounts.insert(at, (Role.TRACING_CASEWORKER, "tracing-caseworker-2"))
    for role, username in accounts:
        password = username + DEMO_PASSWORD_SUFFIX
        user = User.objects.filter(username=username).first()
        if user is None:
            facility_names = [camp.name] if role == Role.CAMP_MANAGER and camp else []
            user = access.create_user(
                username,
                password,
                roles=[role],
                facility_names=facility_names,
                check_password=False,
            )
        secret = ""
        if access.totp_required(user):
            device = access.confirmed_device(user)
            if device is None:
                device = access.start_totp_enrolment(user)
                access.confirm_totp_enrolment(user, pyotp.TOTP(device.secret).now())
            secret = device.secret
        logins.append((role, username, password, secret))
    return logins


def _progress(enabled: bool, message: str) -> None:
    if enabled:
        print(message, file=sys.stderr, flush=True)
