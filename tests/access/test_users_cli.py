"""Users and role grants from the `muster` command, with the Django admin gone.

The command's entry point runs in this process against the test database, so these tests run on SQLite
and on PostgreSQL alike (``DATABASE_URL``).
"""

import datetime as dt
import getpass

import pyotp
import pytest
from django.utils import timezone

from muster import cli
from muster.access import services as access
from muster.access.models import Role, RoleGrant
from muster.audit.models import AuditEvent


@pytest.fixture
def muster(db, capsys):
    def run(*args):
        code = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


# What the command adds to each audit event it writes: who ran it, as the operating system knows them.
BY_CLI = {"via": "cli", "os_user": getpass.getuser()}


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def in_days(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def held(user):
    return {
        (g.role, g.facility_id, g.expires_at)
        for g in RoleGrant.objects.filter(user=user).in_force()
    }


# --- grant ---------------------------------------------------------------------------------------


def test_grant_at_two_facilities_with_an_expiry(muster, make_user, facilities):
    user = make_user(username="amal")
    code, out, _ = muster(
        "grant", "amal", "camp_manager", "--facility", "Al-Hol Camp",
        "--facility", "Family Camp", "--expires", in_days(30),
    )  # fmt: skip
    assert code == 0
    ends = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(30), dt.time())
    )
    assert held(user) == {
        ("camp_manager", facilities["camp"].pk, ends),
        ("camp_manager", facilities["family_camp"].pk, ends),
    }
    assert f"amal holds camp_manager at Al-Hol Camp until {in_days(30)} 00:00" in out
    events = AuditEvent.objects.filter(action="role.grant", object_id=str(user.pk))
    assert {e.detail["facility"] for e in events} == {
        facilities["camp"].pk,
        facilities["family_camp"].pk,
    }
    assert all(e.detail["expires_at"] == ends.isoformat() for e in events)


def test_grant_everywhere_without_facility_and_the_user_is_told_to_enrol(muster, make_user):
    user = make_user(username="badr")
    code, out, _ = muster("grant", "badr", "coordinator")
    assert code == 0
    assert held(user) == {("coordinator", None, None)}
    assert "badr holds coordinator at every facility" in out
    assert "must enrol an authenticator" in out


def test_granting_again_with_a_new_expiry_ends_the_old_grant_and_keeps_it(muster, make_user):
    user = make_user("auditor", username="dana")
    assert muster("grant", "dana", "auditor", "--expires", in_days(7))[0] == 0
    grants = RoleGrant.objects.filter(user=user, role="auditor").order_by("pk")
    assert len(grants) == 2
    assert grants[0].revoked_at is not None and grants[1].revoked_at is None
    assert timezone.localtime(grants[1].expires_at).date() == timezone.localdate() + dt.timedelta(7)
    # The same grant again changes nothing and records nothing.
    events = AuditEvent.objects.count()
    assert muster("grant", "dana", "auditor", "--expires", in_days(7))[0] == 0
    assert RoleGrant.objects.filter(user=user).count() == 2
    assert AuditEvent.objects.count() == events


def test_an_expired_grant_can_be_granted_again(muster, make_user):
    user = make_user("registration_officer", username="ehab")
    RoleGrant.objects.filter(user=user).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert muster("grant", "ehab", "registration_officer")[0] == 0
    assert held(user) == {("registration_officer", None, None)}
    old = RoleGrant.objects.filter(user=user).exclude(revoked_at=None).get()
    assert old.revoked_at == old.expires_at  # closed when it ran out, not when re-granted


@pytest.mark.parametrize(
    "args, message",
    [
        (["nobody", "auditor"], "username: no user named 'nobody'"),
        (["farah", "warlord"], "role: 'warlord' is not a role (one of: registration_officer"),
        (["farah", "auditor", "--facility", "Nowhere"], "facility: no facility named 'Nowhere'"),
        (["farah", "auditor", "--expires", "2027-13-01"], "expires: '2027-13-01' is not a date (YYYY-MM-DD)"),
        (["farah", "auditor", "--expires", "2020-01-01"], "expires_at: 2020-01-01 00:00 is not in the future"),
        (["farah", "camp_manager", "--facility", "Al-Hol Camp"],
         "role: farah already holds Screening officer (screening_officer) at every facility; it cannot be combined with Camp manager (camp_manager)"),
    ],
)  # fmt: skip
def test_bad_grants_are_refused_in_one_line_and_change_nothing(
    muster, make_user, facilities, args, message
):
    user = make_user("screening_officer", username="farah")
    before = (held(user), AuditEvent.objects.count())
    code, out, err = muster("grant", *args)
    assert code == 1
    assert one_line_error(err).startswith(f"muster: {message}")
    assert (held(user), AuditEvent.objects.count()) == before


def test_incompatible_roles_at_the_same_facility_are_refused_but_not_at_another(
    muster, make_user, facilities
):
    make_user("camp_manager", facility=facilities["camp"], username="ghada")
    code, _, err = muster("grant", "ghada", "screening_officer", "--facility", "Al-Hol Camp")
    assert code == 1
    assert "ghada already holds Camp manager (camp_manager) at Al-Hol Camp" in one_line_error(err)
    assert muster("grant", "ghada", "screening_officer", "--facility", "Holding Facility A")[0] == 0


def test_one_refused_facility_grants_none(muster, make_user, facilities):
    user = make_user(username="hadi")
    code, _, err = muster(
        "grant", "hadi", "camp_manager", "--facility", "Al-Hol Camp", "--facility", "Nowhere"
    )
    assert code == 1 and "Nowhere" in err
    assert held(user) == set()


# --- revoke --------------------------------------------------------------------------------------


def test_revoke_at_one_facility_ends_that_grant_only_and_keeps_it_on_record(
    muster, make_user, facilities
):
    user = make_user(username="iman")
    muster(
        "grant", "iman", "camp_manager", "--facility", "Al-Hol Camp", "--facility", "Family Camp"
    )
    code, out, _ = muster("revoke", "iman", "camp_manager", "--facility", "Al-Hol Camp")
    assert code == 0
    assert "iman no longer holds camp_manager at Al-Hol Camp" in out
    assert held(user) == {("camp_manager", facilities["family_camp"].pk, None)}
    ended = RoleGrant.objects.get(user=user, facility=facilities["camp"])
    assert ended.revoked_at is not None  # ended, not deleted
    event = AuditEvent.objects.filter(action="role.revoke").latest("seq")
    assert event.detail == {"role": "camp_manager", "facility": facilities["camp"].pk, **BY_CLI}


def test_revoke_without_facility_ends_every_grant_of_the_role_and_the_sessions(
    muster, make_user, facilities, login
):
    user = make_user("camp_manager", facility=facilities["camp"], username="jalal")
    muster("grant", "jalal", "camp_manager", "--facility", "Family Camp")
    client = login(user)
    assert client.get("/").status_code == 200
    code, out, _ = muster("revoke", "jalal", "camp_manager")
    assert code == 0
    assert held(user) == set()
    assert "signed out everywhere" in out
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "args, message",
    [
        (["nobody", "auditor"], "username: no user named 'nobody'"),
        (["kamal", "warlord"], "role: 'warlord' is not a role"),
        (["kamal", "auditor"], "role: kamal holds no Auditor (auditor) grant"),
        (["kamal", "camp_manager", "--facility", "Nowhere"], "facility: no facility named 'Nowhere'"),
        (["kamal", "camp_manager", "--facility", "Family Camp"],
         "facility: kamal holds Camp manager (camp_manager) at Al-Hol Camp, not at Family Camp alone"),
        (["kamal", "registration_officer", "--facility", "Family Camp"],
         "facility: kamal holds Registration officer (registration_officer) at every facility, not at Family Camp alone"),
    ],
)  # fmt: skip
def test_bad_revocations_are_refused_in_one_line(muster, make_user, facilities, args, message):
    user = make_user("camp_manager", facility=facilities["camp"], username="kamal")
    access.grant_role(user, "registration_officer")
    before = held(user)
    code, _, err = muster("revoke", *args)
    assert code == 1
    assert one_line_error(err).startswith(f"muster: {message}")
    assert held(user) == before


# --- users ---------------------------------------------------------------------------------------


def test_users_lists_accounts_grants_and_two_factor_but_no_case_data(
    muster, make_user, facilities, registered
):
    manager = make_user("camp_manager", facility=facilities["camp"], username="lina")
    access.grant_role(
        manager, "tracing_caseworker", expires_at=timezone.now() + dt.timedelta(days=3)
    )
    access.grant_role(manager, "camp_manager")  # every facility is listed before a named one
    coordinator = make_user("coordinator", username="maher")
    device = access.start_totp_enrolment(coordinator)
    assert access.confirm_totp_enrolment(coordinator, pyotp.TOTP(device.secret).now())
    gone = make_user("auditor", username="nour")
    access.deactivate_user(gone)
    make_user("administrator", username="omar")
    access.revoke_roles(make_user("auditor", username="rami"), "auditor")

    code, out, _ = muster("users")
    assert code == 0
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in out.splitlines()}
    assert rows["username"] == ["active", "2fa", "grants"]
    assert rows["lina"][:2] == ["yes", "no, required"]
    assert rows["lina"][2].startswith(
        "camp_manager at every facility; camp_manager at Al-Hol Camp; "
        "tracing_caseworker at every facility until "
    )
    assert rows["maher"] == ["yes", "yes", "coordinator at every facility"]
    assert rows["nour"] == ["no", "no, required", "auditor at every facility"]
    assert rows["omar"] == ["yes", "no, required", "administrator at every facility"]
    assert rows["rami"] == ["yes", "no", "-"]
    assert "Obeidi" not in out and "عائشة" not in out
    assert AuditEvent.objects.filter(action="user.list").latest("seq").detail["via"] == "cli"


# --- reset-totp ----------------------------------------------------------------------------------


def test_reset_totp_ends_sessions_and_the_user_enrols_again_at_sign_in(muster, make_user, client):
    officer = make_user("screening_officer", username="qusay")
    device = access.start_totp_enrolment(officer)
    assert access.confirm_totp_enrolment(officer, pyotp.TOTP(device.secret).now())
    client.force_login(officer)
    session = client.session
    session["muster_2fa_ok"] = True
    session.save()
    assert client.get("/").status_code == 200
    token = access.new_api_token(officer)

    code, out, _ = muster("reset-totp", "qusay")
    assert code == 0
    assert "authenticator forgotten" in out and "must enrol" in out
    assert client.get("/").status_code == 302  # the open session is dead
    assert not access.confirmed_device(officer)
    from rest_framework.authtoken.models import Token

    assert not Token.objects.filter(key=token).exists()
    assert AuditEvent.objects.filter(
        action="totp.reset", object_id=str(officer.pk)
    ).get().detail == {"had_device": True, **BY_CLI}
    # Signing in again leads to enrolment, not to the old authenticator's code.
    client.force_login(officer)
    assert client.get("/account/2fa/").url.startswith("/account/2fa/enrol/")


def test_reset_totp_of_an_unknown_user(muster):
    code, _, err = muster("reset-totp", "nobody")
    assert code == 1
    assert one_line_error(err) == "muster: username: no user named 'nobody'"


# --- help ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["grant", "revoke", "users", "reset-totp", "deactivate"])
def test_user_commands_have_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([command, "--help"])
    assert exit_.value.code == 0
    assert f"usage: muster {command}" in capsys.readouterr().out


def test_grant_help_lists_every_role_and_every_incompatible_pair(capsys):
    from muster.access.policy import INCOMPATIBLE_ROLES

    with pytest.raises(SystemExit):
        cli.main(["grant", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert all(role in text for role in Role.values)
    for pair in INCOMPATIBLE_ROLES:
        a, b = sorted(pair)
        assert f"{a} with {b}" in text or f"{b} with {a}" in text
