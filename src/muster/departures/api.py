"""The API of departures: plan a batch (by registration numbers or by filters), approve, dispatch,
confirm person by person or from the receiving side's sheet, cancel; deaths; nationality verification.

A departure's manifest shows each person's name only to roles that may see names (the policy's person
fields); reading it is audited with the persons on it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from muster.access import policy
from muster.access.lookup import OUT_OF_SCOPE, refuse
from muster.api.base import (
    PolicyViewSet,
    call_service,
    facility_or_400,
    person_by_number,
    persons_by_number,
)
from muster.api.permissions import audit_denied
from muster.audit import services as audit
from muster.departures import queries, services
from muster.departures.audit_actions import DeparturesAction
from muster.departures.models import Departure
from muster.departures.receipts import ReceiptFileError
from muster.departures.serializers import (
    ConfirmInputSerializer,
    DeathInputSerializer,
    DepartureSummarySerializer,
    PlanInputSerializer,
    ReasonInputSerializer,
    ReceiptInputSerializer,
    VerificationInputSerializer,
    manifest_rows,
)

DETAILS = [f for f in services.DETAIL_FIELDS if f not in ("death_source", "death_date")]


@extend_schema_view(
    list=extend_schema(responses=DepartureSummarySerializer(many=True)),
    create=extend_schema(
        request=PlanInputSerializer,
        responses={201: DepartureSummarySerializer},
        description="Plan a departure: persons by registration number, or chosen by filters at the "
        "facility (nationality, category, households), whole households by default.",
    ),
)
class DepartureViewSet(PolicyViewSet):
    lookup_field = "number"
    serializer_class = DepartureSummarySerializer
    policy_action = {
        "list": "departure.view",
        "retrieve": "departure.view",
        "create": "departure.manage",
        "approve": DeparturesAction.DEPARTURE_APPROVE,
        "dispatch_departure": "departure.manage",
        "confirm": "departure.manage",
        "receipt": "departure.manage",
        "cancel": "departure.manage",
    }

    def get_queryset(self):
        return queries.without_hidden_reunifications(
            queries.departures(
                kind=self.request.query_params.get("kind", "")[:20],
                status=self.request.query_params.get("status", "")[:20],
                facilities=policy.facility_scope(self.request.user, "departure.view"),
            ),
            policy.reunification_scope(self.request.user),
        )

    def get_object(self) -> Departure:
        number = str(self.kwargs.get("number", ""))[:20]
        departure = (
            queries.without_hidden_reunifications(
                Departure.objects.select_related("from_facility"),
                policy.reunification_scope(self.request.user),
            )
            .filter(number=number)
            .first()
        )
        if departure is None:
            raise Http404
        action_name = self.required_action()
        if not policy.may_act_at(self.request.user, action_name, departure.from_facility_id):
            raise refuse(self.request, departure, OUT_OF_SCOPE)
        return departure

    def _summary(self, departure: Departure) -> dict:
        fresh = queries.departures().get(pk=departure.pk)
        return DepartureSummarySerializer(fresh, context=self.get_serializer_context()).data

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=DepartureSummarySerializer)
    def retrieve(self, request, number=None):
        departure = self.get_object()
        with transaction.atomic():
            rows = manifest_rows(departure, request.user)
            if "given_name" in policy.person_fields(request.user):
                audit.record_list(
                    request,
                    [line.person_id for line in departure.lines.all()],
                    action=DeparturesAction.DEPARTURE_MANIFEST_READ,
                    obj=departure,
                    via="api",
                    persons=len(rows),
                )
        return Response({**self._summary(departure), "manifest": rows})

    def create(self, request):
        form = PlanInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        facility = facility_or_400(data["from_facility"], "from_facility")
        if not policy.may_act_at(request.user, "departure.manage", facility.pk):
            audit_denied(request, "departure.manage at another facility", obj=facility)
            raise PermissionDenied(_("You may not plan departures from this facility."))
        if data.get("persons"):
            persons = persons_by_number(data["persons"], "persons")
            if data["whole_households"]:
                chosen = {p.pk for p in persons}
                family = queries.candidates(
                    facility, numbers=[p.number for p in persons], whole_households=True
                )
                persons += [p for p in family if p.pk not in chosen]
        elif data.get("nationality") or data.get("category") or data.get("households"):
            persons = list(
                queries.candidates(
                    facility,
                    nationality=data.get("nationality", ""),
                    category=data.get("category", ""),
                    households=data.get("households", []),
                    whole_households=data["whole_households"],
                )
            )
            if not persons:
                raise ValidationError(
                    {"persons": [_("nobody at this facility matches the filters")]}
                )
        else:
            raise ValidationError(
                {
                    "persons": [
                        _(
                            "give registration numbers, or filters (nationality, category, households)"
                        )
                    ]
                }
            )
        departure = services.plan_departure(
            persons,
            kind=data["kind"],
            from_facility=facility,
            details={k: data.get(k) for k in DETAILS},
            separation_reason=data.get("separation_reason", ""),
            by=request.user,
            request=request,
        )
        return Response(self._summary(departure), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DepartureSummarySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, number=None):
        departure = call_service(request, services.approve_departure, target=self.get_object)
        return Response(self._summary(departure))

    @extend_schema(request=None, responses=DepartureSummarySerializer)
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_departure(self, request, number=None):
        departure = call_service(request, services.dispatch_departure, target=self.get_object)
        return Response(self._summary(departure))

    @extend_schema(request=ReasonInputSerializer, responses=DepartureSummarySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        departure = call_service(
            request, services.cancel_departure, body=ReasonInputSerializer, target=self.get_object
        )
        return Response(self._summary(departure))

    @extend_schema(
        request=ConfirmInputSerializer,
        responses=DepartureSummarySerializer,
        description="The receiving side's word on each person: received, not_presented, refused "
        "(a note is required for all but received); all or nothing.",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, number=None):
        form = ConfirmInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        departure = self.get_object()
        rows = form.validated_data["outcomes"]
        persons = persons_by_number([r["person"] for r in rows], "outcomes")
        services.confirm(
            departure,
            [(p.pk, r["outcome"], r.get("note", "")) for p, r in zip(persons, rows, strict=True)],
            by=request.user,
            request=request,
        )
        return Response(self._summary(departure))

    @extend_schema(
        request=ReceiptInputSerializer,
        description="The receiving side's spreadsheet (as CSV text): a row-by-row report; sound rows "
        "are applied unless dry_run.",
    )
    @action(detail=True, methods=["post"])
    def receipt(self, request, number=None):
        form = ReceiptInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        departure = self.get_object()
        try:
            report = services.import_receipt(
                departure,
                form.validated_data["csv"].encode("utf-8"),
                filename="receipt.csv",
                by=request.user,
                apply=not form.validated_data["dry_run"],
                request=request,
            )
        except ReceiptFileError as exc:
            raise ValidationError({"csv": [str(exc)]}) from None
        return Response(
            {
                "applied": report.applied,
                "summary": report.summary(),
                "rows": [
                    {"row": r.row, "number": r.number, "status": r.status, "message": r.message}
                    for r in report.rows
                ],
            }
        )


@extend_schema_view(
    create=extend_schema(request=DeathInputSerializer, responses={201: DepartureSummarySerializer})
)
class DeathViewSet(PolicyViewSet):
    """Record a death: the person leaves custody at once; the record's source is required."""

    serializer_class = DepartureSummarySerializer
    policy_action = {"create": "departure.manage"}

    def create(self, request):
        form = DeathInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        person = person_by_number(data["person"])
        departure = services.record_death(
            person,
            details={
                "death_source": data["death_source"],
                "death_date": data["death_date"],
                "note": data.get("note", ""),
            },
            by=request.user,
            request=request,
        )
        return Response(
            DepartureSummarySerializer(queries.departures().get(pk=departure.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(create=extend_schema(request=VerificationInputSerializer))
class NationalityVerificationViewSet(PolicyViewSet):
    """Record how persons' nationality was verified (documents, interview) before a repatriation."""

    serializer_class = VerificationInputSerializer
    policy_action = {"create": "departure.manage"}

    def create(self, request):
        form = VerificationInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        rows = services.verify_nationality(
            persons_by_number(data["persons"], "persons"),
            nationality=data["nationality"],
            method=data["method"],
            outcome=data["outcome"],
            interview_note=data.get("interview_note", ""),
            by=request.user,
            request=request,
        )
        return Response({"recorded": len(rows)}, status=status.HTTP_201_CREATED)


ROUTES = [
    ("departures", DepartureViewSet, "api-departure"),
    ("departure-deaths", DeathViewSet, "api-departure-death"),
    ("nationality-verifications", NationalityVerificationViewSet, "api-nationality-verification"),
]
