"""The person API's request and response shapes beyond the person itself (muster.api.serializers): corrections, category decisions, the timeline."""

from rest_framework import serializers

from muster.api.serializers import (
    REASON_MAX,
    PersonFieldsInputSerializer,
    StrictCharField,
    StrictSerializer,
)
from muster.people.models import Relationship
from muster.screening.models import Category


class PersonCorrectionInputSerializer(PersonFieldsInputSerializer):
    reason = StrictCharField(max_length=REASON_MAX, help_text="Why the details are corrected")


class MakeHeadInputSerializer(StrictSerializer):
    former_head_relationship = serializers.ChoiceField(
        choices=[c for c in Relationship.choices if c[0] != Relationship.HEAD],
        required=False,
        allow_blank=True,
        help_text="The former head's relationship to the new head (needed when there is one)",
    )
    relationships = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=40),
        required=False,
        help_text="The other members' relationships to the new head, by registration number "
        "(GET make-head proposes them); a member not listed keeps theirs. An unknown member or "
        "relationship is refused, naming relationships.<number>.",
    )
    reason = StrictCharField(max_length=REASON_MAX, help_text="Why the head changes")


class MakeHeadMemberSerializer(serializers.Serializer):
    number = serializers.CharField()
    relationship_to_head = serializers.CharField(help_text="To the current (former) head")
    proposed = serializers.CharField(help_text="Proposed relationship to the new head")


class MakeHeadProposalSerializer(serializers.Serializer):
    household = serializers.CharField()
    former_heads = MakeHeadMemberSerializer(many=True)
    members = MakeHeadMemberSerializer(many=True)


class CategoryDecisionInputSerializer(StrictSerializer):
    category = serializers.ChoiceField(choices=Category.choices)
    reason = StrictCharField(max_length=REASON_MAX)
    legal_basis = StrictCharField(required=False, allow_blank=True, max_length=300)
    basis = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX,
        help_text="For 'held': the confirmed basis (the decision then waits for a second officer)",
    )


# ---------------------------------------------------------------- people: output


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)


class CategoryDecisionSerializer(serializers.Serializer):
    person = serializers.CharField(source="person.number")
    category = serializers.CharField()
    reason = serializers.CharField()
    legal_basis = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.username")
    decided_at = serializers.DateTimeField()
    status = serializers.CharField(help_text="'pending' until a second officer approves 'held'")
    is_current = serializers.BooleanField()


# ---------------------------------------------------------------- facilities
