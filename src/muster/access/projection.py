"""A person as a reader may see them: the one projection through the policy, for every door.

``visible`` is :func:`muster.access.policy.person_fields` of the reader; a field not in it is left
out (never sent empty). Values are Python values (dates, datetimes, numbers as strings); each door
formats them (JSON in the API, text on a page).
"""

from muster.access.policy import shows_facility, shows_tracing_interest
from muster.people.models import NAME_PARTS, PROTECTION_FLAGS
from muster.tracing import queries as tracing_queries

SIMPLE_FIELDS = (
    "id",
    "number",
    *NAME_PARTS,
    "not_yet_named",
    "sex",
    "date_of_birth",
    "birth_year",
    "dob_precision",
    "nationality",
    "place_of_origin",
    "origin_pcode",
    "relationship_to_head",
    "registered_at",
    *PROTECTION_FLAGS,
)
LOCATION = frozenset({"current_facility", "custody_state"})
CATEGORY = frozenset({"category", "category_reason", "category_decided_by"})


def _first(items):
    return items[0] if items else None


def _current_placement(person):
    if hasattr(person, "current_placements"):  # prefetched (muster.api.base.person_queryset)
        return _first(person.current_placements)
    return person.placements.filter(is_current=True).select_related("facility").first()


def _current_category(person):
    if hasattr(person, "current_categories"):
        return _first(person.current_categories)
    return person.category_decisions.filter(is_current=True).select_related("decided_by").first()


def mark_tracing_interest(persons, visible) -> None:
    """Work out the tracing-interest flag of a page of persons in one query (else each person
    costs one): ``person_values`` then reads it. Nothing is asked for a reader without the flag."""
    persons = list(persons)
    if not shows_tracing_interest(visible) or not persons:
        return
    sought = tracing_queries.sought([p.pk for p in persons])
    for p in persons:
        p.tracing_interest_flag = p.pk in sought


def tracing_interest(person) -> bool:
    """Is ``person`` sought by tracing (the bare flag, see ``policy.TRACING_INTEREST_FIELDS``)?
    Only for readers who may see it: the caller checks ``policy.shows_tracing_interest``."""
    flag = getattr(person, "tracing_interest_flag", None)
    if flag is None:
        flag = person.pk in tracing_queries.sought([person.pk])
    return flag


def person_values(person, visible) -> dict:
    """The fields of ``person`` in ``visible``, in a fixed order."""
    values: dict = {}
    for name in SIMPLE_FIELDS:
        if name in visible:
            values[name] = getattr(person, name)
    if "household" in visible:
        values["household"] = person.household.number if person.household_id else None
    if "merged_into" in visible:
        values["merged_into"] = person.merged_into.number if person.merged_into_id else None
    if visible & LOCATION:
        placement = _current_placement(person)
        if "current_facility" in visible:
            facility = placement.facility if placement and placement.facility_id else None
            # A camp or holding facility would tell the category to a role that may not see it:
            # such a person is "placed" with no facility named (access.policy.shows_facility).
            values["current_facility"] = (
                {"id": facility.pk, "name": facility.name}
                if shows_facility(visible, facility)
                else None
            )
        if "custody_state" in visible:
            values["custody_state"] = placement.state if placement else None
    if visible & CATEGORY:
        decision = _current_category(person)
        if "category" in visible:
            values["category"] = decision.category if decision else None
        if "category_reason" in visible:
            values["category_reason"] = decision.reason if decision else None
        if "category_decided_by" in visible:
            values["category_decided_by"] = decision.decided_by.get_username() if decision else None
    if "documents" in visible:
        values["documents"] = list(person.documents.all())
    if shows_tracing_interest(visible):
        values["tracing_interest"] = tracing_interest(person)
    return values


def person_brief(person, visible, fields) -> dict | None:
    """A person named in another record (a hit, a list): the number always (it is how a person is
    named), and of ``fields`` those the reader may see, dates as ISO text."""
    if person is None:
        return None
    out = {"number": person.number}
    for name, value in person_values(person, visible & frozenset(fields)).items():
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out
