"""The `muster` command as an officer or an operator runs it: real processes on a real data directory."""

import json
import os
import subprocess
import sys

import pytest


def muster(data_dir, *args, env_extra=None):
    env = {**os.environ, "MUSTER_DATA": str(data_dir)}
    env.pop("DATABASE_URL", None)  # the embedded default
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "muster.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("muster-data")
    result = muster(data, "demo", "--persons", "400", "--seed", "3", "--no-serve")
    assert result.returncode == 0, result.stderr
    return data, result


def test_demo_loads_the_scenario_and_prints_one_login_per_role(demo_dir):
    _, result = demo_dir
    assert "Loaded 4" in result.stdout
    for role in (
        "registration_officer",
        "screening_officer",
        "camp_manager",
        "coordinator",
        "auditor",
    ):
        assert role in result.stdout


def test_running_the_demo_twice_does_not_duplicate_data(demo_dir):
    data, _ = demo_dir
    before = json.loads(muster(data, "sitrep", "--json").stdout)["registered"]
    again = muster(data, "demo", "--persons", "400", "--seed", "3", "--no-serve", "--quiet")
    assert again.returncode == 0, again.stderr
    assert "already present" in again.stdout
    assert json.loads(muster(data, "sitrep", "--json").stdout)["registered"] == before


def test_sitrep_json_has_the_figures_coordinators_read(demo_dir):
    data, _ = demo_dir
    result = muster(data, "sitrep", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert isinstance(report["registered"], int) and report["registered"] >= 380
    assert set(report["by_category"]) >= {"civilian", "held", "family_of_held"}
    assert sum(report["by_category"].values()) == report["registered"]
    for facility in report["facilities"]:
        assert {"name", "kind", "population", "capacity"} <= set(facility)
    placed = sum(f["population"] for f in report["facilities"])
    assert placed + report["in_transit"] == report["registered"]
    # The demo keeps one bus overdue so the unaccounted list is never silently empty.
    assert report["unaccounted"] > 0
    assert report["in_transit"] >= report["unaccounted"]


def test_sitrep_from_the_command_line_is_an_audited_export(demo_dir):
    data, _ = demo_dir
    assert muster(data, "sitrep").returncode == 0
    log = muster(data, "audit", "log", "--action", "export", "--limit", "1")
    assert log.returncode == 0, log.stderr
    detail = json.loads(log.stdout.strip().split("\t")[-1])
    assert detail["export"] == "sitrep" and detail["via"] == "cli" and detail["format"] == "text"


def test_sitrep_counts_a_bus_as_unaccounted_only_after_the_configured_limit(demo_dir):
    data, _ = demo_dir
    default = json.loads(muster(data, "sitrep", "--json").stdout)
    lenient = json.loads(
        muster(data, "sitrep", "--json", env_extra={"MUSTER_UNACCOUNTED_AFTER_HOURS": "48"}).stdout
    )
    assert lenient["unaccounted"] < default["unaccounted"]


def test_audit_chain_of_the_demo_verifies(demo_dir):
    data, _ = demo_dir
    result = muster(data, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert "audit chain OK" in result.stdout and "head" in result.stdout


def test_createuser_with_an_unknown_role_fails_with_a_clear_message(demo_dir):
    data, _ = demo_dir
    result = muster(
        data,
        "createuser",
        "amal",
        "--role",
        "warlord",
        env_extra={"MUSTER_PASSWORD": "a long enough pass"},
    )
    assert result.returncode == 1
    assert "role: 'warlord' is not a role" in result.stderr
    assert "Traceback" not in result.stderr


def test_createuser_with_an_unknown_facility_names_it(demo_dir):
    data, _ = demo_dir
    result = muster(
        data,
        "createuser",
        "amal2",
        "--role",
        "camp_manager",
        "--facility",
        "Nowhere Camp",
        env_extra={"MUSTER_PASSWORD": "a long enough pass"},
    )
    assert result.returncode == 1
    assert "no facility named 'Nowhere Camp'" in result.stderr


def test_a_password_on_the_command_line_is_refused_naming_the_alternatives(demo_dir):
    data, _ = demo_dir
    result = muster(data, "createuser", "amal3", "--password", "a long enough pass")
    assert result.returncode == 1
    assert "MUSTER_PASSWORD" in result.stderr and "--password-stdin" in result.stderr
    assert "a long enough pass" not in result.stderr


def test_bad_demo_arguments_exit_non_zero_without_traceback(tmp_path):
    result = muster(tmp_path, "demo", "--persons", "-5", "--no-serve")
    assert result.returncode == 2
    assert "must be positive" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_command_has_help(tmp_path):
    for command in ("demo", "serve", "migrate", "createuser", "sitrep", "audit"):
        result = muster(tmp_path, command, "--help")
        assert result.returncode == 0, command
        assert "usage: muster" in result.stdout


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
