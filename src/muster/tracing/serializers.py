"""The shapes of tracing's endpoints: a request as a caseworker reads it, its candidates, and the
bodies of its verbs. Only tracing caseworkers (``tracing.manage``) ever get these."""

from rest_framework import serializers

from muster.access import policy
from muster.access.projection import person_brief
from muster.api.serializers import StrictCharField
from muster.tracing.models import (
    CODED_FIELDS,
    REQUEST_FIELDS,
    REQUESTER_FIELDS,
    SOUGHT_FIELDS,
    BestInterestsDetermination,
    TracingCandidate,
    TracingRequest,
    VerificationStep,
    text_limit,
)

# The registered person beside a candidate: what a caseworker compares side by side.
CANDIDATE_PERSON_FIELDS = (
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
    "alias",
    "sex",
    "date_of_birth",
    "birth_year",
    "place_of_origin",
    "current_facility",
    "custody_state",
)


class TracingRequestSerializer(serializers.ModelSerializer):
    linked_person = serializers.CharField(source="linked_person.number", default=None)
    reunification = serializers.CharField(source="reunification.number", default=None)
    created_by = serializers.CharField(source="created_by.username", default=None)
    has_photo = serializers.SerializerMethodField()
    candidate_count = serializers.IntegerField(source="n_candidates", default=None)
    confident_count = serializers.IntegerField(source="n_confident", default=None)
    awaiting_second_officer = serializers.IntegerField(source="n_pending", default=None)
    searching = serializers.BooleanField(read_only=True)

    class Meta:
        model = TracingRequest
        fields = [
            "number",
            "status",
            "closed_reason",
            *SOUGHT_FIELDS,
            "is_child",
            "has_photo",
            *REQUESTER_FIELDS,
            "source",
            "source_ref",
            "linked_person",
            "reunification",
            "reunited_at",
            "candidate_count",
            "confident_count",
            "awaiting_second_officer",
            "searching",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo_content_type)


# The coded fields arrive as text too, short: the service parses them and names the bad ones.
_CODED_MAX = {"sex": 10, "birth_year": 10, "age_at_separation": 10, "separation_date": 20}


def _input_field(name: str) -> serializers.CharField:
    if name in CODED_FIELDS:  # a year or an age may come as a JSON number: read as its digits
        return serializers.CharField(max_length=_CODED_MAX[name], required=False, allow_blank=True)
    return StrictCharField(max_length=text_limit(name), required=False, allow_blank=True)


# A request's fields (tracing.models.REQUEST_FIELDS), all as text: the service checks them and
# names the bad ones.
RequestInputSerializer = type(
    "RequestInputSerializer",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "__doc__": "A tracing request's fields, all as text: the service checks them.",
        **{name: _input_field(name) for name in REQUEST_FIELDS},
    },
)


class VerificationStepSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", default=None)

    class Meta:
        model = VerificationStep
        fields = ["id", "kind", "reference", "note", "recorded_by", "recorded_at"]


class TracingCandidateSerializer(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()
    decided_by = serializers.CharField(source="decided_by.username", default=None)
    second_officer = serializers.CharField(source="second_officer.username", default=None)
    verification_steps = VerificationStepSerializer(many=True, read_only=True)

    class Meta:
        model = TracingCandidate
        fields = [
            "id",
            "rank",
            "score",
            "confident",
            "reading",
            "status",
            "pending_second",
            "explanation",
            "person",
            "decided_by",
            "decided_at",
            "second_officer",
            "confirmed_at",
            "reason",
            "verification_steps",
        ]

    def get_person(self, obj) -> dict | None:
        user = self.context["request"].user
        return person_brief(obj.person, policy.person_fields(user), CANDIDATE_PERSON_FIELDS)


class BestInterestsSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", default=None)

    class Meta:
        model = BestInterestsDetermination
        fields = ["id", "outcome", "reasoning", "candidate", "recorded_by", "recorded_at"]


class CloseRequestInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000)


class VerificationStepInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VerificationStep.Kind.choices)
    reference = StrictCharField(max_length=100, required=False, allow_blank=True)
    note = StrictCharField(max_length=5000, required=False, allow_blank=True)


class CandidateDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["confirm", "reject"])
    reason = StrictCharField(max_length=2000)


class BestInterestsInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=BestInterestsDetermination.Outcome.choices)
    reasoning = StrictCharField(max_length=10000)
    candidate = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ReunifyInputSerializer(serializers.Serializer):
    receiving = StrictCharField(
        max_length=200, help_text="the relative or the office taking the person into their care"
    )
    destination_name = StrictCharField(max_length=200)
    destination_pcode = StrictCharField(max_length=40, required=False, allow_blank=True)
    note = StrictCharField(max_length=2000, required=False, allow_blank=True)
    separation_confirmed = serializers.BooleanField(
        default=False,
        help_text="required when the reunification parts a child from adults of the household "
        "registered with them and placed with them (a parent, a caregiver)",
    )
    separation_reason = StrictCharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="why the child is parted from them; kept in the audit log",
    )


class ReunificationReceiptInputSerializer(serializers.Serializer):
    received = serializers.BooleanField(default=True)
    note = StrictCharField(max_length=2000, required=False, allow_blank=True)
