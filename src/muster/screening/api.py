"""Screening API: reference lists, screening runs, hits and their decisions, category approvals,
protection reviews, separated families and children for tracing.

Thin views over :mod:`muster.screening.services` under the one policy (``policy_action`` per DRF
action, enforced by :class:`~muster.api.permissions.PolicyPermission`). Reading a hit reads two
person records: both are audited (``person.read``) in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from muster.access import policy
from muster.api.base import PolicyViewSet, person_by_number
from muster.audit import services as audit
from muster.core.parsing import parse_id
from muster.core.uploads import check_upload_size
from muster.identity import PERSON_ATTRIBUTES
from muster.people.models import Person
from muster.screening import imports, matching, tasks
from muster.screening import services as screening
from muster.screening.models import (
    Adjudication,
    CategoryDecision,
    Hit,
    ReferenceList,
    ScreeningRun,
)

BRIEF_FIELDS = ("number", *PERSON_ATTRIBUTES)


def person_brief(person: Person | None, fields: frozenset[str]) -> dict | None:
    """The person fields this reader may see (the number always: it is how a person is named)."""
    if person is None:
        return None
    out = {"number": person.number}
    for f in BRIEF_FIELDS[1:]:
        if f in fields:
            value = getattr(person, f)
            out[f] = value.isoformat() if hasattr(value, "isoformat") else value
    if "merged_into" in fields:
        out["merged_into"] = person.merged_into.number if person.merged_into_id else None
    return out


# -- serializers ---------------------------------------------------------------------------------


class ReferenceListSerializer(serializers.ModelSerializer):
    imported_by = serializers.CharField(source="imported_by.username", default=None)

    class Meta:
        model = ReferenceList
        fields = [
            "id",
            "name",
            "owner",
            "legal_basis",
            "list_date",
            "version",
            "source_format",
            "file_name",
            "entry_count",
            "skipped_rows",
            "imported_at",
            "imported_by",
            "is_current",
            "superseded_at",
        ]


class ReferenceListImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    name = serializers.CharField(max_length=200)
    owner = serializers.CharField(max_length=200)
    legal_basis = serializers.CharField(max_length=300)
    list_date = serializers.DateField()
    source_format = serializers.ChoiceField(
        choices=ReferenceList.Format.choices, required=False, allow_blank=True
    )
    skip_bad_rows = serializers.BooleanField(default=False)


class ScreeningRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ScreeningRun
        fields = [
            "id",
            "kind",
            "status",
            "reason",
            "total",
            "done",
            "percent",
            "hits_created",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


class ScreeningRunInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[c for c in Adjudication.Decision.choices if c[0] != "undo_merge"]
    )
    reason = serializers.CharField(max_length=5000)
    revision = serializers.IntegerField(
        required=False, min_value=1, help_text="The hit revision you read (no lost updates)"
    )


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class CategoryProposalInputSerializer(serializers.Serializer):
    person = serializers.CharField(max_length=20, help_text="Registration number")
    category = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=5000)
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True)
    basis_hit = serializers.IntegerField(required=False, min_value=1)
    basis = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ApprovalInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CategoryDecisionWithApprovalSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.number")
    decided_by = serializers.CharField(source="decided_by.username")
    approved_by = serializers.CharField(source="approved_by.username", default=None)

    class Meta:
        model = CategoryDecision
        fields = [
            "id",
            "person",
            "category",
            "status",
            "reason",
            "legal_basis",
            "basis_hit",
            "basis",
            "decided_by",
            "decided_at",
            "approved_by",
            "approved_at",
            "approval_note",
            "is_current",
        ]


# -- views ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses=ReferenceListSerializer(many=True)),
    retrieve=extend_schema(responses=ReferenceListSerializer),
    create=extend_schema(
        request={"multipart/form-data": ReferenceListImportSerializer},
        responses={201: ReferenceListSerializer},
        description="Import a version of a reference list (person-record CSV or XLSX, or UN "
        "Consolidated List XML). A file with errors imports nothing (400 lists every error with "
        "its row and field) unless skip_bad_rows is true.",
    ),
)
class ReferenceListViewSet(PolicyViewSet):
    serializer_class = ReferenceListSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    policy_action = {
        "list": "screening.view",
        "retrieve": "screening.view",
        "create": "screening.lists",
    }

    def get_queryset(self):
        return ReferenceList.objects.select_related("imported_by").order_by("name", "-version")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        form = ReferenceListImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data["file"]
        check_upload_size(upload.size)
        result = imports.import_reference_list(
            upload.read(),
            name=data["name"],
            owner=data["owner"],
            legal_basis=data["legal_basis"],
            list_date=data["list_date"],
            by=request.user,
            file_name=upload.name,
            source_format=data.get("source_format") or "",
            skip_bad_rows=data["skip_bad_rows"],
            request=request,
        )
        body = self.get_serializer(result.reference_list).data
        body["skipped"] = [str(e) for e in result.skipped]
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses=ScreeningRunSerializer(many=True)),
    retrieve=extend_schema(responses=ScreeningRunSerializer),
    create=extend_schema(
        request=ScreeningRunInputSerializer,
        responses={202: ScreeningRunSerializer},
        description="Start re-screening the whole registry in the background; poll the run.",
    ),
)
class ScreeningRunViewSet(PolicyViewSet):
    serializer_class = ScreeningRunSerializer
    policy_action = {
        "list": "screening.view",
        "retrieve": "screening.view",
        "create": "screening.decide",
    }

    def get_queryset(self):
        return ScreeningRun.objects.all()

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset().filter(kind=ScreeningRun.Kind.BATCH))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        form = ScreeningRunInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        run = tasks.start_batch_rescreen(
            by=request.user, reason=form.validated_data.get("reason", ""), request=request
        )
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)


HIT_FILTERS = [
    OpenApiParameter("band", str, enum=Hit.Band.values),
    OpenApiParameter("kind", str, enum=Hit.Kind.values),
    OpenApiParameter("status", str, enum=Hit.Status.values, description="Default: open hits"),
    OpenApiParameter("facility", int, description="Screened person is currently at this facility"),
    OpenApiParameter("list", str, description="Reference list name"),
]


class HitSerializer(serializers.Serializer):
    """A hit as its reader may see it (built by :meth:`HitViewSet.represent`)."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    band = serializers.CharField()
    score = serializers.FloatField()
    status = serializers.CharField()
    revision = serializers.IntegerField()
    summary = serializers.CharField()
    person = serializers.DictField()
    candidate = serializers.DictField(allow_null=True)
    reference_entry = serializers.DictField(allow_null=True)
    explanation = serializers.DictField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(allow_null=True)
    decision_reason = serializers.CharField()


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
                request, shown, action="screening.hit.list", via="api", hits=len(data)
            )
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        with transaction.atomic():
            hit = self.get_object()
            for person in (hit.person, hit.candidate):
                if person is not None:
                    audit.record(
                        "person.read",
                        request=request,
                        obj=person,
                        detail={"via": "api", "view": "screening-hit", "hit": hit.pk},
                    )
            return Response(self.represent(hit))

    @extend_schema(
        request=DecisionInputSerializer,
        responses={200: HitSerializer},
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
            return Response(exc.message_dict, status=status.HTTP_409_CONFLICT)
        return Response(self.represent(self.get_queryset().get(pk=hit.pk)))

    @extend_schema(request=ReasonInputSerializer, responses={200: HitSerializer})
    @action(detail=True, methods=["post"], url_path="undo-merge")
    def undo_merge(self, request, pk=None):
        form = ReasonInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        hit = self.get_object()
        try:
            screening.undo_merge(
                hit, reason=form.validated_data["reason"], by=request.user, request=request
            )
        except screening.AlreadyDecided as exc:
            return Response(exc.message_dict, status=status.HTTP_409_CONFLICT)
        return Response(self.represent(self.get_queryset().get(pk=hit.pk)))


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
        request=ApprovalInputSerializer, responses={200: CategoryDecisionWithApprovalSerializer}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        form = ApprovalInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        decision = screening.approve_category(
            self.get_object(),
            by=request.user,
            note=form.validated_data.get("note", ""),
            request=request,
        )
        return Response(self.get_serializer(decision).data)

    @extend_schema(
        request=ApprovalInputSerializer, responses={200: CategoryDecisionWithApprovalSerializer}
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        form = ApprovalInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        decision = screening.refuse_category(
            self.get_object(),
            by=request.user,
            note=form.validated_data.get("note", ""),
            request=request,
        )
        return Response(self.get_serializer(decision).data)


ROUTES = [
    ("screening/lists", ReferenceListViewSet, "api-screening-list"),
    ("screening/runs", ScreeningRunViewSet, "api-screening-run"),
    ("screening/hits", HitViewSet, "api-screening-hit"),
    ("screening/category-decisions", CategoryDecisionViewSet, "api-category-decision"),
]
