"""Rows written straight into a table (core.rows): what bulk_create would store, the database's
refusals as Django's errors, ids never given twice, and the fields' checks down a column listing
every row full_clean would refuse."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from muster.audit.models import AuditEvent
from muster.core.rows import insert_rows, new_ids, rows_to_clean
from muster.people.models import DobPrecision, Household, Person

pytestmark = pytest.mark.django_db

FIELDS = tuple(f.attname for f in Person._meta.concrete_fields)
EXCLUDE = ("household", "registered_by", "merged_into")


def person_values(**changes) -> dict:
    values = {f: "" for f in FIELDS}
    values.update(
        id=None, number="P23456789", household_id=None, relationship_to_head="head",
        given_name="Omar", name_key="omar", sex="M", date_of_birth=dt.date(1990, 5, 1),
        birth_year=1990, dob_precision=DobPrecision.DAY, nationality="SYR",
        registered_at=timezone.now(), registered_by_id=None, merged_into_id=None,
        **{f: False for f in ("unaccompanied_child", "separated_child", "disability", "medical",
                              "pregnant", "elderly_alone", "wounded", "not_yet_named")},
    )  # fmt: skip
    values.update(changes)
    return values


# Values full_clean refuses, and values it takes but converts (a number as text, a datetime for a
# date): both kinds are left to full_clean.
REFUSED = {
    # An empty given name (or None: full_clean skips an empty value of a blank field) is a newborn
    # not yet named where the flag says so: the table's check, not the field's, refuses it otherwise.
    "given_name": ["x" * 201],
    "sex": ["X", ""],
    "relationship_to_head": ["cousin"],
    "birth_year": [-1, "year"],
    "nationality": ["SYRIA"],
    "pregnant": [None],
    "registered_at": [None],
    "number": ["P" * 21],
    "name_key": ["k" * 601],
}
CONVERTED = {
    "given_name": [5],
    "birth_year": ["1990", True],
    "date_of_birth": [dt.datetime(1990, 5, 1, 12, 0), "1990-05-01"],
    "pregnant": [1],
    "registered_at": ["2019-03-20"],
}


def _row(**changes) -> tuple:
    values = person_values(**changes)
    return tuple(values[f] for f in FIELDS)


def test_the_column_checks_list_every_row_full_clean_refuses_or_converts_and_no_other():
    # True among the good and 1 among the converted: equal values, tested apart by their type.
    good = [_row(), _row(father_name="", birth_year=None, date_of_birth=None), _row(pregnant=True)]
    refused = [_row(**{f: v}) for f, values in REFUSED.items() for v in values]
    converted = [_row(**{f: v}) for f, values in CONVERTED.items() for v in values]
    rows = good + refused + converted
    listed = rows_to_clean(Person, FIELDS, rows, exclude=EXCLUDE)
    assert listed == list(range(len(good), len(rows)))
    for i, row in enumerate(rows):
        person = Person(*row)
        if len(good) <= i < len(good) + len(refused):
            with pytest.raises(ValidationError):
                person.full_clean(exclude=list(EXCLUDE), validate_unique=False,
                                  validate_constraints=False)  # fmt: skip
        else:
            person.full_clean(exclude=list(EXCLUDE), validate_unique=False,
                              validate_constraints=False)  # fmt: skip


def test_a_field_left_out_cannot_go_unchecked():
    with pytest.raises(ValueError, match="sex"):
        rows_to_clean(Person, [f for f in FIELDS if f != "sex"], [], exclude=EXCLUDE)


def test_inserted_rows_read_back_as_bulk_create_stores_them():
    now = timezone.now()
    with transaction.atomic():
        (hid,) = new_ids(Household, 1)
        insert_rows(Household, ("id", "number", "registered_at", "registered_by_id"),
                    [(hid, "H23456789", now, None)])  # fmt: skip
        pid, other = new_ids(Person, 2)
        values = person_values(id=pid, household_id=hid, registered_at=now)
        insert_rows(Person, FIELDS, [tuple(values[f] for f in FIELDS)])
        Person.objects.bulk_create([Person(**{**values, "id": other, "number": "P33456789"})])
    mine, theirs = (
        Person.objects.filter(pk=pk).values(*[f for f in FIELDS if f not in ("id", "number")]).get()
        for pk in (pid, other)
    )
    assert mine == theirs
    assert mine["date_of_birth"] == dt.date(1990, 5, 1) and mine["registered_at"] == now
    assert Person.objects.get(pk=pid).household.number == "H23456789"
    detail = {"household": "H2", "names": ["محمد"], "n": 3}
    insert_rows(AuditEvent, ("seq", "at", "action", "detail", "prev_hash", "hash"),
                [(1, now, "x.y", detail, "0" * 64, "a" * 64)])  # fmt: skip
    event = AuditEvent.objects.get(seq=1)
    assert (event.detail, event.at, event.object_type) == (detail, now, "")


def test_a_refusal_of_the_database_is_djangos_integrity_error_and_ids_are_not_reused():
    now = timezone.now()
    row = ("H23456789", now, None)
    with transaction.atomic():
        insert_rows(Household, ("number", "registered_at", "registered_by_id"), [row])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Household, ("number", "registered_at", "registered_by_id"), [row])
    last = Household.objects.get().pk
    Household.objects.all().delete()
    with transaction.atomic():
        ids = new_ids(Household, 2)
    assert ids[0] > last and ids[1] > ids[0]  # a deleted row's id is not given again
