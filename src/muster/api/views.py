"""The API's endpoints: parse, check the policy, call a service, render what the reader may see.

Every viewset declares ``policy_action`` (DRF action -> policy action); :func:`endpoint_policy` turns
those declarations into ``(url_name, method, action)`` rows, the input of the role x endpoint matrix test.
Every read of a person writes ``person.read`` (lists: one ``person.list`` with the count) in the same
transaction as the read; writes are audited by the services they call.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from muster.access import policy, signin
from muster.api import serializers as s
from muster.api.permissions import (
    PUBLIC,
    PolicyPermission,
    audit_denied,
    refuse_out_of_scope,
)
from muster.api.schema import MusterAutoSchema
from muster.api.serializers import MAX_ID
from muster.audit import services as audit
from muster.custody import services as custody
from muster.custody.models import Facility, ManifestLine, Movement, Placement
from muster.people import services as people
from muster.people.models import PROTECTION_FLAGS, Household, Person
from muster.people.search import filter_by_query
from muster.people.timeline import person_timeline
from muster.people.validation import clean_household
from muster.screening import services as screening
from muster.screening.models import Category, CategoryDecision


class Pagination(LimitOffsetPagination):
    max_limit = 500  # a field laptop should not be asked for 60,000 records in one page


class PolicyViewSet(viewsets.GenericViewSet):
    """Base of every API view: JSON in and out, the one permission class, the policy map."""

    # Token first: an anonymous request gets 401 with "WWW-Authenticate: Token", not a bare 403.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [PolicyPermission]
    parser_classes = [JSONParser]
    pagination_class = Pagination
    schema = MusterAutoSchema()
    http_method_names = ["get", "post", "patch", "head"]
    policy_action: dict[str, str] = {}

    def required_action(self) -> str:
        return self.policy_action[self.action]

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        # PostgreSQL cannot compare text holding NUL: such a value must never reach a query.
        if any("\x00" in str(value) for value in kwargs.values()):
            raise Http404
        bad = sorted(
            k for k, values in request.query_params.lists() if any("\x00" in v for v in values)
        )
        if bad:
            raise ValidationError({k[:60]: [_("contains a NUL character")] for k in bad})


# ---------------------------------------------------------------- helpers


def person_queryset() -> QuerySet:
    """Persons with what :class:`~muster.api.serializers.PersonSerializer` needs, in a few queries."""
    return Person.objects.select_related("household", "merged_into").prefetch_related(
        Prefetch(
            "placements",
            queryset=Placement.objects.filter(is_current=True).select_related("facility"),
            to_attr="current_placements",
        ),
        Prefetch(
            "category_decisions",
            queryset=CategoryDecision.objects.filter(is_current=True).select_related("decided_by"),
            to_attr="current_categories",
        ),
        "documents",
    )


def facility_or_400(facility_id: int, field: str) -> Facility:
    facility = (
        Facility.objects.filter(pk=facility_id).first() if 0 < facility_id <= MAX_ID else None
    )
    if facility is None:
        raise ValidationError({field: [_("no facility with id %(id)s") % {"id": facility_id}]})
    return facility


def persons_by_number(numbers: list[str], field: str) -> list[Person]:
    """Persons in the order given (duplicates kept: the services refuse them with their own message)."""
    found = {p.number: p for p in Person.objects.filter(number__in=set(numbers))}
    unknown = [n for n in dict.fromkeys(numbers) if n not in found]
    if unknown:
        raise ValidationError(
            {
                field: [
                    _("no person with registration number %(list)s")
                    % {"list": ", ".join(unknown[:20])}
                ]
            }
        )
    return [found[n] for n in numbers]


def record_person_read(request, person: Person, view: str) -> None:
    audit.record("person.read", request=request, obj=person, detail={"via": "api", "view": view})


def _query_int(raw: str, field: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("'%(v)s' is not a number") % {"v": raw[:40]}]}) from None
    if not 0 < value <= MAX_ID:
        raise ValidationError({field: [_("no facility with id %(id)s") % {"id": raw[:40]}]})
    return value


def _event_dict(event) -> dict:
    if isinstance(event, dict):
        return event
    return {
        "at": event.at,
        "kind": event.kind,
        "text": str(event.text),
        "detail": str(getattr(event, "detail", "")),
    }


# ---------------------------------------------------------------- people

PERSON_FILTERS = [
    OpenApiParameter("q", str, description="Name (any script or spelling) or registration number"),
    OpenApiParameter("number", str, description="Registration number, exactly"),
    OpenApiParameter("facility", int, description="Currently placed at this facility id"),
    OpenApiParameter(
        "category",
        str,
        enum=[*Category.values, "undecided"],
        description="Current category (roles that may see categories only)",
    ),
    OpenApiParameter(
        "flag", str, enum=list(PROTECTION_FLAGS), description="Has this protection flag"
    ),
]


PERSON_FILTER_NAMES = [p.name for p in PERSON_FILTERS]


@extend_schema_view(
    list=extend_schema(parameters=PERSON_FILTERS, responses=s.PersonSerializer(many=True)),
    retrieve=extend_schema(responses=s.PersonSerializer),
    partial_update=extend_schema(
        request=s.PersonCorrectionInputSerializer,
        responses=s.PersonSerializer,
        description="Correct registered details. Needs a reason; only correctable fields your "
        "role may see are accepted, anything else is refused and nothing changes.",
    ),
)
class PersonViewSet(PolicyViewSet):
    lookup_field = "number"
    serializer_class = s.PersonSerializer
    policy_action = {
        "list": "person.view",
        "retrieve": "person.view",
        "partial_update": "person.correct",
        "timeline": "person.view",
        "category": "category.decide",
    }

    def get_queryset(self) -> QuerySet:
        return policy.scope_persons(
            self.request.user, person_queryset(), self.required_action()
        ).order_by("id")

    def get_object(self) -> Person:
        try:
            return super().get_object()
        except Http404:
            number = self.kwargs.get(self.lookup_field)
            hidden = Person.objects.filter(number=number).first()
            if hidden is not None:
                refuse_out_of_scope(self.request, hidden)
            raise

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "fields": self.visible_fields()}

    def visible_fields(self) -> frozenset[str]:
        return policy.person_fields(self.request.user)

    def filter_persons(self, qs: QuerySet) -> QuerySet:
        params = self.request.query_params
        visible = self.visible_fields()
        if q := params.get("q", "").strip():
            # The one search, shared with the web pages (muster.people.search).
            qs = filter_by_query(qs, q, match_documents="documents" in visible)
        if number := params.get("number", "").strip():
            qs = qs.filter(number=number)
        if (raw := params.get("facility", "").strip()) != "":
            facility = facility_or_400(_query_int(raw, "facility"), "facility")
            qs = qs.filter(
                placements__is_current=True,
                placements__state=Placement.State.PLACED,
                placements__facility=facility,
            )
        if category := params.get("category", "").strip():
            if "category" not in visible:
                # Filtering on a field reveals it: refuse rather than answer by omission.
                raise ValidationError({"category": [_("your role may not see categories")]})
            if category == "undecided":
                qs = qs.exclude(category_decisions__is_current=True)
            elif category in Category.values:
                qs = qs.filter(
                    category_decisions__is_current=True, category_decisions__category=category
                )
            else:
                raise ValidationError(
                    {"category": [_("'%(v)s' is not a category") % {"v": category[:40]}]}
                )
        for flag in params.getlist("flag"):
            if flag not in PROTECTION_FLAGS:
                raise ValidationError(
                    {"flag": [_("'%(v)s' is not a protection flag") % {"v": flag[:40]}]}
                )
            if flag not in visible:
                raise ValidationError({"flag": [_("your role may not see %(f)s") % {"f": flag}]})
            qs = qs.filter(**{flag: True})
        return qs

    def list(self, request):
        with transaction.atomic():
            qs = self.filter_persons(self.get_queryset())
            page = self.paginate_queryset(qs)
            data = self.get_serializer(page, many=True).data
            used = sorted(k for k in PERSON_FILTER_NAMES if k in request.query_params)
            # The count and which filters were used; never the searched name itself.
            audit.record(
                "person.list",
                request=request,
                detail={"via": "api", "count": len(page), "filters": used},
            )
        return self.get_paginated_response(data)

    def retrieve(self, request, number=None):
        with transaction.atomic():
            person = self.get_object()
            data = self.get_serializer(person).data
            record_person_read(request, person, "retrieve")
        return Response(data)

    def partial_update(self, request, number=None):
        body = request.data
        if not isinstance(body, dict):
            raise ValidationError({"non_field_errors": [_("expected a JSON object of fields")]})
        writable = (set(people.CORRECTABLE) & self.visible_fields()) | {"reason"}
        if "birth_year" in writable:
            writable.add("estimated_age")
        refused = sorted(set(body) - writable)
        if refused:
            # Mass assignment: name every field that may not be set, change nothing.
            raise ValidationError(
                {str(f)[:60]: [_("cannot be changed through a correction")] for f in refused}
            )
        serializer = s.PersonCorrectionInputSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        reason = changes.pop("reason")
        with transaction.atomic():
            person = self.get_object()
            people.correct_person(person, changes, reason=reason, by=request.user, request=request)
            person = person_queryset().get(pk=person.pk)
            data = self.get_serializer(person).data
            record_person_read(request, person, "correction")
        return Response(data)

    @extend_schema(responses=s.TimelineEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, number=None):
        """Everything that happened to this person, oldest first, limited to what your role may see."""
        with transaction.atomic():
            person = self.get_object()
            fields = self.visible_fields()
            events = [_event_dict(e) for e in person_timeline(person, fields)]
            data = s.TimelineEventSerializer(events, many=True).data
            record_person_read(request, person, "timeline")
        return Response(data)

    @extend_schema(
        request=s.CategoryDecisionInputSerializer,
        responses={201: s.CategoryDecisionSerializer},
        description="Decide this person's category (civilian / held / family of held), with a reason.",
    )
    @action(detail=True, methods=["post"])
    def category(self, request, number=None):
        serializer = s.CategoryDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            person = self.get_object()
            decision = screening.decide_category(
                person,
                data["category"],
                reason=data["reason"],
                legal_basis=data.get("legal_basis", ""),
                basis=data.get("basis", ""),
                by=request.user,
                request=request,
            )
        return Response(s.CategoryDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- households


@extend_schema_view(
    list=extend_schema(responses=s.HouseholdSummarySerializer(many=True)),
    retrieve=extend_schema(responses=s.HouseholdSerializer),
    create=extend_schema(
        request=s.HouseholdInputSerializer,
        responses={201: s.HouseholdSerializer},
        description="Register a household at a reception point, head first. Errors name the "
        "member and field: members[1].date_of_birth.",
    ),
)
class HouseholdViewSet(PolicyViewSet):
    lookup_field = "number"
    serializer_class = s.HouseholdSummarySerializer
    policy_action = {"list": "person.view", "retrieve": "person.view", "create": "person.register"}

    def scoped_persons(self) -> QuerySet:
        return policy.scope_persons(self.request.user, Person.objects.all(), "person.view")

    def get_queryset(self) -> QuerySet:
        in_scope = self.scoped_persons().values("household_id")
        return (
            Household.objects.filter(pk__in=in_scope)
            .annotate(member_count=Count("members"))
            .order_by("id")
        )

    def get_object(self) -> Household:
        try:
            return super().get_object()
        except Http404:
            hidden = Household.objects.filter(number=self.kwargs.get("number")).first()
            if hidden is not None:
                refuse_out_of_scope(self.request, hidden)
            raise

    def _detail(self, request, household: Household) -> dict:
        scoped = policy.scope_persons(request.user, person_queryset(), "person.view")
        members = list(scoped.filter(household=household).order_by("id"))
        for member in members:
            record_person_read(request, member, "household")
        context = {"fields": policy.person_fields(request.user), "members": members}
        return s.HouseholdSerializer(household, context=context).data

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, number=None):
        with transaction.atomic():
            return Response(self._detail(request, self.get_object()))

    def create(self, request):
        serializer = s.HouseholdInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        facility = facility_or_400(data["reception_point"], "reception_point")
        if not policy.may_act_at(request.user, "person.register", facility.pk):
            audit_denied(request, "person.register outside the user's facilities", obj=facility)
            raise PermissionDenied(_("You may not register people at this facility."))
        raw_members = [
            {
                **member,
                "documents": [dict(d) for d in member.get("documents", [])],
            }
            for member in data["members"]
        ]
        cleaned = clean_household(raw_members)
        with transaction.atomic():
            household = people.register_household(
                cleaned,
                reception_point=facility,
                by=request.user,
                request=request,
                override_reason=data.get("override_reason", ""),
            )
            members = list(person_queryset().filter(household=household).order_by("id"))
            context = {"fields": policy.person_fields(request.user), "members": members}
            body = s.HouseholdSerializer(household, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- facilities


@extend_schema_view(
    list=extend_schema(responses=s.FacilitySerializer(many=True)),
    retrieve=extend_schema(responses=s.FacilitySerializer),
    create=extend_schema(request=s.FacilityInputSerializer, responses={201: s.FacilitySerializer}),
    partial_update=extend_schema(request=s.FacilityInputSerializer, responses=s.FacilitySerializer),
)
class FacilityViewSet(PolicyViewSet):
    """Facilities are not personal data: every role with facility.view sees all of them (a camp
    manager needs the list of destinations to dispatch to)."""

    serializer_class = s.FacilitySerializer
    policy_action = {
        "list": "facility.view",
        "retrieve": "facility.view",
        "create": "facility.manage",
        "partial_update": "facility.manage",
    }

    def get_queryset(self) -> QuerySet:
        return Facility.objects.order_by("kind", "name")

    def get_object(self) -> Facility:
        try:
            pk = int(self.kwargs.get("pk", ""))
        except ValueError:
            raise Http404 from None
        facility = Facility.objects.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
        if facility is None:
            raise Http404
        return facility

    def get_serializer_context(self) -> dict:
        return {
            **super().get_serializer_context(),
            "populations": custody.populations(),
            "expected": expected_by_facility(),
        }

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        serializer = s.FacilityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        facility = custody.create_facility(
            dict(serializer.validated_data), by=request.user, request=request
        )
        return Response(self.get_serializer(facility).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        facility = self.get_object()
        serializer = s.FacilityInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        facility = custody.update_facility(
            facility, dict(serializer.validated_data), by=request.user, request=request
        )
        return Response(self.get_serializer(facility).data)


def expected_by_facility() -> dict[int, int]:
    """Facility id -> persons dispatched there and not yet received (custody.expected, in one query)."""
    rows = (
        custody.in_transit_lines()
        .filter(outcome=ManifestLine.Outcome.PENDING)
        .values_list("movement__to_facility_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


# ---------------------------------------------------------------- movements


@extend_schema_view(
    list=extend_schema(responses=s.MovementSummarySerializer(many=True)),
    retrieve=extend_schema(responses=s.MovementSerializer),
    create=extend_schema(
        request=s.DispatchInputSerializer,
        responses={201: s.MovementSerializer},
        description="Dispatch persons (by registration number) from one facility to another.",
    ),
)
class MovementViewSet(PolicyViewSet):
    lookup_field = "number"
    serializer_class = s.MovementSerializer
    policy_action = {
        "list": "movement.view",
        "retrieve": "movement.view",
        "create": "movement.dispatch",
        "receive": "movement.receive",
        "report_missing": "movement.receive",
    }

    def get_queryset(self) -> QuerySet:
        qs = Movement.objects.select_related(
            "from_facility", "to_facility", "dispatched_by"
        ).order_by("-dispatched_at", "-id")
        if self.action == "list":
            qs = qs.annotate(n_lines=Count("lines"))
        else:
            qs = qs.prefetch_related(
                Prefetch("lines", queryset=ManifestLine.objects.select_related("person"))
            )
        facilities = policy.facility_scope(self.request.user, self.required_action())
        if facilities is not None:
            qs = qs.filter(Q(from_facility_id__in=facilities) | Q(to_facility_id__in=facilities))
        return qs

    def get_object(self) -> Movement:
        try:
            return super().get_object()
        except Http404:
            hidden = Movement.objects.filter(number=self.kwargs.get("number")).first()
            if hidden is not None:
                refuse_out_of_scope(self.request, hidden)
            raise

    def _check_receiving_side(self, request, movement: Movement) -> None:
        if not policy.may_act_at(request.user, "movement.receive", movement.to_facility_id):
            audit_denied(request, "movement.receive at another facility", obj=movement)
            raise PermissionDenied(_("Only the receiving facility confirms arrivals."))

    def _fresh(self, movement: Movement) -> dict:
        movement = (
            Movement.objects.select_related("from_facility", "to_facility", "dispatched_by")
            .prefetch_related(
                Prefetch("lines", queryset=ManifestLine.objects.select_related("person"))
            )
            .get(pk=movement.pk)
        )
        return s.MovementSerializer(movement).data

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.MovementSummarySerializer(page, many=True).data)

    def retrieve(self, request, number=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        serializer = s.DispatchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        source = facility_or_400(data["from_facility"], "from_facility")
        destination = facility_or_400(data["to_facility"], "to_facility")
        if not policy.may_act_at(request.user, "movement.dispatch", source.pk):
            audit_denied(request, "movement.dispatch from another facility", obj=source)
            raise PermissionDenied(_("You may not dispatch from this facility."))
        persons = persons_by_number(data["persons"], "persons")
        movement = custody.dispatch(
            persons,
            from_facility=source,
            to_facility=destination,
            by=request.user,
            request=request,
            vehicle=data.get("vehicle", ""),
            note=data.get("note", ""),
            override_reason=data.get("override_reason", ""),
            separation_reason=data.get("separation_reason", ""),
        )
        return Response(self._fresh(movement), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ReceiveInputSerializer,
        responses=s.ReceiveResultSerializer,
        description="Confirm arrival of the persons listed (default: everyone still pending).",
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, number=None):
        serializer = s.ReceiveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        movement = self.get_object()
        self._check_receiving_side(request, movement)
        numbers = serializer.validated_data.get("persons")
        persons = persons_by_number(numbers, "persons") if numbers is not None else None
        received = custody.receive(movement, persons, by=request.user, request=request)
        return Response({"received": received, "movement": self._fresh(movement)})

    @extend_schema(
        request=s.ReportMissingInputSerializer,
        responses=s.MovementSerializer,
        description="Report that a person on the manifest did not arrive (they stay unaccounted).",
    )
    @action(detail=True, methods=["post"], url_path="report-missing", url_name="report-missing")
    def report_missing(self, request, number=None):
        serializer = s.ReportMissingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        movement = self.get_object()
        self._check_receiving_side(request, movement)
        (person,) = persons_by_number([data["person"]], "person")
        if not ManifestLine.objects.filter(movement=movement, person=person).exists():
            raise ValidationError(
                {
                    "person": [
                        _("%(p)s is not on manifest %(m)s")
                        % {"p": person.number, "m": movement.number}
                    ]
                }
            )
        custody.report_missing(
            movement, person, note=data["note"], by=request.user, request=request
        )
        return Response(self._fresh(movement))


# ---------------------------------------------------------------- unaccounted, sitrep


@extend_schema_view(list=extend_schema(responses=s.UnaccountedLineSerializer(many=True)))
class UnaccountedViewSet(PolicyViewSet):
    """Persons dispatched and not received in time, or reported not arrived (numbers, no names)."""

    serializer_class = s.UnaccountedLineSerializer
    policy_action = {"list": "movement.view"}

    def get_queryset(self) -> QuerySet:
        qs = custody.unaccounted_lines()
        facilities = policy.facility_scope(self.request.user, "movement.view")
        if facilities is not None:
            qs = qs.filter(
                Q(movement__from_facility_id__in=facilities)
                | Q(movement__to_facility_id__in=facilities)
            )
        return qs.order_by("movement__dispatched_at", "id")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(list=extend_schema(responses=s.SitrepSerializer))
class SitrepViewSet(PolicyViewSet):
    """The situation report: figures only, never names."""

    serializer_class = s.SitrepSerializer
    pagination_class = None
    policy_action = {"list": "report.view"}

    def list(self, request):
        from muster.reports.sitrep import situation_report

        return Response(situation_report())


# ---------------------------------------------------------------- token


class TokenThrottle(SimpleRateThrottle):
    """Password guessing through the API is slowed per source address."""

    scope = "api-token"

    def __init__(self):
        self.rate = getattr(settings, "MUSTER", {}).get("API_TOKEN_RATE", "10/minute")
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


@extend_schema_view(
    create=extend_schema(
        request=s.TokenInputSerializer,
        responses={200: s.TokenSerializer},
        auth=[],
        description="Exchange a username and password (and, for roles that need it, a current "
        "authenticator code) for an API token; use it as `Authorization: Token <token>`. Issuing a "
        "token replaces the previous one.",
    )
)
class TokenViewSet(PolicyViewSet):
    authentication_classes = []  # no session, so no CSRF dance for a script
    throttle_classes = [TokenThrottle]
    serializer_class = s.TokenSerializer
    pagination_class = None
    policy_action = {"create": PUBLIC}

    def create(self, request):
        serializer = s.TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            key = signin.token_sign_in(
                request, data["username"], data["password"], data.get("totp_code", "")
            )
        except signin.SignInLocked as locked:
            raise Throttled(wait=max(1, (locked.until - timezone.now()).total_seconds())) from None
        return Response({"token": key})


# ---------------------------------------------------------------- routes and their policy

#: (URL prefix under /api/, viewset, basename). URL names are "<basename>-list", "<basename>-detail"
#: and "<basename>-<action url_name>".
# Basenames carry "api-" so the router's names never shadow the web UI's ("person-detail",
# "facility-list", "movement-detail" ... are the HTML pages' names).
ROUTES = [
    ("people", PersonViewSet, "api-person"),
    ("households", HouseholdViewSet, "api-household"),
    ("facilities", FacilityViewSet, "api-facility"),
    ("movements", MovementViewSet, "api-movement"),
    ("unaccounted", UnaccountedViewSet, "api-unaccounted"),
    ("sitrep", SitrepViewSet, "api-sitrep"),
    ("auth/token", TokenViewSet, "api-token"),
]

_STANDARD_ACTIONS = {
    "list": ("list", "GET"),
    "create": ("list", "POST"),
    "retrieve": ("detail", "GET"),
    "partial_update": ("detail", "PATCH"),
}


def register(router) -> None:
    for prefix, viewset, basename in ROUTES:
        router.register(prefix, viewset, basename=basename)


def endpoint_policy() -> list[tuple[str, str, str]]:
    """Every route registered here as ``(url_name, HTTP method, policy action)``.

    The action is a :mod:`muster.access.policy` action, or ``"public"`` for the token endpoint. HEAD
    follows GET and is not listed. Built from the viewsets' own ``policy_action``, so it cannot drift
    from what the permission class enforces.
    """
    rows: list[tuple[str, str, str]] = []
    for _prefix, viewset, basename in ROUTES:
        extra = {a.__name__: a for a in viewset.get_extra_actions()}
        for view_action, policy_action in viewset.policy_action.items():
            if view_action in extra:
                extra_action = extra[view_action]
                url_name = f"{basename}-{extra_action.url_name}"
                methods = [m.upper() for m in extra_action.mapping if m != "head"]
            else:
                suffix, method = _STANDARD_ACTIONS[view_action]
                url_name, methods = f"{basename}-{suffix}", [method]
            rows.extend((url_name, method, policy_action) for method in methods)
    return rows
