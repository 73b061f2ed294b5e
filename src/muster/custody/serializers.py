"""The custody API's request and response shapes: facilities, movements and their manifests, receipts, the unaccounted."""

from dataclasses import asdict

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from muster.api.serializers import (
    MAX_ID,
    MAX_MANIFEST,
    NOTE_MAX,
    REASON_MAX,
    FacilityRefSerializer,
    StrictCharField,
    StrictSerializer,
)
from muster.custody import services as custody
from muster.custody.models import Facility, ManifestLine, Movement, RollCall
from muster.custody.services import FACILITY_FIELDS


class FacilitySerializer(serializers.ModelSerializer):
    population = serializers.SerializerMethodField()
    expected = serializers.SerializerMethodField(
        help_text="persons dispatched here and still on the way (not received, not reported not "
        "arrived)"
    )
    reported_not_arrived = serializers.SerializerMethodField(
        help_text="persons dispatched here whom this facility reported not arrived (not received, "
        "no longer expected: expected + reported_not_arrived are those in transit to here)"
    )

    class Meta:
        model = Facility
        fields = ["id", *FACILITY_FIELDS, "population", "expected", "reported_not_arrived"]
        read_only_fields = fields

    def get_population(self, facility) -> int:
        return self.context["populations"].get(facility.pk, 0)

    def get_expected(self, facility) -> int:
        return self.context["expected"].get(facility.pk, 0)

    def get_reported_not_arrived(self, facility) -> int:
        return self.context["reported_not_arrived"].get(facility.pk, 0)


class FacilityInputSerializer(StrictSerializer):
    name = StrictCharField(max_length=200)
    name_ar = StrictCharField(required=False, allow_blank=True, max_length=200)
    name_ckb = StrictCharField(required=False, allow_blank=True, max_length=200)
    name_kmr = StrictCharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(choices=Facility.Kind.choices)
    capacity = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=10_000_000
    )
    location_name = StrictCharField(required=False, allow_blank=True, max_length=200)
    pcode = StrictCharField(required=False, allow_blank=True, max_length=40)
    is_active = serializers.BooleanField(required=False)


# ---------------------------------------------------------------- movements


class ManifestLineSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.number")

    class Meta:
        model = ManifestLine
        fields = ["person", "outcome", "resolved_at", "note"]


class MovementSerializer(serializers.ModelSerializer):
    from_facility = FacilityRefSerializer()
    to_facility = FacilityRefSerializer()
    dispatched_by = serializers.CharField(source="dispatched_by.username", allow_null=True)
    lines = ManifestLineSerializer(many=True)

    class Meta:
        model = Movement
        fields = [
            "number",
            "from_facility",
            "to_facility",
            "status",
            "dispatched_at",
            "dispatched_by",
            "vehicle",
            "note",
            "capacity_override_reason",
            "lines",
        ]


class MovementSummarySerializer(MovementSerializer):
    person_count = serializers.IntegerField(source="n_lines")

    class Meta(MovementSerializer.Meta):
        fields = [f for f in MovementSerializer.Meta.fields if f != "lines"] + ["person_count"]


class DispatchInputSerializer(StrictSerializer):
    from_facility = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    to_facility = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    persons = serializers.ListField(
        child=StrictCharField(max_length=20),
        min_length=1,
        max_length=MAX_MANIFEST,
        help_text="Registration numbers",
    )
    vehicle = StrictCharField(required=False, allow_blank=True, max_length=100)
    note = StrictCharField(required=False, allow_blank=True, max_length=NOTE_MAX)
    override_reason = StrictCharField(required=False, allow_blank=True, max_length=REASON_MAX)
    separation_reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX,
        help_text="Required when the transfer splits a household",
    )


class ReceiveInputSerializer(StrictSerializer):
    persons = serializers.ListField(
        child=StrictCharField(max_length=20),
        required=False,
        min_length=1,
        max_length=MAX_MANIFEST,
        help_text="Registration numbers received; omit to receive everyone still pending",
    )
    separation_reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Required when part of a household is received and the rest is left in transit",
    )


class ReceiveResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    movement = MovementSerializer()


class ReportMissingInputSerializer(StrictSerializer):
    person = StrictCharField(max_length=20, help_text="Registration number")
    note = StrictCharField(max_length=NOTE_MAX)


class UnaccountedLineSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.number")
    movement = serializers.CharField(source="movement.number")
    from_facility = FacilityRefSerializer(source="movement.from_facility")
    to_facility = FacilityRefSerializer(source="movement.to_facility")
    dispatched_at = serializers.DateTimeField(source="movement.dispatched_at")

    class Meta:
        model = ManifestLine
        fields = [
            "movement",
            "person",
            "from_facility",
            "to_facility",
            "dispatched_at",
            "outcome",
            "note",
        ]


# ---------------------------------------------------------------- sitrep, token


# ---------------------------------------------------------------- roll calls


class RollCallMarkFiguresSerializer(serializers.Serializer):
    """The figures a mark changes, kept on the roll call mark by mark."""

    expected = serializers.IntegerField(help_text="on the list: placed here at the start")
    seen = serializers.IntegerField(help_text="on the list and marked seen")
    not_seen = serializers.IntegerField(
        help_text="on the list, not seen, still placed here (while open: on the list and not "
        "marked seen yet, those who left among them)"
    )
    not_on_list = serializers.IntegerField(
        help_text="seen here though the registry has them elsewhere (for follow-up)"
    )


class RollCallFiguresSerializer(RollCallMarkFiguresSerializer):
    left = serializers.IntegerField(
        help_text="on the list, not seen, dispatched or departed since the start (not missing; "
        "while open: of those not seen yet)"
    )
    arrived = serializers.IntegerField(help_text="placed here since the start, not on the list")


class RollCallSerializer(serializers.ModelSerializer):
    facility = FacilityRefSerializer()
    status = serializers.SerializerMethodField()
    started_by = serializers.CharField(source="started_by.username", allow_null=True)
    closed_by = serializers.CharField(source="closed_by.username", allow_null=True, default=None)
    note = serializers.SerializerMethodField(
        help_text="the closing officer's note; empty for roles that see no names"
    )
    figures = serializers.SerializerMethodField()

    class Meta:
        model = RollCall
        fields = [
            "number",
            "facility",
            "status",
            "started_at",
            "started_by",
            "closed_at",
            "closed_by",
            "note",
            "figures",
        ]

    def get_status(self, roll_call) -> str:
        return "open" if roll_call.is_open else "closed"

    def get_note(self, roll_call) -> str:
        return roll_call.note if self.context.get("show_note") else ""

    @extend_schema_field(RollCallFiguresSerializer)
    def get_figures(self, roll_call) -> dict:
        return asdict(custody.figures(roll_call))


class RollCallStartSerializer(StrictSerializer):
    facility = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="the facility whose roll call this is"
    )


class RollCallMarkSerializer(StrictSerializer):
    number = StrictCharField(max_length=40, help_text="registration number (wristband)")


class RollCallCloseSerializer(StrictSerializer):
    note = StrictCharField(required=False, allow_blank=True, max_length=NOTE_MAX)


class RollCallMarkResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=["marked", "already", "arrived", "not_on_list", "already_not_on_list"],
        help_text="marked (on the list, now seen), already (seen before), arrived (not on the "
        "list, placed here since the start), not_on_list (recorded as seen here, registered "
        "elsewhere: nobody is moved), already_not_on_list",
    )
    message = serializers.CharField(help_text="the answer in words, in the request's language")
    person = serializers.CharField(help_text="registration number of the person marked")
    on_list = serializers.BooleanField()
    figures = RollCallMarkFiguresSerializer(
        help_text="the figures a mark changes; who left or arrived since the start is in the "
        "roll call's record"
    )
