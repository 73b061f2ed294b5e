"""The `muster` command as an officer or an operator runs it: real processes on a real data directory."""

import json
import os
import re
import subprocess
import sys

import pytest

from tests import factories


def muster(data_dir, *args, env_extra=None):
    env = {**os.environ, "MUSTER_DATA": str(data_dir)}
    env.pop("DATABASE_URL", None)  # the embedded default
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "muster", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_demo_in_a_new_data_directory_loads_and_prints_one_login_per_role(tmp_path):
    # The one real process: a fresh data directory, created, migrated and loaded from nothing.
    result = muster(tmp_path, "demo", "--persons", "150", "--seed", "3", "--no-serve")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^Loaded 1\d\d persons in \d+ households", result.stdout, re.M)
    for role in (
        "registration_officer",
        "screening_officer",
        "camp_manager",
        "coordinator",
        "auditor",
    ):
        assert role in result.stdout


def test_running_the_demo_again_does_not_duplicate_data(operation, capsys, monkeypatch):
    # A second `muster demo` finds persons in the database and loads nothing more (the first load
    # is the real process above).
    monkeypatch.setenv("MUSTER_DEMO", "1")  # what `muster demo` sets, undone after the test
    before = json.loads(in_process(capsys, "sitrep", "--json")[1])["registered"]
    code, out, err = in_process(capsys, "demo", "--persons", "60", "--no-serve", "--quiet")
    assert code == 0, err
    assert "already present (4 persons)" in out
    assert json.loads(in_process(capsys, "sitrep", "--json")[1])["registered"] == before == 4


# The commands below need no data directory of their own: they run in this process (against the
# test database), which is much faster than a new interpreter each. The demo above and the
# malformed-setting test below stay real processes: they are about a data directory and start-up.


@pytest.fixture
def operation(db):
    """Four registered: a family of three on a bus dispatched 20 hours ago (overdue under the
    default 12-hour limit), a woman still at the reception point."""
    places = factories.facilities()
    family = factories.household(reception_point=places["reception"])
    factories.bus(
        family.members.all(),
        from_facility=places["reception"],
        to_facility=places["camp"],
        hours_ago=20,
    )
    single = [
        {
            "given_name": "Layla",
            "family_name": "Hassan",
            "sex": "F",
            "birth_year": "1990",
            "nationality": "SYR",
            "relationship_to_head": "head",
        }
    ]
    factories.household(single, reception_point=places["reception"])
    return places


def test_sitrep_json_has_the_figures_coordinators_read(operation, capsys):
    code, out, err = in_process(capsys, "sitrep", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["registered"] == 4
    assert set(report["by_category"]) >= {"civilian", "held", "family_of_held"}
    assert sum(report["by_category"].values()) == report["registered"]
    for facility in report["facilities"]:
        assert {"name", "kind", "population", "capacity"} <= set(facility)
    placed = sum(f["population"] for f in report["facilities"])
    assert (placed, report["in_transit"]) == (1, 3)
    assert placed + report["in_transit"] == report["registered"]
    assert report["unaccounted"] == 3


def test_sitrep_from_the_command_line_is_an_audited_export(operation, capsys):
    assert in_process(capsys, "sitrep")[0] == 0
    code, out, err = in_process(capsys, "audit", "log", "--action", "export", "--limit", "1")
    assert code == 0, err
    detail = json.loads(out.strip().split("\t")[-1])
    assert detail["export"] == "sitrep" and detail["via"] == "cli" and detail["format"] == "text"


def test_sitrep_counts_a_bus_as_unaccounted_only_after_the_configured_limit(
    operation, capsys, settings
):
    default = json.loads(in_process(capsys, "sitrep", "--json")[1])
    settings.MUSTER = {**settings.MUSTER, "UNACCOUNTED_AFTER_HOURS": 48}
    lenient = json.loads(in_process(capsys, "sitrep", "--json")[1])
    assert (default["unaccounted"], lenient["unaccounted"]) == (3, 0)
    assert lenient["in_transit"] == default["in_transit"] == 3


def test_audit_chain_verifies_and_prints_its_head(operation, capsys):
    code, out, err = in_process(capsys, "audit", "verify")
    assert code == 0, err
    assert "audit chain OK" in out and "head" in out


def in_process(capsys, *args, env_extra=None, monkeypatch=None) -> tuple[int, str, str]:
    from muster import cli

    for name, value in (env_extra or {}).items():
        monkeypatch.setenv(name, value)
    try:
        code = cli.main([str(a) for a in args])
    except SystemExit as exit_:  # argparse: --help, or a bad argument
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_createuser_with_an_unknown_role_fails_with_a_clear_message(db, capsys, monkeypatch):
    code, _, err = in_process(
        capsys,
        "createuser",
        "amal",
        "--role",
        "warlord",
        env_extra={"MUSTER_PASSWORD": "a long enough pass"},
        monkeypatch=monkeypatch,
    )
    assert code == 1
    assert "role: 'warlord' is not a role" in err
    assert "Traceback" not in err


def test_createuser_with_an_unknown_facility_names_it(db, capsys, monkeypatch):
    code, _, err = in_process(
        capsys,
        "createuser",
        "amal2",
        "--role",
        "camp_manager",
        "--facility",
        "Nowhere Camp",
        env_extra={"MUSTER_PASSWORD": "a long enough pass"},
        monkeypatch=monkeypatch,
    )
    assert code == 1
    assert "no facility named 'Nowhere Camp'" in err


def test_a_password_on_the_command_line_is_refused_naming_the_alternatives(db, capsys):
    code, _, err = in_process(capsys, "createuser", "amal3", "--password", "a long enough pass")
    assert code == 1
    assert "MUSTER_PASSWORD" in err and "--password-stdin" in err
    assert "a long enough pass" not in err


def test_bad_demo_arguments_exit_non_zero_without_traceback(capsys):
    code, _, err = in_process(capsys, "demo", "--persons", "-5", "--no-serve")
    assert code == 2
    assert "must be positive" in err
    assert "Traceback" not in err


def test_a_demo_that_stops_half_way_says_where_in_one_line_and_keeps_the_traceback(
    db, capsys, monkeypatch, settings, tmp_path
):
    # `muster demo --persons 85000` stopped at family tracing with a traceback (persons already
    # saved): a request the tracing services refused. The same refusal here, at the same step.
    from muster.demo import loading
    from muster.tracing import services as tracing

    def impossible_request(scenario, caseworker, seed):
        fields = {"given_name": "Rojin", "birth_year": 2015, "separation_date": "2014-08-03"}
        tracing.open_request(fields, by=caseworker)

    monkeypatch.setattr(loading, "load_tracing", impossible_request)
    settings.DATA_DIR = tmp_path
    code, out, err = in_process(capsys, "demo", "--persons", "60", "--no-serve", "--quiet")
    assert code == 1
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    log = tmp_path / "demo-failure.log"
    assert 'the step "Family tracing: the families\' requests, matched against the registry"' in err
    assert "birth_year: is after the date of separation" in err and str(log) in err
    assert "Loaded" not in out
    text = log.read_text()
    assert "Traceback" in text and "impossible_request" in text and "ValidationError" in text


@pytest.mark.parametrize("port", ["99999999", "65536", "0", "-1"])
@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_port_out_of_range_is_refused_not_wrapped_around(capsys, command, port):
    # 99999999 used to be served on port 57599 (99999999 mod 65536) while the banner said 99999999.
    # --no-serve: the demo loads nothing; serve has no such option, so it can never start serving.
    code, out, err = in_process(capsys, command, "--port", port, "--no-serve")
    assert code == 2, (out, err)
    assert "argument --port" in err and "Traceback" not in err
    assert "serving" not in out


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "log"],
        ["audit", "who-read", "PNOSUCH"],
        ["departures", "list"],
    ],
)
def test_a_limit_beyond_any_listing_is_refused_in_one_line_not_a_traceback(db, capsys, command):
    # 99999999999999999999999 went to the database as a LIMIT beyond 64 bits: a SQLite traceback.
    code, out, err = in_process(capsys, *command, "--limit", "99999999999999999999999")
    assert code == 2, (out, err)
    assert "argument --limit: must be at most 1,000,000,000" in err
    assert "Traceback" not in err


def test_every_command_has_help(capsys):
    for command in ("demo", "serve", "migrate", "createuser", "sitrep", "audit"):
        code, out, _ = in_process(capsys, command, "--help")
        assert code == 0, command
        assert "usage: muster" in out


@pytest.mark.parametrize(
    "variable, value, message",
    [
        (
            "MUSTER_SCREENING_LIKELY",
            "abc",
            "MUSTER_SCREENING_LIKELY='abc' is not a number; expected a value between 0 and 1",
        ),
        (
            "MUSTER_SCREENING_POSSIBLE",
            "1.5",
            "MUSTER_SCREENING_POSSIBLE='1.5' is out of range; expected a value between 0 and 1",
        ),
        (
            "MUSTER_LOGIN_LOCK_AFTER",
            "2.5",
            "MUSTER_LOGIN_LOCK_AFTER='2.5' is not a whole number; "
            "expected a whole number of failures, 1 or more",
        ),
        (
            "MUSTER_SESSION_MAX_HOURS",
            "0",
            "MUSTER_SESSION_MAX_HOURS='0' is out of range; expected a number of hours above 0",
        ),
    ],
)
def test_a_malformed_number_setting_stops_the_command_naming_the_variable(
    tmp_path, variable, value, message
):
    result = muster(tmp_path, "sitrep", env_extra={variable: value})
    assert result.returncode == 1
    assert result.stderr.strip() == f"muster: {message}"  # one line, no traceback
    assert result.stdout == ""


def test_serving_loads_the_url_map_and_the_name_table_before_the_first_request():
    # The first search of the day waited seconds for both (imports of every page, the table read).
    from django.urls import clear_url_caches
    from django.urls.resolvers import _get_cached_resolver

    from muster import cli
    from muster.identity.internals.names import variant_table

    variant_table.cache_clear()
    clear_url_caches()
    cli._warm_up()
    assert variant_table.cache_info().currsize == 1
    assert _get_cached_resolver.cache_info().currsize == 1
