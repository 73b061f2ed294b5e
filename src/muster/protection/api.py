"""The API of protection: protection reviews of children, separated families."""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from muster.access import policy
from muster.api.base import PolicyViewSet, person_by_number
from muster.api.serializers import StrictCharField
from muster.audit import services as audit
from muster.protection import queries as protection_queries
from muster.protection import services as protection
from muster.protection.models import FamilySeparation, ProtectionReview


class ProtectionReviewSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.number")
    reviewer = serializers.CharField(source="reviewer.username")

    class Meta:
        model = ProtectionReview
        fields = ["id", "person", "outcome", "reason", "reviewer", "at"]


class ProtectionReviewInputSerializer(serializers.Serializer):
    person = StrictCharField(max_length=20)
    outcome = StrictCharField(max_length=30)
    reason = StrictCharField(max_length=5000)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("person", str, description="Registration number")],
        responses=ProtectionReviewSerializer(many=True),
    ),
    create=extend_schema(
        request=ProtectionReviewInputSerializer, responses={201: ProtectionReviewSerializer}
    ),
)
class ProtectionReviewViewSet(PolicyViewSet):
    serializer_class = ProtectionReviewSerializer
    policy_action = {"list": "protection.review", "create": "protection.review"}

    def get_queryset(self):
        return ProtectionReview.objects.select_related("person", "reviewer").order_by("-at")

    def list(self, request):
        qs = self.get_queryset()
        if number := request.query_params.get("person", ""):
            qs = qs.filter(person__number=number[:20])
        with transaction.atomic():
            page = self.paginate_queryset(qs)
            data = self.get_serializer(page, many=True).data
            audit.record_list(
                request, [r.person_id for r in page], via="api", view="protection-reviews"
            )
        return self.get_paginated_response(data)

    def create(self, request):
        form = ProtectionReviewInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        review = protection.record_protection_review(
            person_by_number(data["person"]),
            outcome=data["outcome"],
            reason=data["reason"],
            by=request.user,
            request=request,
        )
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)


class SeparationSerializer(serializers.ModelSerializer):
    household = serializers.CharField(source="household.number")
    to_facility = serializers.SerializerMethodField(
        help_text="Null when the destination is a camp or holding facility and your role may not "
        "see categories (the kind of facility would tell the moved members' category)."
    )
    destination = serializers.SerializerMethodField(
        help_text="Where the moved members went when they left custody on a departure: the "
        "departure's number and destination, in your language. The number alone ('departure "
        "D…') when your role may not see categories and the kind of departure (a handover, a "
        "release) would tell them; empty for a transfer to a facility."
    )
    reason = serializers.SerializerMethodField(
        help_text="Null when your role may not see categories (the stated reason would tell them)."
    )
    movement = serializers.CharField(source="movement.number", default=None)
    moved = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")
    remained = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")
    recorded_by = serializers.CharField(source="recorded_by.username", default=None)

    class Meta:
        model = FamilySeparation
        fields = [
            "id",
            "household",
            "to_facility",
            "destination",
            "movement",
            "moved",
            "remained",
            "reason",
            "recorded_by",
            "recorded_at",
        ]

    def get_reason(self, separation) -> str | None:
        fields = policy.person_fields(self.context["request"].user)
        return separation.reason if policy.shows_separation_reason(fields) else None

    def get_destination(self, separation) -> str:
        if separation.to_facility_id is not None:
            return ""
        fields = policy.person_fields(self.context["request"].user)
        return policy.separation_destination(fields, separation)

    def get_to_facility(self, separation) -> str | None:
        fields = policy.person_fields(self.context["request"].user)
        facility = separation.to_facility
        if facility is None:  # a departure: the destination says where to
            return None
        return facility.name if policy.shows_facility(fields, facility) else None


@extend_schema_view(list=extend_schema(responses=SeparationSerializer(many=True)))
class SeparationViewSet(PolicyViewSet):
    serializer_class = SeparationSerializer
    policy_action = {"list": "protection.review"}

    def get_queryset(self):
        return protection_queries.separated_families()

    def list(self, request):
        with transaction.atomic():
            page = self.paginate_queryset(self.get_queryset())
            data = self.get_serializer(page, many=True).data
            shown = [p.pk for sep in page for p in (*sep.moved.all(), *sep.remained.all())]
            audit.record_list(request, shown, via="api", view="separations")
        return self.get_paginated_response(data)


ROUTES = [
    ("screening/protection-reviews", ProtectionReviewViewSet, "api-protection-review"),
    ("screening/separations", SeparationViewSet, "api-separation"),
]
