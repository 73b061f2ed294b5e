"""The API of reports: the situation report (figures only)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.response import Response

from muster.api.base import (
    PolicyViewSet,
)
from muster.reports import serializers as s
from muster.reports.sitrep import situation_report


@extend_schema_view(list=extend_schema(responses=s.SitrepSerializer))
class SitrepViewSet(PolicyViewSet):
    """The situation report: figures only, never names."""

    serializer_class = s.SitrepSerializer
    pagination_class = None
    policy_action = {"list": "report.view"}

    def list(self, request):
        return Response(situation_report())


ROUTES = [("sitrep", SitrepViewSet, "api-sitrep")]
