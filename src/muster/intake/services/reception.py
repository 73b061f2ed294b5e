"""Register a household at a reception point, typed at the table (people, placement, screening),
or a member who came late."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from muster.custody import services as custody
from muster.custody.models import Facility
from muster.intake.kobo import (
    document_problems,
)
from muster.people import services as people
from muster.people.models import Household, Person
from muster.people.signals import (
    household_registered,
)


def check_reception_point(facility) -> None:
    """Households are registered at an open reception point, never straight into a camp or a holding
    facility: placement anywhere else goes through custody's transfers and their safeguards."""
    if facility is None or facility.kind != Facility.Kind.RECEPTION_POINT or not facility.is_active:
        message = _("%(f)s is not an open reception point; households are registered at one")
        raise ValidationError(
            {
                "reception_point": ValidationError(
                    message % {"f": getattr(facility, "name", "?")}, code="not_a_reception_point"
                )
            }
        )


# The import's column names for a document's problems, and the reception form's field names.
_DOC_FIELDS = {"doc_mrz": "mrz", "doc_number": "number"}


def check_documents(members: Sequence[dict]) -> None:
    """A household's documents checked: a machine-readable zone read with every check digit (a
    failed one is refused, never accepted), the number against its known format (Syrian and Iraqi
    national numbers, civil-registry references: :mod:`muster.intake.documents`) and against the
    zone. Numbers are stored as checked (ASCII digits, separators dropped). Problems are named by
    member and document (``members[0].documents[1].mrz``)."""
    errors: dict[str, list[str]] = {}
    for i, member in enumerate(members):
        for j, doc in enumerate(member.get("documents") or []):
            for field_name, message in document_problems(doc):
                key = f"members[{i}].documents[{j}].{_DOC_FIELDS.get(field_name, field_name)}"
                errors.setdefault(key, []).append(message)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def register_household(
    members: Sequence[dict],
    *,
    reception_point: Facility,
    by,
    request=None,
    override_reason: str = "",
) -> Household:
    """Register a household (head first, already cleaned by ``clean_household``) at a reception point.

    Every member is placed at the reception point in the same transaction; the household, each person
    and each placement are audited. Screening starts once the transaction has committed.
    """
    check_reception_point(reception_point)
    check_documents(members)
    household, persons = people.create_household(
        members, by=by, request=request, detail={"reception_point": reception_point.pk}
    )
    custody.place_many(
        persons, reception_point, by=by, request=request, override_reason=override_reason
    )
    household_registered.send(sender=Household, household=household, persons=persons)
    return household


@transaction.atomic
def register_late_member(
    household: Household,
    member: dict,
    *,
    reception_point: Facility,
    by,
    request=None,
    override_reason: str = "",
) -> Person:
    """Register a relative who arrives after the household (``member`` cleaned by ``clean_member``):
    the same rules as a registration (placed at the reception point, screened after commit)."""
    check_reception_point(reception_point)
    check_documents([member])
    person = people.add_member(household, member, by=by, request=request)
    custody.place_many(
        [person],
        reception_point,
        by=by,
        request=request,
        override_reason=override_reason,
        separation_reason=_("late arrival registered at %(f)s") % {"f": reception_point.name},
    )
    household_registered.send(sender=Household, household=household, persons=[person])
    return person
