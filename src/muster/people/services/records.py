"""Registering and correcting records: a household and its members, documents, corrections, photos."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.core.numbering import new_number
from muster.core.rows import insert_rows, new_ids, rows_to_clean
from muster.core.uploads import MAX_PHOTO_BYTES, photo_type  # noqa: F401 - MAX_PHOTO_BYTES re-exported
from muster.people.audit_actions import PeopleAction
from muster.people.models import (
    NAME_PARTS,
    PROTECTION_FLAGS,
    Household,
    IdentityDocument,
    Person,
    PersonCorrection,
)
from muster.people.search import person_name_key
from muster.people.services.households import check_relationship_change
from muster.people.signals import person_corrected
from muster.people.validation import clean_member


def _person_from_clean(data: dict, *, household, registered_at, registered_by) -> Person:
    fields = {k: data[k] for k in NAME_PARTS}
    return Person(
        number=new_number("P"),
        household=household,
        relationship_to_head=data["relationship_to_head"],
        name_key=person_name_key(
            data["given_name"], data["father_name"], data["grandfather_name"], data["family_name"]
        ),
        sex=data["sex"],
        date_of_birth=data["date_of_birth"],
        birth_year=data["birth_year"],
        dob_precision=data["dob_precision"],
        nationality=data["nationality"],
        place_of_origin=data["place_of_origin"],
        origin_pcode=data["origin_pcode"],
        not_yet_named=data["not_yet_named"],
        registered_at=registered_at,
        registered_by=registered_by,
        **fields,
        **{flag: data[flag] for flag in PROTECTION_FLAGS},
    )


def _check_fields(person: Person) -> None:
    """Field checks of a new person. The table's check constraints are left to the database, which
    enforces them on insert, and to ``clean_member``, which checked the same values: Django would
    ask the database one query per constraint per person, which a large import pays many times."""
    person.full_clean(
        exclude=["household", "registered_by", "merged_into"], validate_constraints=False
    )


def _register_person(data: dict, household, *, now, by, request, late: bool = False) -> Person:
    """One member written with their documents and audited (inside the caller's transaction)."""
    person = _person_from_clean(data, household=household, registered_at=now, registered_by=by)
    _check_fields(person)
    person.save()
    for doc in data.get("documents", []):
        IdentityDocument.objects.create(person=person, recorded_at=now, **doc)
    detail = {"household": household.number, **({"late": True} if late else {})}
    audit.record(PeopleAction.PERSON_REGISTER, actor=by, obj=person, request=request, detail=detail)
    return person


@transaction.atomic
def create_household(
    members: Sequence[dict], *, by, request=None, detail: dict | None = None
) -> tuple[Household, list[Person]]:
    """Create a household and its members (head first, already cleaned by ``clean_household``).

    The household and each person are audited. Where they are is custody's business: reception
    (:func:`muster.intake.services.register_household`) places them in the same transaction.
    """
    now = timezone.now()
    household = Household.objects.create(
        number=new_number("H"), registered_at=now, registered_by=by
    )
    people = [
        _register_person(data, household, now=now, by=by, request=request) for data in members
    ]
    audit.record(
        PeopleAction.HOUSEHOLD_REGISTER,
        actor=by,
        obj=household,
        request=request,
        detail={"members": len(people), **(detail or {})},
    )
    return household, people


# The person's columns the bulk path writes, in the table's order (every concrete field).
_PERSON_FIELDS = tuple(f.attname for f in Person._meta.concrete_fields)
_CHECK_EXCLUDE = ("household", "registered_by", "merged_into")
_cache_household = Person._meta.get_field("household").set_cached_value


def create_households_bulk(
    households: Sequence[Sequence[dict]], *, by
) -> list[tuple[Household, list[Person]]]:
    """Create many households and their members (each head first, cleaned by ``clean_household``)
    with one insert per table (``core.rows``): the bulk import's path. The same field checks as
    :func:`create_household` (a value that might fail them sends its person through
    ``full_clean``, which refuses it as :func:`create_household` would), except the uniqueness of
    each random number, which the database's unique index enforces (a clash raises
    ``IntegrityError``: the caller retries one by one).

    Audits nothing and places no one: the caller does both in the same transaction (the import
    records the events of each household in one go).
    """
    now = timezone.now()
    by_id = by.pk if by is not None else None
    made = []
    with transaction.atomic():
        household_ids = new_ids(Household, len(households))
        person_ids = iter(new_ids(Person, sum(len(members) for members in households)))
        person_rows = []
        for household_id, members in zip(household_ids, households, strict=True):
            household = Household(
                id=household_id, number=new_number("H"), registered_at=now, registered_by_id=by_id
            )
            persons = []
            for data in members:
                values = _person_values(data, household_id, now, by_id)
                values["id"] = next(person_ids)
                row = tuple(values[f] for f in _PERSON_FIELDS)
                person_rows.append(row)
                person = Person(*row)
                _cache_household(person, household)
                persons.append(person)
            made.append((household, persons))
        everyone = [p for _, ps in made for p in ps]
        for i in rows_to_clean(Person, _PERSON_FIELDS, person_rows, exclude=_CHECK_EXCLUDE):
            # Refused here as create_household refuses it (or found good after all).
            everyone[i].full_clean(
                exclude=list(_CHECK_EXCLUDE), validate_unique=False, validate_constraints=False
            )
        insert_rows(
            Household,
            ("id", "number", "registered_at", "registered_by_id"),
            [(h.pk, h.number, now, by_id) for h, _ in made],
        )
        insert_rows(Person, _PERSON_FIELDS, person_rows)
        for obj in (*(h for h, _ in made), *everyone):  # saved, as bulk_create leaves them
            obj._state.adding, obj._state.db = False, connection.alias
        insert_rows(
            IdentityDocument,
            ("person_id", "recorded_at", *_DOC_FIELDS),
            [
                (person.pk, now, *(doc[f] for f in _DOC_FIELDS))
                for (_, persons), members in zip(made, households, strict=True)
                for person, data in zip(persons, members, strict=True)
                for doc in data.get("documents", [])
            ],
        )
    return made


_DOC_FIELDS = ("doc_type", "number", "issuing_country", "mrz", "expires_on")


def _person_values(data: dict, household_id: int, now, by_id) -> dict:
    """A new person's column values (by attname) from their cleaned registration fields, as
    :func:`_person_from_clean` sets them."""
    return {
        "number": new_number("P"),
        "household_id": household_id,
        "relationship_to_head": data["relationship_to_head"],
        "name_key": person_name_key(
            data["given_name"], data["father_name"], data["grandfather_name"], data["family_name"]
        ),
        "sex": data["sex"],
        "date_of_birth": data["date_of_birth"],
        "birth_year": data["birth_year"],
        "dob_precision": data["dob_precision"],
        "nationality": data["nationality"],
        "place_of_origin": data["place_of_origin"],
        "origin_pcode": data["origin_pcode"],
        "not_yet_named": data["not_yet_named"],
        "registered_at": now,
        "registered_by_id": by_id,
        "merged_into_id": None,
        **{k: data[k] for k in NAME_PARTS},
        **{flag: data[flag] for flag in PROTECTION_FLAGS},
    }


@transaction.atomic
def add_member(household: Household, data: dict, *, by, request=None) -> Person:
    """Add a late-arriving relative (cleaned by ``clean_member``) to an existing household.

    A household has one head: the new person joins with a relationship to that head. Audited like
    any registration, plus a ``household.add_member`` event on the household.
    """
    if data.get("relationship_to_head") in ("", None, "head"):
        raise ValidationError(
            {
                "relationship_to_head": [
                    ValidationError(
                        _("the household has a head; give this person's relationship"),
                        code="household_has_head",
                    )
                ]
            }
        )
    now = timezone.now()
    person = _register_person(data, household, now=now, by=by, request=request, late=True)
    audit.record(
        PeopleAction.HOUSEHOLD_ADD_MEMBER,
        actor=by,
        obj=household,
        request=request,
        detail={"person": person.number},
    )
    return person


@transaction.atomic
def add_document(person: Person, raw: dict, *, by, request=None) -> IdentityDocument:
    cleaned = clean_member({"given_name": person.given_name, "documents": [raw]})["documents"]
    if not cleaned:
        raise ValidationError(
            {
                "number": [
                    ValidationError(
                        _("is required for a document"), code="document_number_required"
                    )
                ]
            }
        )
    doc = IdentityDocument.objects.create(person=person, recorded_at=timezone.now(), **cleaned[0])
    audit.record(
        PeopleAction.PERSON_DOCUMENT_ADD,
        actor=by,
        obj=person,
        request=request,
        detail={"document": doc.pk, "doc_type": doc.doc_type},
    )
    return doc


CORRECTABLE = (
    *NAME_PARTS,
    "not_yet_named",  # cleared when the name is written
    "sex",
    "date_of_birth",
    "birth_year",
    "dob_precision",
    "nationality",
    "place_of_origin",
    "origin_pcode",
    "relationship_to_head",
    *PROTECTION_FLAGS,
)


@transaction.atomic
def correct_person(
    person: Person, raw: dict, *, reason: str, by, request=None
) -> PersonCorrection | None:
    """Correct registered details. The old values are kept in a PersonCorrection; nothing is lost."""
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": [ValidationError(_("a correction needs a reason"), code="reason_required")]}
        )
    unknown = sorted(set(raw) - set(CORRECTABLE) - {"estimated_age"})
    if unknown:
        raise ValidationError(
            {
                f: [ValidationError(_("cannot be corrected here"), code="not_correctable")]
                for f in unknown
            }
        )
    current = {f: getattr(person, f) for f in CORRECTABLE}
    merged_raw = {**current, **raw}
    # A new year or age replaces a full date unless a date is given again.
    if ("birth_year" in raw or "estimated_age" in raw) and "date_of_birth" not in raw:
        merged_raw["date_of_birth"] = None
    cleaned = clean_member(merged_raw, keep_unnamed=current["not_yet_named"])
    if not {"date_of_birth", "birth_year", "estimated_age"} & set(raw):
        # Re-reading the stored year must not turn an estimated age into a "known" year.
        cleaned["dob_precision"] = current["dob_precision"]
    check_relationship_change(
        person, current["relationship_to_head"], cleaned["relationship_to_head"]
    )
    changes = {}
    for field in CORRECTABLE:
        old, new = current[field], cleaned[field]
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
            setattr(person, field, new)
    if not changes:
        return None
    person.name_key = person_name_key(
        person.given_name, person.father_name, person.grandfather_name, person.family_name
    )
    person.save()
    correction = PersonCorrection.objects.create(
        person=person,
        changes=changes,
        reason=reason.strip(),
        corrected_by=by,
        corrected_at=timezone.now(),
    )
    audit.record(
        PeopleAction.PERSON_CORRECT,
        actor=by,
        obj=person,
        request=request,
        detail={"fields": sorted(changes)},
    )
    person_corrected.send(sender=Person, person=person, fields=sorted(changes))
    return correction


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def add_photo(person: Person, data: bytes, *, by, request=None):
    """Store a new photo of ``person`` (it becomes the current one); JPEG or PNG, at most 2 MB."""
    from muster.people.models import Photo

    try:
        content_type = photo_type(data)
    except ValidationError as exc:
        raise ValidationError({"photo": exc}) from None
    Photo.objects.filter(person=person, is_current=True).update(is_current=False)
    photo = Photo.objects.create(
        person=person, content_type=content_type, data=data, taken_at=timezone.now(), taken_by=by
    )
    audit.record(
        PeopleAction.PERSON_PHOTO_ADD,
        actor=by,
        obj=person,
        request=request,
        detail={"bytes": len(data)},
    )
    return photo
