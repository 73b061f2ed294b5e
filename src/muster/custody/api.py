"""The API of custody: facilities, movements (dispatch, receive, report missing), unaccounted."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from muster.access import policy
from muster.access.lookup import OUT_OF_SCOPE, get_in_scope
from muster.api.base import (
    PolicyViewSet,
    facility_or_400,
    persons_by_number,
)
from muster.api.permissions import (
    audit_denied,
)
from muster.api.serializers import MAX_ID
from muster.audit import services as audit
from muster.custody import serializers as s
from muster.custody import services as custody
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Facility, ManifestLine, Movement

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
            "expected": custody.expected_by_facility(),
            "reported_not_arrived": custody.reported_not_arrived_by_facility(),
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
        return get_in_scope(
            self.request, self.get_queryset(), reason=OUT_OF_SCOPE, number=self.kwargs.get("number")
        )

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
        with transaction.atomic():
            movement = self.get_object()
            data = self.get_serializer(movement).data
            # The manifest names who was moved where: each person on it is read.
            audit.record_list(
                request,
                [line.person_id for line in movement.lines.all()],
                action=CustodyAction.MOVEMENT_MANIFEST_READ,
                obj=movement,
                via="api",
            )
        return Response(data)

    def create(self, request):
        serializer = s.DispatchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        source = facility_or_400(data["from_facility"], "from_facility")
        destination = facility_or_400(data["to_facility"], "to_facility")
        if not policy.may_act_at(request.user, "movement.dispatch", source.pk):
            audit_denied(request, "movement.dispatch from another facility", obj=source)
            raise PermissionDenied(_("You may not dispatch from this facility."))
        persons = persons_by_number(
            data["persons"], "persons", user=request.user, action="movement.dispatch"
        )
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
        received = custody.receive(
            movement,
            persons,
            by=request.user,
            request=request,
            separation_reason=serializer.validated_data.get("separation_reason", ""),
        )
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
        with transaction.atomic():
            page = self.paginate_queryset(self.get_queryset())
            data = self.get_serializer(page, many=True).data
            audit.record_list(
                request,
                [line.person_id for line in page],
                action=CustodyAction.UNACCOUNTED_READ,
                via="api",
            )
        return self.get_paginated_response(data)


ROUTES = [
    ("facilities", FacilityViewSet, "api-facility"),
    ("movements", MovementViewSet, "api-movement"),
    ("unaccounted", UnaccountedViewSet, "api-unaccounted"),
]
