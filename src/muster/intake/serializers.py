"""The reception API's request and response shapes: a household and its members."""

from rest_framework import serializers

from muster.api.serializers import (
    MAX_ID,
    MAX_MEMBERS,
    NAME_MAX,
    REASON_MAX,
    DocumentInputSerializer,
    PersonFieldsInputSerializer,
    PersonSerializer,
    StrictCharField,
    StrictSerializer,
)


class MemberInputSerializer(PersonFieldsInputSerializer):
    # Required, but may be empty (or "-") for a baby not yet named: clean_member decides.
    given_name = StrictCharField(max_length=NAME_MAX, trim_whitespace=False, allow_blank=True)
    documents = serializers.ListField(
        child=DocumentInputSerializer(), required=False, max_length=20
    )


class HouseholdInputSerializer(StrictSerializer):
    reception_point = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="id of the facility registering them"
    )
    members = serializers.ListField(
        child=MemberInputSerializer(),
        min_length=1,
        max_length=MAX_MEMBERS,
        help_text="Head of household first",
    )
    override_reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX,
        help_text="Why the reception point may go over capacity",
    )


class HouseholdSummarySerializer(serializers.Serializer):
    """A household without names: the list endpoint counts people, it does not show them."""

    number = serializers.CharField()
    registered_at = serializers.DateTimeField()
    member_count = serializers.IntegerField()


class HouseholdSerializer(serializers.Serializer):
    number = serializers.CharField()
    registered_at = serializers.DateTimeField()
    members = PersonSerializer(many=True)

    def to_representation(self, household) -> dict:
        members = self.context["members"]
        return {
            "number": household.number,
            "registered_at": serializers.DateTimeField().to_representation(household.registered_at),
            "members": PersonSerializer(members, many=True, context=self.context).data,
        }
