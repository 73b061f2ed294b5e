"""The API of reports: the situation report feed (figures only), versioned, for partners to poll."""

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.response import Response

from muster.api.base import (
    PolicyViewSet,
)
from muster.audit import services as audit
from muster.reports import dashboard
from muster.reports import serializers as s

FILTER_PARAMETERS = [
    OpenApiParameter(
        "date_from", OpenApiTypes.DATE, description="first day (default: 13 days ago)"
    ),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="last day (default: today)"),
    OpenApiParameter("facility", OpenApiTypes.INT, description="only this facility"),
    OpenApiParameter(
        "governorate", OpenApiTypes.STR, description="only facilities in this P-code (e.g. SY09)"
    ),
]


@extend_schema_view(
    list=extend_schema(responses=s.SitrepFeedSerializer, parameters=FILTER_PARAMETERS)
)
class SitrepViewSet(PolicyViewSet):
    """The situation report and the dashboard's series: figures only, never names. Each read is
    an export on the audit log."""

    serializer_class = s.SitrepFeedSerializer
    pagination_class = None
    policy_action = {"list": "report.view"}

    def list(self, request):
        try:
            filters = dashboard.parse_filters(request.query_params)
        except dashboard.FilterError as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        with transaction.atomic():
            dash = dashboard.build(filters)
            report = dash.report
            audit.record_export(
                {
                    "export": "sitrep.api",
                    "purpose": "situation report feed",
                    "format": "json",
                    "filters": filters.as_dict(),
                    "rows": len(dash.facilities),
                },
                actor=request.user,
                request=request,
            )
        payload = {**report, "version": s.FEED_VERSION, "dashboard": dash.as_dict()}
        return Response(s.SitrepFeedSerializer(payload).data)


ROUTES = [("sitrep", SitrepViewSet, "api-sitrep")]
