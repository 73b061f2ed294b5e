"""The API of family tracing: requests (list, open, read, change, close, match again), their
candidates, verification steps, the decision (four eyes for a child), best interests, reunification
and its receipt.

Every endpoint needs ``tracing.manage``: any other role gets 403 and learns nothing, not even
whether a request exists. Every read is audited (a request: ``tracing.request.read``; its
candidates: ``tracing.candidates.read`` with the persons shown).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from muster.api.base import PolicyViewSet, call_service
from muster.api.parsers import JSONParser
from muster.api.serializers import MAX_ID
from muster.audit import services as audit
from muster.people.reads import API, record_read
from muster.tracing import queries, services
from muster.tracing.audit_actions import TracingAction
from muster.tracing.models import TracingCandidate, TracingRequest
from muster.tracing.serializers import (
    BestInterestsInputSerializer,
    BestInterestsSerializer,
    CandidateDecisionInputSerializer,
    CloseRequestInputSerializer,
    RequestInputSerializer,
    ReunificationReceiptInputSerializer,
    ReunifyInputSerializer,
    TracingCandidateSerializer,
    TracingRequestSerializer,
    VerificationStepInputSerializer,
    VerificationStepSerializer,
)

MANAGE = "tracing.manage"


def _request_body(serializer_data, raw) -> dict:
    """Only the fields the client sent (a PATCH changes those alone)."""
    return {k: v for k, v in serializer_data.items() if k in raw}


@extend_schema_view(
    list=extend_schema(
        responses=TracingRequestSerializer(many=True),
        parameters=[OpenApiParameter("status", str, description="open, candidate_found, ...")],
        description="Tracing requests, newest first.",
    ),
    create=extend_schema(
        request=RequestInputSerializer,
        responses={201: TracingRequestSerializer},
        description="Open a tracing request; the background worker matches it against the registry "
        "(its candidates follow; see the candidates endpoint).",
    ),
    partial_update=extend_schema(
        request=RequestInputSerializer, responses=TracingRequestSerializer
    ),
)
class TracingRequestViewSet(PolicyViewSet):
    lookup_field = "number"
    serializer_class = TracingRequestSerializer
    policy_action = {
        "list": MANAGE,
        "create": MANAGE,
        "retrieve": MANAGE,
        "partial_update": MANAGE,
        "close": MANAGE,
        "find": MANAGE,
        "candidates": MANAGE,
        "best_interests": MANAGE,
        "reunify": MANAGE,
        "receipt": MANAGE,
        "photo": MANAGE,
    }

    def get_queryset(self):
        wanted = self.request.query_params.get("status", "")[:20]
        if wanted and wanted not in TracingRequest.Status.values:
            raise ValidationError(
                {"status": [ValidationError(_("'%(v)s' is not a status") % {"v": wanted},
                                            code="not_a_status")]}
            )  # fmt: skip
        return queries.requests(status=wanted)

    def get_object(self) -> TracingRequest:
        number = str(self.kwargs.get("number", ""))[:20]
        req = queries.requests().filter(number=number).first()
        if req is None:
            raise Http404
        return req

    def _read(self, req: TracingRequest) -> dict:
        return TracingRequestSerializer(req).data

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        with transaction.atomic():
            audit.record(
                TracingAction.TRACING_REQUEST_LIST,
                request=request,
                detail={
                    "via": API,
                    "rows": len(page),
                    "status": request.query_params.get("status", "")[:20],
                },
            )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request):
        form = RequestInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        req = services.open_request(form.validated_data, by=request.user, request=request)
        return Response(self._read(req), status=status.HTTP_201_CREATED)

    def retrieve(self, request, number=None):
        req = self.get_object()
        with transaction.atomic():
            audit.record(
                TracingAction.TRACING_REQUEST_READ, request=request, obj=req, detail={"via": API}
            )
            if req.linked_person_id:
                record_read(request, req.linked_person, via=API, view="tracing-request")
        return Response(self._read(req))

    def partial_update(self, request, number=None):
        form = RequestInputSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        req = services.update_request(
            self.get_object(),
            _request_body(form.validated_data, request.data),
            by=request.user,
            request=request,
        )
        return Response(self._read(req))

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        },
        description="The photo the family gave of the person sought (JPEG or PNG; 404 when there "
        "is none). Every read is audited (tracing.request.photo.read).",
    )
    @extend_schema(
        methods=["POST"],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"photo": {"type": "string", "format": "binary"}},
                "required": ["photo"],
            }
        },
        responses=TracingRequestSerializer,
        description="Give or replace the request's photo: a multipart upload, field 'photo', JPEG "
        "or PNG, at most 2 MB (audited as a change of the request).",
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, JSONParser])
    def photo(self, request, number=None):
        req = self.get_object()
        if request.method == "GET":
            photo = services.read_photo(req, by=request.user, request=request, via=API)
            if photo is None:
                raise Http404
            response = HttpResponse(photo[0], content_type=photo[1])
            response["Cache-Control"] = "no-store, private"
            return response
        upload = request.FILES.get("photo")
        if upload is None:
            raise ValidationError(
                {"photo": [ValidationError(
                    _("send the photo as a multipart upload in the field 'photo'"), code="required"
                )]}
            )  # fmt: skip
        if upload.size > services.MAX_PHOTO_BYTES:
            raise ValidationError(
                {"photo": [ValidationError(_("the photo is larger than 2 MB"), code="too_large")]}
            )
        req = services.update_request(
            req, {"photo": upload.read()}, by=request.user, request=request
        )
        return Response(self._read(req))

    @extend_schema(request=CloseRequestInputSerializer, responses=TracingRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, number=None):
        req = call_service(
            request,
            services.close_request,
            body=CloseRequestInputSerializer,
            target=self.get_object,
        )
        return Response(self._read(req))

    @extend_schema(
        request=None,
        responses={202: TracingRequestSerializer},
        description="Search the whole registry again for the request, in the background worker "
        "(as the request page's Search again: the web process would first have to build the "
        "registry's index). Answers 202 with the request at once; ``searching`` is true until "
        "the worker is done, then the candidates endpoint shows what it found. A closed or "
        "reunited request is refused (400).",
    )
    @action(detail=True, methods=["post"])
    def find(self, request, number=None):
        call_service(request, services.search_again, target=self.get_object)
        # read again through the query that counts its candidates
        return Response(self._read(self.get_object()), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses=TracingCandidateSerializer(many=True),
        description="The candidates of a request, best first, with each field's evidence and the "
        "registered person's details side by side.",
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def candidates(self, request, number=None):
        return self._candidates(request, self.get_object())

    def _candidates(self, request, req: TracingRequest) -> Response:
        rows = list(queries.candidate_queue(req))
        with transaction.atomic():
            audit.record_list(
                request,
                [c.person_id for c in rows],
                action=TracingAction.TRACING_CANDIDATES_READ,
                obj=req,
                via=API,
            )
        data = TracingCandidateSerializer(rows, many=True, context={"request": request}).data
        return Response(data)

    @extend_schema(request=BestInterestsInputSerializer, responses={201: BestInterestsSerializer})
    @action(detail=True, methods=["post"], url_path="best-interests", url_name="best-interests")
    def best_interests(self, request, number=None):
        form = BestInterestsInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        req = self.get_object()
        candidate = None
        if form.validated_data.get("candidate"):
            candidate = TracingCandidate.objects.filter(
                pk=form.validated_data["candidate"], request=req
            ).first()
            if candidate is None:
                raise ValidationError(
                    {"candidate": [ValidationError(_("not a candidate of this request"),
                                                   code="not_this_request")]}
                )  # fmt: skip
        bid = services.record_best_interests(
            req,
            outcome=form.validated_data["outcome"],
            reasoning=form.validated_data["reasoning"],
            candidate=candidate,
            by=request.user,
            request=request,
        )
        return Response(BestInterestsSerializer(bid).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ReunifyInputSerializer,
        responses=TracingRequestSerializer,
        description="The person found leaves their facility into the family's or an office's care "
        "(a departure of kind reunification, dispatched at once). A child needs a best-interests "
        "determination that says reunify.",
    )
    @action(detail=True, methods=["post"])
    def reunify(self, request, number=None):
        call_service(request, services.reunify, body=ReunifyInputSerializer, target=self.get_object)
        return Response(self._read(self.get_object()))

    @extend_schema(
        request=ReunificationReceiptInputSerializer,
        responses=TracingRequestSerializer,
        description="The receiving side's word: received (the request is reunited) or refused "
        "(with a note; the person is back at the facility).",
    )
    @action(detail=True, methods=["post"])
    def receipt(self, request, number=None):
        req = call_service(
            request,
            services.record_reunification_receipt,
            body=ReunificationReceiptInputSerializer,
            target=self.get_object,
        )
        return Response(self._read(req))


class TracingCandidateViewSet(PolicyViewSet):
    """A candidate's verification steps and the decision on it."""

    lookup_field = "id"
    lookup_value_regex = r"\d+"
    serializer_class = TracingCandidateSerializer
    policy_action = {"verification": MANAGE, "decision": MANAGE}

    def get_object(self) -> TracingCandidate:
        raw = str(self.kwargs.get("id", ""))
        pk = int(raw) if raw.isdigit() and len(raw) < 12 else 0
        candidate = (
            TracingCandidate.objects.select_related("request", "person").filter(pk=pk).first()
            if 0 < pk <= MAX_ID
            else None
        )
        if candidate is None:
            raise Http404
        return candidate

    @extend_schema(
        request=VerificationStepInputSerializer,
        responses={201: VerificationStepSerializer},
        description="Record an interview, documents seen, a relative's confirmation or a DNA "
        "sample's reference number (never genetic data).",
    )
    @action(detail=True, methods=["post"])
    def verification(self, request, id=None):
        step = call_service(
            request,
            services.record_verification_step,
            body=VerificationStepInputSerializer,
            target=self.get_object,
        )
        return Response(VerificationStepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CandidateDecisionInputSerializer,
        responses=TracingCandidateSerializer,
        description="Confirm or reject, with the reason. A child's match is confirmed by two "
        "different caseworkers: the first confirmation awaits the second.",
    )
    @action(detail=True, methods=["post"])
    def decision(self, request, id=None):
        candidate = call_service(
            request,
            services.decide_candidate,
            body=CandidateDecisionInputSerializer,
            target=self.get_object,
        )
        return Response(TracingCandidateSerializer(candidate, context={"request": request}).data)


ROUTES = [
    ("tracing-requests", TracingRequestViewSet, "api-tracing-request"),
    ("tracing-candidates", TracingCandidateViewSet, "api-tracing-candidate"),
]
