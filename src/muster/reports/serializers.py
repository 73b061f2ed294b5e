"""The situation report's shape in the API."""

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
    registered = serializers.IntegerField()
    by_category = serializers.DictField(child=serializers.IntegerField())
    facilities = SitrepFacilitySerializer(many=True)
    in_transit = serializers.IntegerField()
    unaccounted = serializers.IntegerField()
    unaccounted_after_hours = serializers.FloatField()
    departed = serializers.IntegerField()
    separated_or_unaccompanied_children = serializers.IntegerField()
    arrivals_last_14_days = SitrepArrivalsSerializer(many=True)
