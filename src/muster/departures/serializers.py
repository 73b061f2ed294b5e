"""The shapes of departures' endpoints: a batch's summary, its manifest as the reader may see it, and
the input of each step (plan, confirm, the receiving side's sheet, cancel, death, verification)."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from muster.access import policy
from muster.access.projection import mark_tracing_interest, tracing_interest
from muster.api.serializers import DayField, StrictCharField
from muster.departures import queries
from muster.departures.models import Departure, Kind, NationalityVerification

NAME_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name")


class DepartureSummarySerializer(serializers.ModelSerializer):
    from_facility = serializers.CharField(source="from_facility.name")
    destination = serializers.CharField()
    persons = serializers.IntegerField(source="n_lines", default=None)
    received = serializers.IntegerField(source="n_received", default=None)
    open = serializers.IntegerField(source="n_open", default=None)
    discrepancies = serializers.IntegerField(source="n_discrepancies", default=None)

    class Meta:
        model = Departure
        fields = [
            "number",
            "kind",
            "status",
            "from_facility",
            "destination",
            "destination_name",
            "destination_pcode",
            "destination_country",
            "receiving_authority",
            "legal_basis",
            "guarantor",
            "convoy",
            "planned_date",
            "created_at",
            "approved_at",
            "dispatched_at",
            "closed_at",
            "persons",
            "received",
            "open",
            "discrepancies",
        ]

    def to_representation(self, departure):
        """A repatriation's receiving authority only for the roles that may read it
        (``queries.shows_receiving_authority``): blank, and left out of the destination, for
        the others (and for a reader the context does not name)."""
        data = super().to_representation(departure)
        request = self.context.get("request")
        fields = policy.person_fields(getattr(request, "user", None))
        if not queries.shows_receiving_authority(fields, departure.kind):
            data["receiving_authority"] = ""
            data["destination"] = departure.destination_text(authority=False)
        return data


def manifest_rows(departure: Departure, user) -> list[dict]:
    """The manifest, each person's fields limited to what the user's roles may see."""
    visible = policy.person_fields(user)
    lines = list(queries.manifest(departure))
    mark_tracing_interest([line.person for line in lines], visible)
    rows = []
    for line in lines:
        p = line.person
        row = {
            "position": line.position,
            "person": p.number,
            "outcome": line.outcome,
            "note": line.note,
            "resolved_at": line.resolved_at,
        }
        for f in (*NAME_FIELDS, "sex", "nationality"):
            if f in visible:
                row[f] = getattr(p, f)
        if "birth_year" in visible:
            row["birth_year"] = p.birth_year_value
        if policy.shows_tracing_interest(visible):
            row["tracing_interest"] = tracing_interest(p)
        rows.append(row)
    return rows


class PlanInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    from_facility = serializers.IntegerField()
    persons = serializers.ListField(
        child=StrictCharField(max_length=20), required=False, max_length=10000
    )
    nationality = StrictCharField(max_length=3, required=False, allow_blank=True)
    category = StrictCharField(max_length=20, required=False, allow_blank=True)
    households = serializers.ListField(
        child=StrictCharField(max_length=20), required=False, max_length=5000
    )
    whole_households = serializers.BooleanField(default=True)
    separation_reason = StrictCharField(max_length=2000, required=False, allow_blank=True)
    destination_name = StrictCharField(max_length=200, required=False, allow_blank=True)
    destination_pcode = StrictCharField(max_length=40, required=False, allow_blank=True)
    destination_country = StrictCharField(max_length=3, required=False, allow_blank=True)
    receiving_authority = StrictCharField(max_length=200, required=False, allow_blank=True)
    legal_basis = StrictCharField(max_length=300, required=False, allow_blank=True)
    guarantor = StrictCharField(max_length=200, required=False, allow_blank=True)
    convoy = StrictCharField(max_length=100, required=False, allow_blank=True)
    planned_date = DayField(required=False, allow_null=True)
    note = StrictCharField(max_length=2000, required=False, allow_blank=True)


class OutcomeSerializer(serializers.Serializer):
    person = StrictCharField(max_length=20)
    outcome = serializers.ChoiceField(choices=["received", "not_presented", "refused", "returned"])
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


class ConfirmInputSerializer(serializers.Serializer):
    outcomes = serializers.ListField(child=OutcomeSerializer(), min_length=1, max_length=10000)


class ReceiptInputSerializer(serializers.Serializer):
    csv = StrictCharField(max_length=5_000_000, help_text="the receiving side's sheet as CSV")
    dry_run = serializers.BooleanField(default=False)


# Named apart from screening's ReasonInput (5,000 characters): one component name for both made
# one endpoint document the other's limit.
@extend_schema_serializer(component_name="DepartureReasonInput")
class ReasonInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000)


class DeathInputSerializer(serializers.Serializer):
    person = StrictCharField(max_length=20)
    death_source = StrictCharField(max_length=300)
    death_date = DayField()
    note = StrictCharField(max_length=2000, required=False, allow_blank=True)


class VerificationInputSerializer(serializers.Serializer):
    persons = serializers.ListField(
        child=StrictCharField(max_length=20), min_length=1, max_length=10000
    )
    nationality = StrictCharField(max_length=3)
    method = serializers.ChoiceField(choices=NationalityVerification.Method.choices)
    outcome = serializers.ChoiceField(
        choices=NationalityVerification.Outcome.choices, default="verified"
    )
    interview_note = StrictCharField(max_length=2000, required=False, allow_blank=True)
