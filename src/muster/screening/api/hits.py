"""Hits and their decisions; category decisions and their second-officer approval."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from muster.access import policy
from muster.api.base import PolicyViewSet, person_by_number
from muster.audit import services as audit
from muster.core.errors import errors_from
from muster.core.parsing import parse_id
from muster.people.models import Person
from muster.people.reads import API, record_read
from muster.screening import matching
from muster.screening import services as screening
from muster.screening.api.serializers import (
    HIT_FILTERS,
    ApprovalInputSerializer,
    CategoryDecisionWithApprovalSerializer,
    CategoryProposalInputSerializer,
    DecisionInputSerializer,
    HitSerializer,
    HouseholdCategoriesInputSerializer,
    HouseholdCategoriesSerializer,
    ReasonInputSerializer,
    UndoneHitSerializer,
    person_brief,
)
from muster.screening.audit_actions import ScreeningAction
from muster.screening.models import (
    CategoryDecision,
    Hit,
)

# The answer when another officer decided the hit first: the errors, nothing changed.
CONFLICT = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="Another officer decided first: nothing changed; the errors say why.",
)


@extend_schema_view(
    list=extend_schema(parameters=HIT_FILTERS, responses=HitSerializer(many=True)),
    retrieve=extend_schema(responses=HitSerializer),
)
class HitViewSet(PolicyViewSet):
    serializer_class = HitSerializer
    policy_action = {
        "list": "screening.view",
        "retrieve": "screening.view",
        "decide": "screening.decide",
        "undo_merge": "screening.decide",
    }

    def get_queryset(self):
        return Hit.objects.select_related(
            "person__merged_into",
            "candidate__merged_into",
            "reference_entry__reference_list",
            "decided_by",
        )

    def represent(self, hit: Hit) -> dict:
        fields = policy.person_fields(self.request.user)
        entry = hit.reference_entry
        return {
            "id": hit.pk,
            "kind": hit.kind,
            "band": hit.band,
            "score": round(hit.score, 4),
            "status": hit.status,
            "revision": hit.revision,
            "summary": matching.summary(hit.explanation),
            "person": person_brief(hit.person, fields),
            "candidate": person_brief(hit.candidate, fields),
            "reference_entry": None
            if entry is None
            else {
                "list": entry.reference_list.name,
                "list_version": entry.reference_list.version,
                "ref_id": entry.ref_id,
                "name_kind": entry.name_kind,
                "name": entry.display_name,
                "date_of_birth": entry.date_of_birth or entry.birth_year,
                "nationality": entry.nationality,
            },
            "explanation": hit.explanation,
            "created_at": hit.created_at,
            "decided_at": hit.decided_at,
            "decided_by": hit.decided_by.username if hit.decided_by_id else None,
            "decision_reason": hit.decision_reason,
        }

    def list(self, request):
        params = request.query_params
        status_param = params.get("status", "")
        if status_param and status_param not in Hit.Status.values:
            raise ValidationError(
                {"status": [_("'%(v)s' is not a hit status") % {"v": status_param[:20]}]}
            )
        facility = params.get("facility", "")
        if facility and parse_id(facility) is None:
            raise ValidationError(
                {"facility": [_("'%(v)s' is not a facility id") % {"v": facility[:20]}]}
            )
        qs = screening.hit_queue(
            band=params.get("band", "") if params.get("band") in Hit.Band.values else "",
            kind=params.get("kind", "") if params.get("kind") in Hit.Kind.values else "",
            facility_id=int(facility) if facility else None,
            list_name=params.get("list", "")[:200],
            statuses=[status_param] if status_param else screening.OPEN_STATUSES,
        ).select_related("decided_by")
        with transaction.atomic():
            page = self.paginate_queryset(qs)
            data = [self.represent(h) for h in page]
            # The persons each hit showed, so who-read finds this page from any of them.
            shown = [pid for h in page for pid in (h.person_id, h.candidate_id) if pid]
            audit.record_list(
                request, shown, action=ScreeningAction.SCREENING_HIT_LIST, via="api", hits=len(data)
            )
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        with transaction.atomic():
            hit = self.get_object()
            for person in (hit.person, hit.candidate):
                if person is not None:
                    record_read(request, person, via=API, view="screening-hit", hit=hit.pk)
            return Response(self.represent(hit))

    @extend_schema(
        request=DecisionInputSerializer,
        responses={200: HitSerializer, 409: CONFLICT},
        description="Confirm, reject or ask for more information, with a reason. Send the "
        "revision you read: if another officer decided first the answer is 409 and nothing "
        "changes. Confirming a duplicate merges the newer record into the older one.",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        form = DecisionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        hit = self.get_object()
        try:
            hit = screening.adjudicate(
                hit,
                data["decision"],
                reason=data["reason"],
                by=request.user,
                revision=data.get("revision"),
                request=request,
            )
        except screening.AlreadyDecided as exc:
            return Response(errors_from(exc), status=status.HTTP_409_CONFLICT)
        return Response(self.represent(self.get_queryset().get(pk=hit.pk)))

    @extend_schema(
        request=ReasonInputSerializer, responses={200: UndoneHitSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path="undo-merge")
    def undo_merge(self, request, pk=None):
        form = ReasonInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        hit = self.get_object()
        try:
            undone = screening.undo_merge(
                hit, reason=form.validated_data["reason"], by=request.user, request=request
            )
        except screening.AlreadyDecided as exc:
            return Response(errors_from(exc), status=status.HTTP_409_CONFLICT)
        represented = self.represent(self.get_queryset().get(pk=hit.pk))
        return Response({**represented, "notice": undone.unmerge_notice})


@extend_schema_view(
    list=extend_schema(
        responses=CategoryDecisionWithApprovalSerializer(many=True),
        description="Category decisions waiting for a second officer's approval.",
    ),
    create=extend_schema(
        request=CategoryProposalInputSerializer,
        responses={201: CategoryDecisionWithApprovalSerializer},
        description="Decide a category. 'held' needs basis_hit (a confirmed reference-list hit) "
        "or basis, and stays pending until a different officer approves it.",
    ),
)
class CategoryDecisionViewSet(PolicyViewSet):
    serializer_class = CategoryDecisionWithApprovalSerializer
    policy_action = {
        "list": "screening.view",
        "create": "category.decide",
        "household": "category.decide",
        "approve": "category.approve",
        "refuse": "category.approve",
    }

    def get_queryset(self):
        return CategoryDecision.objects.select_related("person", "decided_by", "approved_by")

    def list(self, request):
        page = self.paginate_queryset(screening.pending_approvals().order_by("decided_at"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request):
        form = CategoryProposalInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        person = person_by_number(data["person"])
        basis_hit = None
        if data.get("basis_hit"):
            basis_hit = Hit.objects.filter(pk=data["basis_hit"]).first()
            if basis_hit is None:
                raise ValidationError({"basis_hit": [_("no hit %(n)s") % {"n": data["basis_hit"]}]})
        decision = screening.decide_category(
            person,
            data["category"],
            reason=data["reason"],
            legal_basis=data.get("legal_basis", ""),
            basis_hit=basis_hit,
            basis=data.get("basis", ""),
            by=request.user,
            request=request,
        )
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=HouseholdCategoriesInputSerializer,
        responses={201: HouseholdCategoriesSerializer},
        description="Decide the categories of a household's members in one request: each member "
        "listed with the category the officer chose (no member is decided unless listed), a "
        "reason each (the household's reason when a member has none). Each decision follows the "
        "rules of one ('held', and lifting it, wait for a second officer) and is audited per "
        "person. All are recorded or none: a refusal names the member and field, "
        "members[1].basis.",
    )
    @action(detail=False, methods=["post"])
    def household(self, request):
        form = HouseholdCategoriesInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        members = policy.scope_persons(
            request.user,
            Person.objects.filter(household__number=data["household"]),
            "person.view",
        )
        by_number = {p.number: p for p in members}
        if not by_number:
            raise ValidationError(
                {"household": [_("no household %(n)s") % {"n": data["household"]}]}
            )
        household = next(iter(by_number.values())).household
        choices = []
        for i, item in enumerate(data["members"]):
            basis_hit = None
            if item.get("basis_hit"):
                basis_hit = Hit.objects.filter(pk=item["basis_hit"]).first()
                if basis_hit is None:
                    raise ValidationError(
                        {f"members[{i}].basis_hit": [_("no hit %(n)s") % {"n": item["basis_hit"]}]}
                    )
            choices.append(
                {**item, "person": by_number.get(item["person"]), "basis_hit": basis_hit}
            )
        decisions = screening.decide_household_categories(
            household,
            choices,
            reason=data.get("reason", ""),
            legal_basis=data.get("legal_basis", ""),
            by=request.user,
            request=request,
        )
        body = {
            "household": household.number,
            "decisions": CategoryDecisionWithApprovalSerializer(decisions, many=True).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ApprovalInputSerializer, responses={200: CategoryDecisionWithApprovalSerializer}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._second_officer(request, screening.approve_category)

    @extend_schema(
        request=ApprovalInputSerializer, responses={200: CategoryDecisionWithApprovalSerializer}
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._second_officer(request, screening.refuse_category)

    def _second_officer(self, request, verb):
        """The second officer's approval or refusal of a pending decision, with its note."""
        form = ApprovalInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        decision = verb(
            self.get_object(),
            by=request.user,
            note=form.validated_data.get("note", ""),
            request=request,
        )
        return Response(self.get_serializer(decision).data)
