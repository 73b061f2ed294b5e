"""The auditor's questions: who looked at this child's record last month, which exports left."""

import datetime as dt
import html
import os
import re

import pytest
from django.utils import timezone

from muster import cli
from muster.audit import services as audit
from muster.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(registered):
    from muster.people.models import Person

    return Person.objects.get(separated_child=True)


def read(person, user):
    audit.record("person.read", actor=user, obj=person)


def test_auditor_finds_who_read_a_childs_record(child, make_user, login):
    caseworker = make_user("tracing_caseworker")
    read(child, caseworker)
    auditor = make_user("auditor")
    response = login(auditor).get("/audit/", {"object": child.number, "action": "person.read"})
    assert response.status_code == 200
    page = response.content.decode()
    assert caseworker.username in page
    assert "audit.search" in AuditEvent.objects.values_list("action", flat=True)


def test_the_number_the_log_shows_for_a_household_finds_its_events(registered, make_user, login):
    officer = make_user("registration_officer")
    audit.record("household.read", actor=officer, obj=registered)
    client = login(make_user("auditor"))
    page = client.get("/audit/", {"action": "household.read"}).content.decode()
    assert f">{registered.number}</bdi>" in page  # shown by its number, not "people.household:7"
    response = client.get("/audit/", {"object": registered.number})
    assert response.status_code == 200
    found = response.content.decode()
    assert officer.username in found and f">{registered.number}</bdi>" in found


@pytest.mark.parametrize(
    "role",
    [
        "registration_officer",
        "screening_officer",
        "camp_manager",
        "tracing_caseworker",
        "repatriation_officer",
        "coordinator",
        "administrator",
    ],
)
def test_only_auditors_open_the_audit_log(role, make_user, login, facilities):
    user = make_user(role, facility=facilities["camp"] if role == "camp_manager" else None)
    assert login(user).get("/audit/").status_code == 403


def test_unknown_number_and_bad_date_are_explained(make_user, login, db):
    client = login(make_user("auditor"))
    response = client.get("/audit/", {"object": "PNOSUCH", "since": "2026-13-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "no person with registration number" in page
    assert "is not a date" in page


def test_who_read_cli_lists_readers_in_the_period(child, make_user, capsys):
    caseworker = make_user("tracing_caseworker")
    read(child, caseworker)
    today = timezone.localdate()
    code = cli.main(
        ["audit", "who-read", child.number, "--since", (today - dt.timedelta(days=30)).isoformat()]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert caseworker.username in out and "person.read" in out
    code = cli.main(
        ["audit", "who-read", child.number, "--until", (today - dt.timedelta(days=30)).isoformat()]
    )
    assert caseworker.username not in capsys.readouterr().out


def test_who_read_cli_unknown_number_is_one_line_error(db, capsys):
    assert cli.main(["audit", "who-read", "PNOSUCH"]) == 1
    assert "no person with registration number 'PNOSUCH'" in capsys.readouterr().err


def test_audit_log_cli_filters_by_action_family(make_user, capsys, client):
    officer = make_user("registration_officer")
    client.post("/account/login/", {"username": officer.username, "password": "wrong-wrong-1"})
    assert cli.main(["audit", "log", "--action", "login."]) == 0
    out = capsys.readouterr().out
    assert "login.failure" in out and "role.grant" not in out


def test_deactivate_cli(make_user, capsys):
    officer = make_user("registration_officer")
    assert cli.main(["deactivate", officer.username, "--reason", "contract ended"]) == 0
    officer.refresh_from_db()
    assert not officer.is_active
    assert cli.main(["deactivate", "nobody-here"]) == 1


def test_auditor_page_shortens_the_person_ids_of_a_large_export(make_user, login):
    from muster.audit.views import SHOWN_IDS

    ids = list(range(100_001, 100_001 + 5000))
    audit.record("export", detail={"export": "facility.roll", "rows": 5000, "person_ids": ids})
    page = login(make_user("auditor")).get("/audit/", {"action": "export"}).content.decode()
    assert str(ids[SHOWN_IDS - 1]) in page and str(ids[SHOWN_IDS]) not in page
    assert f"and {5000 - SHOWN_IDS} more" in page
    assert AuditEvent.objects.get(action="export").detail["person_ids"] == ids  # stored whole


def test_the_log_names_listed_persons_by_registration_number(registered, make_user, login):
    """The stored ids are what the chain covers; the auditor reads (and can type into Object) the
    registration numbers."""
    members = list(registered.members.order_by("id"))
    audit.record(
        "export",
        detail={"export": "facility.roll", "rows": 2, "person_ids": [m.pk for m in members[:2]]},
    )
    audit.record("tracing.reunify", detail={"departure": "D1", "person": members[2].pk})
    page = login(make_user("auditor")).get("/audit/").content.decode()
    assert f"{members[0].number}, {members[1].number}" in page
    assert '<dt title="person_ids">registration numbers</dt>' in page and "person ids" not in page
    assert f'<dt title="person">person</dt><dd><bdi dir="auto">{members[2].number}</bdi>' in page


# --- events written by the `muster` command name the operating-system user who ran it ----------


@pytest.fixture
def operator_named(monkeypatch):
    def named(name):
        # getpass.getuser() reads LOGNAME first: the login name the operating system gave the shell.
        monkeypatch.setenv("LOGNAME", name)
        return name

    return named


def test_command_line_events_say_which_operating_system_user_ran_them(
    operator_named, make_user, capsys
):
    officer = make_user("registration_officer")
    operator_named("amira-ops")
    before = AuditEvent.objects.count()

    assert cli.main(["grant", officer.username, "coordinator"]) == 0
    assert cli.main(["deactivate", officer.username, "--reason", "contract ended"]) == 0
    assert cli.main(["sitrep"]) == 0
    assert cli.main(["audit", "log", "--action", "role."]) == 0

    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["role.grant", "user.deactivate", "export", "audit.search"]
    for event in events:
        assert event.actor_id is None
        assert event.detail["via"] == "cli" and event.detail["os_user"] == "amira-ops"
    assert events[1].detail["reason"] == "contract ended"  # the service's own detail is kept
    assert cli.main(["audit", "verify"]) == 0  # the chain covers the operator too


def test_auditor_sees_the_operator_where_the_actor_is_shown(
    operator_named, make_user, login, capsys
):
    officer = make_user("registration_officer")
    operator_named("amira-ops")
    cli.main(["deactivate", officer.username])
    capsys.readouterr()

    assert cli.main(["audit", "log", "--action", "user.deactivate"]) == 0
    assert capsys.readouterr().out.split("\t")[2] == "amira-ops (cli)"
    page = login(make_user("auditor")).get("/audit/", {"action": "user.deactivate"})
    assert "amira-ops (command line)" in page.content.decode()


def test_web_events_and_events_after_the_command_name_no_operator(
    operator_named, make_user, login, capsys
):
    officer = make_user("registration_officer")
    operator_named("amira-ops")
    cli.main(["deactivate", officer.username])
    audit.record("scenario.load")  # not inside a command: nobody to name
    login(make_user("auditor")).get("/audit/")

    assert "os_user" not in AuditEvent.objects.get(action="scenario.load").detail
    assert "os_user" not in AuditEvent.objects.get(action="audit.search").detail


def test_an_operator_without_a_login_name_is_recorded_by_user_id(monkeypatch, make_user, capsys):
    import getpass

    def no_login_name():
        raise OSError("No username set in the environment")  # a bare container, no passwd entry

    monkeypatch.setattr(getpass, "getuser", no_login_name)
    officer = make_user("registration_officer")

    assert cli.main(["deactivate", officer.username]) == 0
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.detail["os_user"] == f"uid {os.getuid()}" and event.detail["via"] == "cli"


def test_the_arabic_log_names_the_usual_detail_keys_in_arabic(child, make_user, login):
    # An Arabic auditor read "category family_of_held" and "outcome not_presented" in English.
    audit.record("category.decide", actor=make_user("screening_officer"), obj=child,
                 detail={"category": "civilian", "decision": 7})  # fmt: skip
    client = login(make_user("auditor"))
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    page = client.get("/audit/", {"object": child.number}).content.decode()
    assert (
        '<dt title="category">التصنيف</dt>' in page and '<dt title="decision">القرار</dt>' in page
    )
    assert ">category</dt>" not in page


def test_every_key_of_an_events_detail_reads_in_the_auditors_language(facilities, make_user, login):
    # An Arabic auditor read "kept moved", "os user", "to facility": the stored keys with spaces,
    # in English. Each key is now said in the reader's language, the stored key its title; a key
    # Muster does not know is still shown, with spaces for its underscores.
    from muster.departures import services as departures
    from tests.departures.conftest import make_crowd
    from tests.departures.test_services import RETURN

    camp = facilities["camp"]
    officer = make_user("repatriation_officer")
    people = make_crowd(camp, 1, size=2)
    departure = departures.plan_departure(
        people, kind="return", from_facility=camp, details=RETURN, by=officer
    )
    departures.dispatch_departure(departure, by=officer)
    departures.confirm(
        departure,
        [(people[0].pk, "received", ""), (people[1].pk, "not_presented", "absent")],
        by=officer,
    )
    assert cli.main(["grant", officer.username, "camp_manager", "--facility", camp.name]) == 0
    audit.record("person.read", obj=people[0], detail={"view": "test", "some_new_key": 1})
    client = login(make_user("auditor"))
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    page = client.get("/audit/").content.decode()
    keys = re.findall(r'<dt title="([^"]*)">([^<]*)</dt>', page)
    assert len(keys) == page.count("<dt")
    stored = {key for key, _ in keys}
    assert {"person_ids", "from", "os_user", "via", "role", "received"} <= stored
    assert {"not_presented", "expires_at", "replaces", "step", "persons"} <= stored
    english = [(key, label) for key, label in keys if re.search("[A-Za-z]", label)]
    assert english == [("some_new_key", "some new key")]


def test_a_code_among_an_events_detail_values_reads_in_the_auditors_language(
    facilities, make_user, login
):
    # A walk in Arabic read "الصفحة: home": the page a list of people was read on, as stored.
    audit.record("unaccounted.read", detail={"page": "home", "children": 1})
    client = login(make_user("auditor"))
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    page = client.get("/audit/").content.decode()
    assert '<dd><bdi dir="auto">الرئيسية</bdi></dd>' in page
    assert ">home<" not in page


# --- `muster audit log` refuses a filter that can match nothing because it names nothing ---------


def _one_line_error(capsys, *args) -> str:
    code = cli.main(["audit", "log", *args])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    return err


def test_audit_log_refuses_an_action_muster_never_writes(db, capsys):
    err = _one_line_error(capsys, "--action", "zzz")
    assert err.startswith("muster: --action: no action 'zzz' in the audit log")
    assert "login." in err and "person." in err  # the families to choose from
    err = _one_line_error(capsys, "--action", "person.raed")
    assert "did you mean person.read" in err
    assert "no action 'zzz.'" in _one_line_error(capsys, "--action", "zzz.")


def test_audit_log_still_takes_actions_and_families_with_no_events_yet(db, capsys):
    for action in ("person.merge", "backup.", "login."):
        assert cli.main(["audit", "log", "--action", action]) == 0
    assert capsys.readouterr().err == ""


def test_audit_log_refuses_an_unknown_actor_and_kind_of_record(make_user, capsys):
    err = _one_line_error(capsys, "--actor", "nosuchuser")
    assert err.startswith("muster: --actor: no user 'nosuchuser'")
    officer = make_user("registration_officer")
    assert cli.main(["audit", "log", "--actor", officer.username]) == 0
    err = _one_line_error(capsys, "--object", "auth.usr:12")
    assert err.startswith("muster: --object: no kind of record 'auth.usr'")
    assert cli.main(["audit", "log", "--object", f"auth.user:{officer.pk}"]) == 0


def test_audit_log_refuses_a_period_that_ends_before_it_starts(db, capsys):
    err = _one_line_error(capsys, "--since", "2026-05-02", "--until", "2026-05-01")
    assert err.startswith("muster: --until: 2026-05-01 is not after --since 2026-05-02")
    assert "--since: 'yesterday' is not a date" in _one_line_error(capsys, "--since", "yesterday")


def test_the_channel_step_and_coded_reasons_read_as_words_free_text_as_typed(db, make_user, login):
    # The log showed "channel: api-token", "step: leave", "reason: ended everywhere", "reason: role
    # lacks person.view": Muster's codes, in English on every page.
    events = [
        ("person.read", {"via": "api"}),
        ("login.failure", {"via": "api-token"}),
        ("placement.exit", {"step": "leave", "departure": "DP-2026-0004", "persons": 2}),
        ("session.expire", {"reason": "ended everywhere"}),
        ("api_token.revoke", {"token": "ab12", "reason": "rotated"}),
        ("api_token.expire", {"token": "cd34", "reason": "idle"}),
        ("departure.cancel", {"reason": "given"}),
        ("request.denied", {"method": "GET", "path": "/people/P1/", "reason": "role lacks person.view"}),
        ("request.denied", {"method": "GET", "path": "/p/", "reason": "person outside scope for person.view"}),
        ("request.denied", {"method": "GET", "path": "/x/", "reason": "HTTP 403"}),
        ("user.deactivate", {"reason": "idle"}),  # typed by an administrator: stays as typed
    ]  # fmt: skip
    for action, detail in events:
        audit.record(action, detail=detail)
    client = login(make_user("auditor"))
    shown = {}
    for lang in ("en", "ar", "ckb", "kmr"):
        client.post("/i18n/setlang/", {"language": lang, "next": "/"})
        page = client.get("/audit/", {"limit": 50}).content.decode()
        rows = re.findall(
            r'<dt title="(via|step|reason)">[^<]*</dt><dd><bdi dir="auto">([^<]*)<', page
        )
        shown[lang] = [html.unescape(value) for _key, value in reversed(rows)]
    assert shown["en"] == [
        "API",
        "API sign-in",
        "Leaving the facility",
        "Signed out everywhere",
        "Replaced by a new token",
        "Idle too long",
        "Given (kept with the persons)",
        "The role does not allow person.view",
        "Person outside the user's facilities (person.view)",
        "Refused (HTTP 403)",
        "idle",
    ]
    codes = {
        "api",
        "api-token",
        "leave",
        "ended everywhere",
        "rotated",
        "idle",
        "given",
        "HTTP 403",
    }
    for lang in ("ar", "ckb", "kmr"):
        assert len(shown[lang]) == len(events), lang
        assert shown[lang][-1] == "idle", lang  # free text as typed
        words = shown[lang][:-1]
        assert not set(words) & (codes | set(shown["en"])), (lang, words)
        assert not [w for w in words if "lacks" in w or "outside scope" in w], (lang, words)


def test_the_log_page_names_an_action_that_does_not_exist_beside_the_action_box(make_user, login):
    # "zzz" in the Action box listed no events and said nothing, as if nobody had done anything.
    client = login(make_user("auditor"))
    response = client.get("/audit/", {"action": "person.raed"})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    label = page[page.index('name="action"') : page.index("</label>", page.index('name="action"'))]
    assert "no action 'person.raed' in the audit log; did you mean person.read" in label
    assert client.get("/audit/", {"action": "login."}).status_code == 200
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    page = client.get("/audit/", {"action": "zzz"}).content.decode()
    label = page[page.index('name="action"') : page.index("</label>", page.index('name="action"'))]
    assert "zzz" in label and "login." in label and "no action" not in label


def test_the_filters_of_a_departure_preview_read_in_the_auditors_language(
    registered, facilities, make_user, login
):
    # A walk in Arabic read "الجنسية: False; … numbers: False; whole households: True".
    officer = make_user("repatriation_officer")
    preview = login(officer).get(
        "/departures/new/",
        {
            "chosen": "1",
            "from_facility": facilities["reception"].pk,
            "kind": "repatriation",
            "households": registered.number,
            "whole_households": "on",
        },
    )
    assert preview.status_code == 200
    client = login(make_user("auditor"))
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    page = client.get("/audit/", {"action": "departure.candidates.list"}).content.decode()
    filters = re.search(r'<dt title="filters">[^<]*</dt><dd><bdi dir="auto">([^<]*)<', page)
    assert filters, page
    assert not re.search("[A-Za-z]", filters.group(1)), filters.group(1)


def test_a_facility_the_log_names_reads_in_the_auditors_language(facilities, make_user, login):
    # A walk in Arabic read "عُرض أشخاص لخروج · Roj family camp" beside Arabic names everywhere else.
    camp = facilities["family_camp"]
    type(camp).objects.filter(pk=camp.pk).update(name_ar="مخيم العائلات")
    audit.record("facility.persons.list", obj=camp)
    client = login(make_user("auditor"))
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    page = client.get("/audit/").content.decode()
    assert "مخيم العائلات" in page and "Family Camp" not in page


def test_the_facilities_an_events_detail_names_read_by_name(
    registered, facilities, make_user, login
):
    # A walk in Arabic read a household's registration as "نقطة الاستقبال: 3" and its split as
    # "إلى المرفق: 7": the facilities' ids.
    reception = facilities["reception"]
    type(reception).objects.filter(pk=reception.pk).update(name_ar="نقطة الاستقبال الأولى")
    client = login(make_user("auditor"))
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    page = client.get("/audit/", {"object": registered.number}).content.decode()
    point = re.search(r'<dt title="reception_point">[^<]*</dt><dd><bdi dir="auto">([^<]*)<', page)
    assert point and point.group(1) == "نقطة الاستقبال الأولى", page


def test_object_kinds_and_every_refusal_reason_read_in_the_auditors_language(
    registered, make_user, login
):
    # The Arabic log read "departure DRH87QJV8" and "screening run 4", and refusals as stored:
    # "departure.view", "movement.receive at another facility", "no household" …
    audit.record(
        "placement.exit",
        object_type="departures.departure",
        object_id="DRH87QJV8",
        detail={"step": "leave", "departure": "DRH87QJV8", "persons": 2},
    )
    audit.record("screening.run", object_type="screening.screeningrun", object_id="4")
    reasons = [
        "departure.view",
        "movement.receive at another facility",
        "movement.dispatch from another facility",
        "person.register outside the user's facilities",
        "no policy action declared for retrieve",
        "no household",
        "merged record",
        "slip needs the person's identity fields",
        "photo needs the person's identity fields",
    ]
    for reason in reasons:
        audit.record("request.denied", detail={"method": "GET", "path": "/x/", "reason": reason})
    client = login(make_user("auditor"))
    for lang in ("en", "ar", "ckb", "kmr"):
        client.post("/i18n/setlang/", {"language": lang, "next": "/"})
        page = html.unescape(client.get("/audit/", {"limit": 50}).content.decode())
        objects = re.findall(r'<td><bdi dir="auto">([^<]*)</bdi></td><td class="num"', page)
        shown = re.findall(r'<dt title="reason">[^<]*</dt><dd><bdi dir="auto">([^<]*)<', page)
        assert "DRH87QJV8" in objects, (lang, objects)  # a departure by its number, no kind
        assert len(shown) == len(reasons), (lang, shown)
        if lang == "en":
            assert "screening run 4" in objects
            assert "The role does not allow departure.view" in shown
            assert "The person has no household" in shown
            continue
        assert not [o for o in objects if re.search(r"[a-z]{3,} \d", o)], (lang, objects)
        # The action named in a reason stays as the policy names it ("departure.view").
        words = [re.sub(r"[a-z_]+(\.[a-z_]+)+", "", r) for r in shown]
        english = ("another facility", "no policy", "household", "merged", "needs")
        assert not [w for w in words if any(e in w for e in english)], (lang, shown)
