"""The API of the registry: persons (search, read, correct, timeline, category)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from muster.access import policy
from muster.access.lookup import OUT_OF_SCOPE, get_in_scope
from muster.access.projection import mark_tracing_interest
from muster.api import serializers as base
from muster.api.base import (
    PolicyViewSet,
    event_dict,
    facility_or_400,
    person_page_limit,
    person_queryset,
    query_int,
    record_person_read,
)
from muster.audit import services as audit
from muster.custody.models import Placement
from muster.people import serializers as s
from muster.people import services as people
from muster.people.models import PROTECTION_FLAGS, Person
from muster.people.search import filter_by_query
from muster.reports.timeline import person_timeline
from muster.screening import services as screening
from muster.screening.models import Category

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
    list=extend_schema(parameters=PERSON_FILTERS, responses=base.PersonSerializer(many=True)),
    retrieve=extend_schema(responses=base.PersonSerializer),
    partial_update=extend_schema(
        request=s.PersonCorrectionInputSerializer,
        responses=base.PersonSerializer,
        description="Correct registered details. Needs a reason; only correctable fields your "
        "role may see are accepted, anything else is refused and nothing changes.",
    ),
)
class PersonViewSet(PolicyViewSet):
    lookup_field = "number"
    serializer_class = base.PersonSerializer
    policy_action = {
        "list": "person.view",
        "retrieve": "person.view",
        "partial_update": "person.correct",
        "timeline": "person.view",
        "category": "category.decide",
        "make_head": "person.correct",
        "make_head_proposal": "person.correct",
    }

    def get_queryset(self) -> QuerySet:
        return policy.scope_persons(
            self.request.user, person_queryset(), self.required_action()
        ).order_by("id")

    def get_object(self) -> Person:
        return get_in_scope(
            self.request,
            self.get_queryset(),
            reason=OUT_OF_SCOPE,
            number=self.kwargs.get(self.lookup_field),
        )

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "fields": self.visible_fields()}

    def visible_fields(self) -> frozenset[str]:
        return policy.person_fields(self.request.user)

    def filter_persons(self, qs: QuerySet) -> QuerySet:
        params = self.request.query_params
        visible = self.visible_fields()
        if q := params.get("q", "").strip():
            # The one search, shared with the web pages (muster.people.search).
            qs = filter_by_query(
                qs,
                q,
                match_documents="documents" in visible,
                match_households="household" in visible,
            )
        if number := params.get("number", "").strip():
            qs = qs.filter(number=number)
        if (raw := params.get("facility", "").strip()) != "":
            facility = facility_or_400(query_int(raw, "facility"), "facility")
            if not policy.may_list_persons_at(self.request.user, facility):
                # Who is at a holding facility is who is held: not for roles blind to categories.
                raise ValidationError(
                    {"facility": [_("your role may not list who is at this facility")]}
                )
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
        export_limit = person_page_limit(request)
        with transaction.atomic():
            qs = self.filter_persons(self.get_queryset())
            page = self.paginate_queryset(qs)
            mark_tracing_interest(page, policy.person_fields(request.user))
            data = self.get_serializer(page, many=True).data
            used = sorted(k for k in PERSON_FILTER_NAMES if k in request.query_params)
            # Which persons were shown and which filters were used; never the searched name itself.
            ids = [p.pk for p in page]
            if export_limit is None:
                audit.record_list(request, ids, via="api", count=len(ids), filters=used)
            else:
                audit.record_export(
                    {"export": "api-people", "via": "api", "filters": used, "rows": len(ids)},
                    person_ids=ids,
                    request=request,
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

    def _head_change(self, person: Person):
        """The former heads (all in the officer's places, or refused) and the other members the
        officer may correct, of the household ``person`` would head."""
        if not person.household_id:
            return [], []
        former = people.current_heads(person.household_id, exclude=person)
        allowed = policy.scope_persons(
            self.request.user,
            Person.objects.filter(pk__in=[p.pk for p in former]),
            "person.correct",
        ).count()
        if allowed != len(former):
            raise ValidationError(
                {"person": [_("the current head is outside the places you may correct")]}
            )
        members = policy.scope_persons(
            self.request.user,
            Person.objects.filter(pk__in=[m.pk for m in people.other_members(person, former)]),
            "person.correct",
        ).order_by("id")
        return former, list(members)

    @extend_schema(
        request=s.MakeHeadInputSerializer,
        responses=base.PersonSerializer,
        description="Make this person the head of their household, with a reason; the former head "
        "takes the relationship given, and each other member listed in relationships (number: "
        "relationship to the new head) takes theirs. Every change is a correction, all in one "
        "transaction.",
    )
    @action(detail=True, methods=["post"], url_path="make-head")
    def make_head(self, request, number=None):
        serializer = s.MakeHeadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            person = self.get_object()
            _former, members = self._head_change(person)
            relationships = dict(data.get("relationships") or {})
            # A member outside the officer's places is refused as the service refuses a stranger.
            numbers = {m.number for m in members}
            strangers = [k for k in relationships if k not in numbers]
            if strangers:
                raise ValidationError(
                    {f"relationships.{k[:40]}": [people.not_a_member(k)] for k in strangers}
                )
            people.make_head(
                person,
                former_head_relationship=data.get("former_head_relationship", ""),
                reason=data["reason"],
                by=request.user,
                request=request,
                relationships=relationships,
            )
            person = person_queryset().get(pk=person.pk)
            data = self.get_serializer(person).data
            record_person_read(request, person, "make_head")
        return Response(data)

    @extend_schema(
        responses=s.MakeHeadProposalSerializer,
        description="What making this person head would change: the former head and each other "
        "member, with their relationship to the former head and the one proposed to the new head.",
    )
    @make_head.mapping.get
    def make_head_proposal(self, request, number=None):
        with transaction.atomic():
            person = self.get_object()
            former, members = self._head_change(person)

            def row(p: Person, **kw) -> dict:
                proposed = people.propose_relationship(p, person, **kw)
                return {
                    "number": p.number,
                    "relationship_to_head": p.relationship_to_head,
                    "proposed": proposed,
                }

            data = {
                "household": person.household.number if person.household_id else "",
                "former_heads": [row(p, former_head=True) for p in former],
                "members": [row(m) for m in members],
            }
            record_person_read(request, person, "make_head")
        return Response(s.MakeHeadProposalSerializer(data).data)

    @extend_schema(responses=s.TimelineEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, number=None):
        """Everything that happened to this person, oldest first, limited to what your role may see."""
        with transaction.atomic():
            person = self.get_object()
            fields = self.visible_fields()
            timeline = person_timeline(
                person, fields, roll_calls_at=policy.facility_scope(request.user, "rollcall.view")
            )
            events = [event_dict(e) for e in timeline]
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


ROUTES = [("people", PersonViewSet, "api-person")]
