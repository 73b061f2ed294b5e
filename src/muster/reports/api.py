"""The API of reports: the situation report feed (figures only), versioned, for partners to poll."""

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response

from muster.api import serializers as s
from muster.api.base import (
    PolicyViewSet,
)
from muster.audit import services as audit
from muster.reports import dashboard
from muster.reports.sitrep import situation_report

#: The feed's version: a partner's parser checks it; a change that removes or renames a field
#: raises it (new fields may appear within a version).
FEED_VERSION = 1


class DashboardFacilitySerializer(s.SitrepFacilitySerializer):
    governorate = serializers.CharField()
    over_capacity = serializers.BooleanField()


class FlowLinkSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="kind of the sending facility")
    target = serializers.CharField(help_text="kind of the receiving facility")
    received = serializers.IntegerField()
    in_transit = serializers.IntegerField()

    def to_representation(self, instance):
        return {
            "source": instance["from"],
            "target": instance["to"],
            "received": instance["received"],
            "in_transit": instance["in_transit"],
        }


class FlowSerializer(serializers.Serializer):
    arrived = serializers.IntegerField()
    links = FlowLinkSerializer(many=True)
    population_by_kind = serializers.DictField(child=serializers.IntegerField())
    departed = serializers.IntegerField()


class TransitDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    in_transit = serializers.IntegerField()
    unaccounted = serializers.IntegerField()


class ChildrenSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    unaccompanied = serializers.IntegerField()
    separated = serializers.IntegerField()


class FiltersSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    facility = serializers.IntegerField(allow_null=True)
    governorate = serializers.CharField(allow_blank=True)


class DashboardSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    arrivals_by_category = serializers.ListField(
        child=serializers.DictField(), help_text="per day: date, one count per category, total"
    )
    facilities = DashboardFacilitySerializer(many=True)
    flow = FlowSerializer()
    in_transit_over_time = TransitDaySerializer(many=True)
    children = ChildrenSerializer()
    departures_by_kind = serializers.DictField(child=serializers.IntegerField())


class SitrepFeedSerializer(s.SitrepSerializer):
    version = serializers.IntegerField(help_text=f"the feed's version ({FEED_VERSION})")
    dashboard = DashboardSerializer(help_text="the dashboard's series for the filters")


FILTER_PARAMETERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="first day (default: 13 days ago)"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="last day (default: today)"),
    OpenApiParameter("facility", OpenApiTypes.INT, description="only this facility"),
    OpenApiParameter(
        "governorate", OpenApiTypes.STR, description="only facilities in this P-code (e.g. SY09)"
    ),
]


@extend_schema_view(list=extend_schema(responses=SitrepFeedSerializer, parameters=FILTER_PARAMETERS))
class SitrepViewSet(PolicyViewSet):
    """The situation report and the dashboard's series: figures only, never names. Each read is
    an export on the audit log."""

    serializer_class = SitrepFeedSerializer
    pagination_class = None
    policy_action = {"list": "report.view"}

    def list(self, request):
        try:
            filters = dashboard.parse_filters(request.query_params)
        except dashboard.FilterError as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        with transaction.atomic():
            report = situation_report()
            dash = dashboard.build(filters, report)
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
        payload = {**report, "version": FEED_VERSION, "dashboard": dash.as_dict()}
        return Response(SitrepFeedSerializer(payload).data)


ROUTES = [("sitrep", SitrepViewSet, "api-sitrep")]
