"""Who has seen a person's record: the exports that listed them, beside the reads of it.

An export's event lists its persons in its JSON detail; the export index (``ExportedPerson``) finds
the export from any one of them, on SQLite and on PostgreSQL alike.
"""

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from muster import cli
from muster.audit import queries as audit_log
from muster.audit import services as audit
from muster.audit.models import AuditEvent, ExportedPerson

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(registered):
    return registered.members.get(separated_child=True)


def export_roll(client, facility):
    response = client.get(reverse("export-roll-csv", kwargs={"pk": facility.pk}))
    assert response.status_code == 200


def test_a_roll_that_listed_the_child_is_on_who_read_with_who_exported_it(
    child, facilities, make_user, login
):
    caseworker = make_user("tracing_caseworker")
    audit.record("person.read", actor=caseworker, obj=child)
    manager = make_user("camp_manager", facility=facilities["reception"])
    export_roll(login(manager), facilities["reception"])
    audit.record("person.read", actor=caseworker, obj=child)

    events = list(audit_log.who_read(child.number))

    assert [(e.action, e.actor_username) for e in events] == [
        ("person.read", caseworker.username),
        ("export", manager.username),
        ("person.read", caseworker.username),
    ]
    roll = events[1]
    assert roll.detail["export"] == "facility.roll" and roll.detail["rows"] == 3
    assert roll.detail["filters"] == {"facility": facilities["reception"].pk}


def test_figures_without_persons_are_on_nobodys_who_read(child, facilities, make_user, login):
    login(make_user("coordinator")).get(reverse("export-sitrep-csv"))
    cli.main(["sitrep"])

    assert AuditEvent.objects.filter(action="export").count() == 2
    assert not audit_log.who_read(child.number).exists()
    assert not ExportedPerson.objects.exists()


def test_who_read_cli_prints_the_export_and_its_exporter_without_the_others_in_it(
    child, facilities, make_user, login, capsys
):
    reception = facilities["reception"]
    manager = make_user("camp_manager", facility=reception)
    export_roll(login(manager), reception)

    assert cli.main(["audit", "who-read", child.number]) == 0

    (line,) = capsys.readouterr().out.splitlines()
    _seq, _at, who, action, where, _ip, detail = line.split("\t")
    assert (who, action, where) == (manager.username, "export", f"custody.facility:{reception.pk}")
    detail = json.loads(detail)
    assert detail["export"] == "facility.roll" and detail["rows"] == 3
    assert detail["filters"] == {"facility": reception.pk}
    assert "person_ids" not in detail  # the roll's other persons are not this person's business


def test_auditor_page_shows_the_exports_that_listed_the_child(child, facilities, make_user, login):
    manager = make_user("camp_manager", facility=facilities["reception"])
    export_roll(login(manager), facilities["reception"])
    client = login(make_user("auditor"))

    page = client.get("/audit/", {"object": child.number}).content.decode()
    assert manager.username in page and "(facility.roll)" in page

    reads_alone = client.get("/audit/", {"object": child.number, "action": "person.read"})
    assert manager.username not in reads_alone.content.decode()


def test_a_camp_roll_of_60000_is_indexed_whole_and_the_chain_still_verifies(db, capsys):
    ids = range(1, 60_001)
    event = audit.record_export({"export": "facility.roll", "rows": len(ids)}, person_ids=ids)

    assert ExportedPerson.objects.filter(event=event).count() == 60_000
    assert list(audit_log.who_read("people.person:60000")) == [event]
    assert event.detail["person_ids"] == list(ids)  # the chain still carries the ids itself
    assert cli.main(["audit", "verify"]) == 0


# --- the index is append-only, like the events ----------------------------------------------------


@pytest.fixture
def indexed(db):
    audit.record_export({"export": "facility.roll", "rows": 2}, person_ids=[11, 12])


def indexed_ids():
    return sorted(ExportedPerson.objects.values_list("person_id", flat=True))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_exportedperson SET person_id = 99 WHERE person_id = 11",
        "DELETE FROM audit_exportedperson WHERE person_id = 11",
        "DELETE FROM audit_exportedperson",
    ],
)
def test_direct_sql_update_or_delete_on_the_export_index_fails(indexed, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert indexed_ids() == [11, 12]


def test_orm_update_and_delete_on_the_export_index_fail_too(indexed):
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            ExportedPerson.objects.filter(person_id=11).update(person_id=99)
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            ExportedPerson.objects.all().delete()
    assert indexed_ids() == [11, 12]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_export_index_cannot_be_truncated_on_postgresql(indexed):
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("TRUNCATE audit_exportedperson")
    assert indexed_ids() == [11, 12]


# --- the migration that adds the index ------------------------------------------------------------

BEFORE = [("audit", "0002_append_only_triggers")]
AFTER = [("audit", "0003_exported_person_index")]


def _migrate(targets):
    from django.db.migrations.executor import MigrationExecutor

    MigrationExecutor(connection).migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_the_exports_made_before_it(child, make_user, transactional_db):
    manager = make_user("camp_manager")
    roll_ids = list(child.household.members.values_list("pk", flat=True))
    try:
        _migrate(BEFORE)
        # Written as exports were before the index: the ids only in the event's detail.
        audit.record(
            "export",
            actor=manager,
            detail={
                "export": "facility.roll",
                "filters": {"facility": 1},
                "rows": 3,
                "person_ids": roll_ids,
            },
        )
        audit.record("export", detail={"export": "sitrep", "filters": {}, "rows": 5})
    finally:
        _migrate(AFTER)

    (roll,) = audit_log.who_read(child.number)
    assert roll.actor_username == manager.username and roll.detail["export"] == "facility.roll"
    assert sorted(ExportedPerson.objects.values_list("person_id", flat=True)) == sorted(roll_ids)
    assert audit.verify().ok
