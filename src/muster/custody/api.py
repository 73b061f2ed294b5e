"""The API of custody: facilities, movements (dispatch, receive, report missing), roll calls,
unaccounted."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from muster.access import policy
from muster.access.lookup import OUT_OF_SCOPE, get_in_scope, may_see_names
from muster.api.base import (
    PolicyViewSet,
    facility_or_400,
    persons_by_number,
    query_int,
)
from muster.api.permissions import (
    audit_denied,
)
from muster.api.serializers import MAX_ID
from muster.audit import services as audit
from muster.custody import serializers as s
from muster.custody import services as custody
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Facility, ManifestLine, Movement, RollCall
from muster.people.models import Person

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


# ---------------------------------------------------------------- roll calls


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("facility", int, description="Only this facility's")],
        responses=s.RollCallSerializer(many=True),
        description="Roll calls with their figures, newest first (never who is on their lists).",
    ),
    retrieve=extend_schema(responses=s.RollCallSerializer),
    create=extend_schema(
        request=s.RollCallStartSerializer,
        responses={201: s.RollCallSerializer},
        description="Start a roll call at a facility: its list is everyone placed there now. "
        "Refused (400, code roll_call_open) while another is open there.",
    ),
)
class RollCallViewSet(PolicyViewSet):
    """Roll calls: a physical count at a facility reconciled against the list of those placed
    there. The camp manager of the facility takes them; a coordinator reads the figures."""

    lookup_field = "number"
    serializer_class = s.RollCallSerializer
    policy_action = {
        "list": "rollcall.view",
        "retrieve": "rollcall.view",
        "create": "rollcall.take",
        "mark": "rollcall.take",
        "close": "rollcall.take",
    }

    def get_queryset(self) -> QuerySet:
        qs = RollCall.objects.select_related("facility", "started_by", "closed_by").order_by(
            "-started_at", "-id"
        )
        facilities = policy.facility_scope(self.request.user, self.required_action())
        if facilities is not None:
            qs = qs.filter(facility_id__in=facilities)
        return qs

    def get_object(self) -> RollCall:
        return get_in_scope(
            self.request, self.get_queryset(), reason=OUT_OF_SCOPE, number=self.kwargs.get("number")
        )

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "show_note": may_see_names(self.request.user)}

    def list(self, request):
        qs = self.get_queryset()
        raw = request.query_params.get("facility", "").strip()
        if raw:
            qs = qs.filter(facility_id=query_int(raw, "facility"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, number=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        body = s.RollCallStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        facility = facility_or_400(body.validated_data["facility"], "facility")
        if not policy.may_act_at(request.user, "rollcall.take", facility.pk):
            audit_denied(request, "rollcall.take at another facility", obj=facility)
            raise PermissionDenied(_("You may not take a roll call at this facility."))
        roll_call = custody.start_roll_call(facility, by=request.user, request=request)
        return Response(self.get_serializer(roll_call).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.RollCallMarkSerializer,
        responses=s.RollCallMarkResultSerializer,
        description="Mark a person seen by their registration number (idempotent). Someone not "
        "on the list is recorded as seen here with where the registry has them; nobody is moved. "
        "An unknown number is a 400 naming number (code unknown_number); a closed roll call a "
        "400 (code roll_call_closed).",
    )
    @action(detail=True, methods=["post"])
    def mark(self, request, number=None):
        body = s.RollCallMarkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        roll_call = self.get_object()
        typed = body.validated_data["number"]
        person = custody.person_by_number(typed)
        if person is None:
            raise ValidationError(
                {
                    "number": [
                        ValidationError(
                            _("no person with registration number %(list)s")
                            % {"list": typed.strip()},
                            code="unknown_number",
                        )
                    ]
                }
            )
        marked = custody.mark_seen(roll_call, person, by=request.user, how="scan", request=request)
        in_scope = policy.scope_persons(
            request.user, Person.objects.filter(pk=marked.person.pk)
        ).exists()
        named = may_see_names(request.user) and (marked.line.on_list or in_scope)
        message, _kind = custody.mark_answer(marked, roll_call, detailed=in_scope, named=named)
        return Response(
            {
                "result": marked.kind,
                "message": message,
                "person": marked.person.number,
                "on_list": marked.line.on_list,
                "figures": s.RollCallMarkFiguresSerializer(
                    custody.figures(marked.roll_call, counted=False)
                ).data,
            }
        )

    @extend_schema(
        request=s.RollCallCloseSerializer,
        responses=s.RollCallSerializer,
        description="Close the roll call (read-only from then on): those on the list not seen "
        "are not seen, or left when dispatched or departed since the start; arrivals are added.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, number=None):
        body = s.RollCallCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        roll_call = custody.close_roll_call(
            self.get_object(),
            by=request.user,
            note=body.validated_data.get("note", ""),
            request=request,
        )
        return Response(self.get_serializer(roll_call).data)


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
    ("roll-calls", RollCallViewSet, "api-roll-call"),
]
