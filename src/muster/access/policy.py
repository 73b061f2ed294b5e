"""The one access policy: role -> actions, visible person fields, scope.

Every view, API endpoint, export and CLI command asks this module; nothing else decides access.
Actions are the domain's verbs. A role scoped to facilities (``SCOPED_ROLES``) sees only persons whose
current placement (or movement in transit, or departure not yet confirmed) touches one of its
facilities.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from muster.access.models import Role, RoleGrant
from muster.custody.models import Facility, Placement
from muster.departures.models import Departure
from muster.departures.queries import (
    shows_exit,
    shows_receiving_authority,
    without_hidden_reunifications,
)
from muster.identity import PERSON_ATTRIBUTES
from muster.people.models import PROTECTION_FLAGS

# Person fields, grouped by sensitivity. A role sees the union of the groups it is given.
# The person-record layout's attributes (names, sex, birth, origin, nationality) are identity data.
IDENTITY_FIELDS = frozenset(
    {
        *PERSON_ATTRIBUTES,
        "id",
        "number",
        "dob_precision",
        "origin_pcode",
        "not_yet_named",  # a newborn's given name not given yet: a fact about the name
        "household",
        "relationship_to_head",
        "registered_at",
        "merged_into",
    }
)
PROTECTION_FIELDS = frozenset(PROTECTION_FLAGS)
LOCATION_FIELDS = frozenset({"current_facility", "custody_state"})
# Where a person is tells their category when the facility's kind does: a displacement camp holds
# civilians, a holding facility the held, a family camp the families of the held. A role that sees
# location but not categories learns only that such a person is "at a facility", never which one
# (nor the destination of a movement towards one, nor the list of who is there). Only roles that see
# categories anyway get this pseudo-field; a test keeps it so.
CATEGORY_FACILITY_FIELDS = frozenset({"category_facility"})
CATEGORY_FIELDS = frozenset({"category"})
SCREENING_FIELDS = frozenset({"category_reason", "category_decided_by"})
DOCUMENT_FIELDS = frozenset({"documents"})
# "Tracing interest": a bare flag that a tracing caseworker is working on this person (a request
# whose linked person they are, or a candidate the matcher is confident of or a caseworker is
# verifying or has confirmed), never which request, who asks, or why. Issue 13 allows other roles
# "at most" this flag, and its tests name the camp manager, the coordinator and the screening officer
# as roles that must not learn that anyone is sought; the registration officer meets the person's
# household at reception, and a captor's household must not learn it either. The one role that
# needs it is the repatriation officer: a return, a repatriation or a handover takes the person
# out of reach for good, so a person the family is looking for must not be put on a convoy without
# the caseworker being asked. That role sees the flag (person page, manifest, API) and nothing more;
# tracing caseworkers see it too, with the requests behind it. It is deliberately not in
# ALL_PERSON_FIELDS (the screening officer's).
TRACING_INTEREST_FIELDS = frozenset({"tracing_interest"})
# A reunification tells more than the flag: that a family sought the person and found them, who
# took them (a relative's name) and where to. Only tracing caseworkers are told it: in the
# departures' lists, pages and API (``reunification_scope``) and on a person's page and
# timeline. The camp manager of the facility sees the person leaving on a departure, as for any
# departure, and no more: issue 13 names the camp manager among the roles that must not learn that
# a person is sought. Not in ALL_PERSON_FIELDS either.
TRACING_DETAIL_FIELDS = frozenset({"tracing_detail"})
# How and where a person left custody: a departure's kind and destination. A handover or a release
# tells "held" as plainly as a holding facility's name, and a role told the other kinds and places
# would read "held" off a bare "departure D…" by elimination: a role sees every kind or none
# (``departures.queries.shows_exit``). Those without it (the tracing caseworker, the registration
# officer) read, for every departure alike, that the person left the registry, when, the
# departure's number, and whom to ask. The roles that see categories anyway have it.
EXIT_DETAIL_FIELDS = frozenset({"exit_detail"})
# A repatriation's receiving authority: free text naming a state's delegation or its officials.
# The repatriation officer hands the persons over to it; no other role that sees persons needs it
# (``departures.queries.shows_receiving_authority``). The coordinator, auditor and administrator
# see no person's departure: the audit log keeps it for the auditor.
RECEIVING_AUTHORITY_FIELDS = frozenset({"receiving_authority"})


# The kinds of facility whose name alone says which category the persons there were given.
CATEGORY_FACILITY_KINDS = frozenset(
    {Facility.Kind.DISPLACEMENT_CAMP, Facility.Kind.HOLDING_FACILITY, Facility.Kind.FAMILY_CAMP}
)


@dataclass(frozen=True)
class RolePolicy:
    actions: frozenset[str]
    person_fields: frozenset[str]
    scoped: bool = False  # limited to the facilities named in the grant


ALL_PERSON_FIELDS = (
    IDENTITY_FIELDS
    | PROTECTION_FIELDS
    | LOCATION_FIELDS
    | CATEGORY_FACILITY_FIELDS
    | CATEGORY_FIELDS
    | SCREENING_FIELDS
    | DOCUMENT_FIELDS
)

POLICY: dict[str, RolePolicy] = {
    Role.REGISTRATION_OFFICER: RolePolicy(
        actions=frozenset(
            {"person.view", "person.search", "person.register", "person.correct", "facility.view"}
        ),
        person_fields=IDENTITY_FIELDS | PROTECTION_FIELDS | LOCATION_FIELDS | DOCUMENT_FIELDS,
    ),
    Role.SCREENING_OFFICER: RolePolicy(
        actions=frozenset(
            {
                "person.view",
                "person.search",
                "person.correct",
                "category.decide",
                "screening.view",
                "screening.decide",
                "screening.lists",
                "category.approve",
                "protection.review",
                "person.export",
                "facility.view",
            }
        ),
        person_fields=ALL_PERSON_FIELDS | EXIT_DETAIL_FIELDS,
    ),
    Role.CAMP_MANAGER: RolePolicy(
        actions=frozenset(
            {
                "person.view",
                "person.search",
                "placement.create",
                "movement.dispatch",
                "movement.receive",
                "movement.view",
                "departure.view",
                "person.export",
                "facility.view",
                # A roll call at their facility: start it, mark those seen, close it.
                "rollcall.take",
                "rollcall.view",
            }
        ),
        person_fields=IDENTITY_FIELDS
        | PROTECTION_FIELDS
        | LOCATION_FIELDS
        | CATEGORY_FACILITY_FIELDS
        | CATEGORY_FIELDS
        | EXIT_DETAIL_FIELDS,
        scoped=True,
    ),
    Role.TRACING_CASEWORKER: RolePolicy(
        actions=frozenset(
            {
                "person.view",
                "person.search",
                "tracing.manage",
                "protection.review",
                "facility.view",
            }
        ),
        person_fields=IDENTITY_FIELDS
        | PROTECTION_FIELDS
        | LOCATION_FIELDS
        | TRACING_INTEREST_FIELDS
        | TRACING_DETAIL_FIELDS,
    ),
    Role.REPATRIATION_OFFICER: RolePolicy(
        actions=frozenset(
            {
                "person.view",
                "person.search",
                "movement.dispatch",
                "movement.view",
                "departure.view",
                "departure.manage",
                "departure.approve",
                "person.export",
                "facility.view",
            }
        ),
        person_fields=IDENTITY_FIELDS
        | LOCATION_FIELDS
        | CATEGORY_FACILITY_FIELDS
        | DOCUMENT_FIELDS
        | CATEGORY_FIELDS
        | TRACING_INTEREST_FIELDS
        | EXIT_DETAIL_FIELDS
        | RECEIVING_AUTHORITY_FIELDS,
    ),
    Role.COORDINATOR: RolePolicy(
        # A roll call's figures (never its lists: the coordinator sees no names).
        actions=frozenset({"report.view", "report.export", "facility.view", "rollcall.view"}),
        person_fields=frozenset(),
    ),
    Role.AUDITOR: RolePolicy(actions=frozenset({"audit.view"}), person_fields=frozenset()),
    Role.ADMINISTRATOR: RolePolicy(
        actions=frozenset({"user.manage", "facility.manage", "facility.view"}),
        person_fields=frozenset(),
    ),
}

# Roles that may not be held together at the same facility (separation of duties).
INCOMPATIBLE_ROLES: frozenset[frozenset[str]] = frozenset(
    {
        frozenset({Role.SCREENING_OFFICER, Role.CAMP_MANAGER}),
        frozenset({Role.AUDITOR, Role.ADMINISTRATOR}),
    }
)


def active_grants(user) -> list[RoleGrant]:
    """The user's grants in force now (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_muster_grants", None)
    if cached is not None:
        return cached
    grants = list(RoleGrant.objects.filter(user=user).in_force().select_related("facility"))
    user._muster_grants = grants
    return grants


def roles(user) -> set[str]:
    return {g.role for g in active_grants(user)}


def can(user, action: str) -> bool:
    """May this user perform ``action`` anywhere (object scope is checked separately)?"""
    return any(action in POLICY[g.role].actions for g in active_grants(user))


def facility_scope(user, action: str) -> set[int] | None:
    """Facility ids the user may perform ``action`` at; ``None`` means everywhere."""
    ids: set[int] = set()
    for g in active_grants(user):
        policy = POLICY[g.role]
        if action not in policy.actions:
            continue
        if not policy.scoped or g.facility_id is None:
            return None
        ids.add(g.facility_id)
    return ids


def person_fields(user) -> frozenset[str]:
    """The person fields this user may see (union over their roles)."""
    fields: frozenset[str] = frozenset()
    for g in active_grants(user):
        fields |= POLICY[g.role].person_fields
    return fields


def scope_persons(user, qs: QuerySet, action: str = "person.view") -> QuerySet:
    """Restrict a Person queryset to what the user may see for ``action``."""
    if not can(user, action):
        return qs.none()
    facilities = facility_scope(user, action)
    if facilities is None:
        return qs
    # A person dispatched on a departure from the facility and not yet confirmed received (or not
    # presented at the handover) is still the facility's to follow up: its departure page lists
    # them, the unaccounted page names a child among them. A reunification the role may not see
    # stays out of it, as its departure does.
    leaving_from = without_hidden_reunifications(
        Departure.objects.filter(from_facility_id__in=facilities), reunification_scope(user)
    ).values("number")
    return qs.filter(
        Q(placements__is_current=True, placements__facility_id__in=facilities)
        | Q(
            placements__is_current=True,
            placements__movement__to_facility_id__in=facilities,
        )
        | Q(
            placements__is_current=True,
            placements__movement__from_facility_id__in=facilities,
        )
        | Q(
            placements__is_current=True,
            placements__state=Placement.State.LEAVING,
            placements__exit_ref__in=leaving_from,
        )
    ).distinct()


def may_act_at(user, action: str, facility_id: int | None) -> bool:
    facilities = facility_scope(user, action)
    if not can(user, action):
        return False
    return facilities is None or (facility_id is not None and facility_id in facilities)


def shows_facility(fields: frozenset[str] | set[str], facility) -> bool:
    """May a role seeing ``fields`` be told that a person is (or was, or goes) at ``facility``?

    Facilities of a kind that tells the category (:data:`CATEGORY_FACILITY_KINDS`) are named only to
    roles with ``category_facility``; the others see "at a facility". ``facility`` is a Facility or
    ``None`` (nothing to name).
    """
    if facility is None or "current_facility" not in fields:
        return False
    return "category_facility" in fields or facility.kind not in CATEGORY_FACILITY_KINDS


def shows_separation_reason(fields: frozenset[str] | set[str]) -> bool:
    """May a role seeing ``fields`` read why a household was split?

    The reason is an officer's free text ("the father was taken to holding"): it tells the category
    of whoever moved, so only roles that see categories read it; the others see that the household
    was separated, and where to as far as :func:`shows_facility` allows.
    """
    return "category" in fields


def separation_destination(fields: frozenset[str] | set[str], separation) -> str:
    """Where a household separation's moved members went, as a role seeing ``fields`` may be told.

    A facility is named as :func:`shows_facility` allows. A departure says where to (its
    destination, the receiving authority as ``departures.queries.shows_receiving_authority``
    allows) only where the person page says how the person left
    (``departures.queries.shows_exit``); the other roles read "departure D…" alone, whatever its
    kind: were returns to say their village, a bare number would say "handed over".
    """
    if separation.to_facility_id is not None:
        facility = separation.to_facility
        return facility.display_name if shows_facility(fields, facility) else _("a facility")
    departure = separation.departure
    if departure is not None:
        if shows_exit(fields, departure.kind):
            authority = shows_receiving_authority(fields, departure.kind)
            return departure.separation_text(authority=authority)
        return _("departure %(d)s") % {"d": departure.number}
    # Recorded before a separation kept its departure: the text as written then, which may name
    # the receiving authority (a repatriation's among them), so only for whoever may read both.
    if EXIT_DETAIL_FIELDS | RECEIVING_AUTHORITY_FIELDS <= fields:
        return separation.destination
    return _("left custody on a departure")


def shows_tracing_interest(fields: frozenset[str] | set[str]) -> bool:
    """May a role seeing ``fields`` be told that a person is sought by tracing (the bare flag,
    :data:`TRACING_INTEREST_FIELDS`)?"""
    return "tracing_interest" in fields


def reunification_scope(user) -> set[int] | None:
    """Facilities whose reunification departures ``user`` may see: ``None`` (all) for a tracing
    caseworker, none for anyone else (:data:`TRACING_DETAIL_FIELDS`). Kept as a scope so that a
    facility-bound role could be given its own facility's, should the field need it."""
    return None if can(user, "tracing.manage") else set()


def may_list_persons_at(user, facility) -> bool:
    """May ``user`` list who is at ``facility`` (its person list, a search by facility)?

    A list of the persons at a holding facility is a list of the held: only for roles that may
    see where such persons are (and, for scoped roles, only at their own facilities).
    """
    return (
        shows_facility(person_fields(user), facility)
        and can(user, "person.view")
        and may_act_at(user, "person.view", facility.pk)
    )
