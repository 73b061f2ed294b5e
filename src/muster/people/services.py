"""The verbs of registration: register a household, add a document, correct a person's details.

Each verb validates, writes and records its audit event in one transaction.
"""

import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.people.models import (
    NAME_PARTS,
    PROTECTION_FLAGS,
    Household,
    IdentityDocument,
    Person,
    PersonCorrection,
)
from muster.people.search import person_name_key
from muster.people.signals import household_registered
from muster.people.validation import clean_member

# Crockford-like alphabet without look-alikes (0/O, 1/I/L) for numbers read aloud in a tent.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_number(prefix: str, length: int = 8) -> str:
    """A random registration number like P-7K3M9QXA: no sequence to leak counts, easy to read out."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


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
        registered_at=registered_at,
        registered_by=registered_by,
        **fields,
        **{flag: data[flag] for flag in PROTECTION_FLAGS},
    )


def _check_reception_point(facility) -> None:
    """Households are registered at an open reception point, never straight into a camp or a holding
    facility: placement anywhere else goes through custody's transfers and their safeguards."""
    if facility is None or facility.kind != "reception_point" or not facility.is_active:
        raise ValidationError(
            {
                "reception_point": [
                    _("%(f)s is not an open reception point; households are registered at one")
                    % {"f": getattr(facility, "name", "?")}
                ]
            },
            code="not_a_reception_point",
        )


@transaction.atomic
def register_household(
    members: Sequence[dict],
    *,
    reception_point,
    by,
    request=None,
    override_reason: str = "",
) -> Household:
    """Register a household (head first, already cleaned by ``clean_household``) at a reception point.

    Every member is placed at the reception point in the same transaction; the household, each person
    and each placement are audited.
    """
    from muster.custody import services as custody

    _check_reception_point(reception_point)
    now = timezone.now()
    household = Household.objects.create(
        number=new_number("H"), registered_at=now, registered_by=by
    )
    people = []
    for data in members:
        person = _person_from_clean(data, household=household, registered_at=now, registered_by=by)
        person.full_clean(exclude=["household", "registered_by", "merged_into"])
        person.save()
        for doc in data.get("documents", []):
            IdentityDocument.objects.create(person=person, recorded_at=now, **doc)
        audit.record(
            "person.register",
            actor=by,
            obj=person,
            request=request,
            detail={"household": household.number},
        )
        people.append(person)
    audit.record(
        "household.register",
        actor=by,
        obj=household,
        request=request,
        detail={"members": len(people), "reception_point": reception_point.pk},
    )
    custody.place_many(
        people, reception_point, by=by, request=request, override_reason=override_reason
    )
    household_registered.send(sender=Household, household=household, persons=people)
    return household


@transaction.atomic
def add_document(person: Person, raw: dict, *, by, request=None) -> IdentityDocument:
    cleaned = clean_member({"given_name": person.given_name, "documents": [raw]})["documents"]
    if not cleaned:
        raise ValidationError({"number": [_("is required for a document")]})
    doc = IdentityDocument.objects.create(person=person, recorded_at=timezone.now(), **cleaned[0])
    audit.record(
        "person.document.add",
        actor=by,
        obj=person,
        request=request,
        detail={"document": doc.pk, "doc_type": doc.doc_type},
    )
    return doc


CORRECTABLE = (
    *NAME_PARTS,
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
        raise ValidationError({"reason": [_("a correction needs a reason")]})
    unknown = sorted(set(raw) - set(CORRECTABLE) - {"estimated_age"})
    if unknown:
        raise ValidationError({f: [_("cannot be corrected here")] for f in unknown})
    current = {f: getattr(person, f) for f in CORRECTABLE}
    merged_raw = {**current, **raw}
    # A new year or age replaces a full date unless a date is given again.
    if ("birth_year" in raw or "estimated_age" in raw) and "date_of_birth" not in raw:
        merged_raw["date_of_birth"] = None
    cleaned = clean_member(merged_raw)
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
        "person.correct", actor=by, obj=person, request=request, detail={"fields": sorted(changes)}
    )
    return correction


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _lock_persons(*persons: Person) -> list[Person]:
    return list(Person.objects.select_for_update().filter(pk__in=[p.pk for p in persons]))


@transaction.atomic
def merge_persons(kept: Person, duplicate: Person, *, by, reason: str, request=None) -> Person:
    """Record that ``duplicate`` is the same person as ``kept`` (screening confirmed it).

    Nothing is deleted or copied: the duplicate keeps its registration, documents and history and
    points to the kept record. If both records have a current placement, the duplicate's is ended.
    """
    from muster.custody import services as custody

    if not (reason or "").strip():
        raise ValidationError({"reason": [_("a merge needs a reason")]})
    if kept.pk == duplicate.pk:
        raise ValidationError({"candidate": [_("a record cannot be merged into itself")]})
    locked = {p.pk: p for p in _lock_persons(kept, duplicate)}
    kept, duplicate = locked[kept.pk], locked[duplicate.pk]
    if duplicate.merged_into_id or kept.merged_into_id:
        raise ValidationError(
            {"candidate": [_("one of these records is already merged into another")]}
        )
    custody.end_for_merge(duplicate, kept, by=by, request=request)
    duplicate.merged_into = kept
    duplicate.save(update_fields=["merged_into"])
    for person, other in ((duplicate, kept), (kept, duplicate)):
        audit.record(
            "person.merge",
            actor=by,
            obj=person,
            request=request,
            detail={"kept": kept.number, "duplicate": duplicate.number, "other": other.number},
        )
    return kept


@transaction.atomic
def unmerge(duplicate: Person, *, by, reason: str, request=None) -> Person:
    """Undo a merge: the duplicate stands on its own again, back at the facility it was at."""
    from muster.custody import services as custody
    from muster.custody.models import Placement

    if not (reason or "").strip():
        raise ValidationError({"reason": [_("undoing a merge needs a reason")]})
    duplicate = _lock_persons(duplicate)[0]
    if not duplicate.merged_into_id:
        raise ValidationError({"person": [_("%(p)s is not merged") % {"p": duplicate.number}]})
    kept_number = duplicate.merged_into.number
    duplicate.merged_into = None
    duplicate.save(update_fields=["merged_into"])
    last = Placement.objects.filter(person=duplicate).order_by("-started_at", "-id").first()
    has_current = Placement.objects.filter(person=duplicate, is_current=True).exists()
    if last is not None and not has_current and last.state == Placement.State.PLACED:
        custody.place_many(
            [duplicate], last.facility, by=by, request=request, separation_reason=reason
        )
    audit.record(
        "person.unmerge",
        actor=by,
        obj=duplicate,
        request=request,
        detail={"was_merged_into": kept_number},
    )
    return duplicate
