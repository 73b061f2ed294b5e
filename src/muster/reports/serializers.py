"""The situation report's shape in the API."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class SitrepFacilitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    pcode = serializers.CharField()
    population = serializers.IntegerField()
    capacity = serializers.IntegerField(allow_null=True)
    occupancy = serializers.FloatField(allow_null=True)
    expected = serializers.IntegerField()


class SitrepArrivalsSerializer(serializers.Serializer):
    date = serializers.DateField()
    registered = serializers.IntegerField()


class SitrepSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    registered = serializers.IntegerField(
        help_text="persons registered, records merged into another left out"
    )
    by_category = serializers.DictField(child=serializers.IntegerField())
    facilities = SitrepFacilitySerializer(many=True)
    at_facilities = serializers.IntegerField(
        help_text="persons placed at a facility now (the facilities' populations added up); "
        "registered = at_facilities + in_transit + departed, each person counted once"
    )
    in_transit = serializers.IntegerField(
        help_text="persons dispatched on a transfer or a departure and not yet received, the "
        "unaccounted included"
    )
    unaccounted = serializers.IntegerField(
        help_text="those of in_transit overdue (unaccounted_after_hours) or reported not "
        "arrived or not presented: a part of in_transit, not in addition to it"
    )
    unaccounted_after_hours = serializers.FloatField()
    departed = serializers.IntegerField(help_text="persons who left custody, confirmed")
    separated_or_unaccompanied_children = serializers.IntegerField(
        help_text="persons under 18 (or of unknown age) flagged unaccompanied or separated child "
        "in our care, as the children list shows them (someone flagged who is 18 or over is not "
        "counted), counted in the other figures too: not those whose departure is confirmed "
        "(departed), those on a departure not yet confirmed (leaving) still"
    )
    children_lost_in_transit = serializers.IntegerField(
        help_text="children not received off a transfer or a departure: overdue, reported not "
        "arrived or not presented at a handover, or left in transit while their family was "
        "received; a part of in_transit, flagged or not"
    )
    children_needing_protection = serializers.IntegerField(
        help_text="separated_or_unaccompanied_children and children_lost_in_transit together, a "
        "child who is both counted once"
    )
    arrivals_last_14_days = SitrepArrivalsSerializer(
        many=True,
        help_text="persons registered per local day: every day of the last 14 (today included), "
        "oldest first, 0 on a day without arrivals",
    )


#: The feed's version: a partner's parser checks it; a change that removes or renames a field
#: raises it (new fields may appear within a version).
FEED_VERSION = 1


class DashboardFacilitySerializer(SitrepFacilitySerializer):
    governorate = serializers.CharField()
    over_capacity = serializers.BooleanField()


class FlowLinkSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="kind of the sending facility")
    target = serializers.CharField(
        help_text="kind of the receiving facility, or 'departed' (left custody on a departure)"
    )
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
    """The chain to date, whatever the dates filtered on: over the whole registry ``arrived`` =
    the sum of ``population_by_kind`` + the links' ``in_transit`` + ``departed``."""

    arrived = serializers.IntegerField(
        help_text="the registered to date; under a facility or governorate filter, the arrivals "
        "at the chosen facilities to date"
    )
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


class HeadlineSerializer(serializers.Serializer):
    registered = serializers.IntegerField(
        allow_null=True,
        help_text="the whole registry's; null under a facility or governorate filter (a "
        "registration is not made to a facility)",
    )
    population = serializers.IntegerField(
        allow_null=True,
        help_text="placed at the chosen facilities now; null without a facility or governorate "
        "filter",
    )
    in_transit = serializers.IntegerField()
    unaccounted = serializers.IntegerField()
    separated_or_unaccompanied_children = serializers.IntegerField()
    children_lost_in_transit = serializers.IntegerField()
    children_needing_protection = serializers.IntegerField()
    departed = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    headline = HeadlineSerializer(
        help_text="the figures of now: the situation report's, or under a facility or governorate "
        "filter those of the chosen facilities (transfers from or to them, departures leaving "
        "them, children placed there or moving from or to them)"
    )
    arrivals_by_category = serializers.ListField(
        child=serializers.DictField(), help_text="per day: date, one count per category, total"
    )
    facilities = DashboardFacilitySerializer(many=True)
    flow = FlowSerializer()
    in_transit_over_time = TransitDaySerializer(many=True)
    children = ChildrenSerializer()
    departures_by_kind = serializers.DictField(child=serializers.IntegerField())


# One report, not a list of them: the viewset's action is "list" (GET /api/sitrep/), which
# drf-spectacular would otherwise document as an array.
@extend_schema_serializer(many=False)
class SitrepFeedSerializer(SitrepSerializer):
    """The situation report of the whole registry (its figures are never filtered), with the
    dashboard's series and headline for the filters under ``dashboard``."""

    version = serializers.IntegerField(help_text=f"the feed's version ({FEED_VERSION})")
    dashboard = DashboardSerializer(help_text="the dashboard's series for the filters")
