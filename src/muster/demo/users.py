"""The demo's users, one per role, and the summary ``muster demo`` prints."""

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from muster.access import services as access
from muster.access.models import Role
from muster.custody.models import Facility

DESTINATION_KIND = {
    "civilian": Facility.Kind.DISPLACEMENT_CAMP,
    "held": Facility.Kind.HOLDING_FACILITY,
    "family_of_held": Facility.Kind.FAMILY_CAMP,
}
# The facilities that get a camp manager of their own, each scoped to that facility alone.
MANAGED_KINDS = (
    Facility.Kind.DISPLACEMENT_CAMP,
    Facility.Kind.FAMILY_CAMP,
    Facility.Kind.HOLDING_FACILITY,
)
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
        width = max((len(user) for _role, user, _pw, _secret in self.logins), default=22)
        rows = "\n".join(
            f"  {role:22} {user:{width}} {pw:{width + 10}} {secret}"
            for role, user, pw, secret in self.logins
        )
        return (
            f"{head}\nDemo logins (role, username, password, authenticator secret):\n{rows}\n"
            "Every role signs in with a 6-digit code after the password: add the login's secret to "
            "any TOTP\nauthenticator app, or run with MUSTER_TOTP_REQUIRED_ROLES= to turn the second "
            "factor off."
        )


def managed_facilities() -> list[Facility]:
    """The demo's camps and holding facilities, each of which has its own camp manager."""
    return list(Facility.objects.filter(kind__in=MANAGED_KINDS).order_by("kind", "name"))


# The words a facility's name shares with the others of its kind, left out of its manager's login.
_KIND_WORDS = {"camp", "family", "holding", "facility", "central"}


def _short_slug(name: str) -> str:
    """ "Hasakah central holding facility" -> "hasakah"; "Roj family camp" -> "roj"."""
    words = [w for w in slugify(name).split("-") if w not in _KIND_WORDS]
    return "-".join(words) or slugify(name)


def demo_users(
    camp: Facility | None, managed: Sequence[Facility] = ()
) -> list[tuple[str, str, str, str]]:
    """One demo user per role; the camp manager is scoped to the largest camp, and each other
    facility of ``managed`` has a camp manager of its own ("camp-manager-areesha").

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
    scopes = {"camp-manager": [camp.name] if camp else []}
    at = accounts.index((Role.CAMP_MANAGER, "camp-manager")) + 1
    for facility in managed:
        if camp is None or facility.pk != camp.pk:
            username = f"camp-manager-{_short_slug(facility.name)}"
            scopes[username] = [facility.name]
            accounts.insert(at, (Role.CAMP_MANAGER, username))
            at += 1
    for role, username in accounts:
        password = username + DEMO_PASSWORD_SUFFIX
        user = User.objects.filter(username=username).first()
        if user is None:
            facility_names = scopes.get(username, []) if role == Role.CAMP_MANAGER else []
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
