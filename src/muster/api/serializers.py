"""Shapes of the API's requests and responses.

Input serializers check *types* only (a name is a string, a flag a boolean, a list a list) and refuse any
field they do not declare, so nothing reaches a service that the endpoint did not mean to accept (no
mass assignment). The meaning of the values (dates, ISO codes, one head per household) is checked by the
apps' own validators (``muster.people.validation``) so every door validates the same way.

Person output is filtered by ``muster.access.policy.person_fields``: a field the reader's roles may not
see is not in the JSON at all.
"""

from django.utils.translation import gettext as _
from rest_framework import serializers

from muster.access import policy
from muster.custody.models import Facility, ManifestLine, Movement
from muster.people.models import NAME_PARTS, PROTECTION_FLAGS, IdentityDocument, Relationship, Sex
from muster.screening.models import Category

NAME_MAX = 200
NOTE_MAX = 2000
REASON_MAX = 2000
MAX_MEMBERS = 60
MAX_MANIFEST = 5000
MAX_ID = 2**63 - 1  # largest database id: a bigger number is refused, not sent to the database


class StrictSerializer(serializers.Serializer):
    """Refuses any field it does not declare, naming it, instead of silently dropping it."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("expected a JSON object of fields")]}
            )
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {str(k)[:60]: [_("is not a field that can be set here")] for k in unknown}
            )
        return super().to_internal_value(data)


def _name(**kw) -> serializers.CharField:
    # trim_whitespace off: the validator normalises, and a name is otherwise kept exactly as typed.
    return serializers.CharField(
        required=False, allow_blank=True, max_length=NAME_MAX, trim_whitespace=False, **kw
    )


# ---------------------------------------------------------------- people: input


class DocumentInputSerializer(StrictSerializer):
    doc_type = serializers.ChoiceField(choices=IdentityDocument.Kind.choices)
    number = serializers.CharField(max_length=60)
    issuing_country = serializers.CharField(required=False, allow_blank=True, max_length=3)
    mrz = serializers.CharField(required=False, allow_blank=True, max_length=200)


class PersonFieldsInputSerializer(StrictSerializer):
    """The person fields an officer types; date of birth as a date, a year or an estimated age."""

    given_name = _name()
    father_name = _name()
    grandfather_name = _name()
    family_name = _name()
    mother_name = _name()
    alias = _name()
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    date_of_birth = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=40,
        help_text="YYYY-MM-DD; give birth_year or estimated_age when only that is known",
    )
    birth_year = serializers.IntegerField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(required=False, allow_null=True)
    nationality = serializers.CharField(
        required=False, allow_blank=True, max_length=3, help_text="ISO 3166 alpha-3"
    )
    place_of_origin = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX)
    origin_pcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    relationship_to_head = serializers.ChoiceField(choices=Relationship.choices, required=False)
    unaccompanied_child = serializers.BooleanField(required=False)
    separated_child = serializers.BooleanField(required=False)
    disability = serializers.BooleanField(required=False)
    medical = serializers.BooleanField(required=False)
    pregnant = serializers.BooleanField(required=False)
    elderly_alone = serializers.BooleanField(required=False)
    wounded = serializers.BooleanField(required=False)


class MemberInputSerializer(PersonFieldsInputSerializer):
    given_name = serializers.CharField(max_length=NAME_MAX, trim_whitespace=False)
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
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX,
        help_text="Why the reception point may go over capacity",
    )


class PersonCorrectionInputSerializer(PersonFieldsInputSerializer):
    reason = serializers.CharField(max_length=REASON_MAX, help_text="Why the details are corrected")


class CategoryDecisionInputSerializer(StrictSerializer):
    category = serializers.ChoiceField(choices=Category.choices)
    reason = serializers.CharField(max_length=REASON_MAX)
    legal_basis = serializers.CharField(required=False, allow_blank=True, max_length=300)
    basis = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX,
        help_text="For 'held': the confirmed basis (the decision then waits for a second officer)",
    )


# ---------------------------------------------------------------- people: output


class FacilityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DocumentSerializer(serializers.Serializer):
    doc_type = serializers.CharField()
    number = serializers.CharField()
    issuing_country = serializers.CharField()
    mrz = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class PersonSerializer(serializers.Serializer):
    """A person as the reader's roles may see them. Every field may be withheld, so none is required.

    Expects persons fetched by :func:`muster.api.base.person_queryset` (current placement and category
    prefetched) and ``context["fields"]``, the reader's visible fields.
    """

    #: Read by muster.api.schema: in the OpenAPI schema no property of this object is required.
    fields_may_be_withheld = True

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    given_name = serializers.CharField(read_only=True)
    father_name = serializers.CharField(read_only=True)
    grandfather_name = serializers.CharField(read_only=True)
    family_name = serializers.CharField(read_only=True)
    mother_name = serializers.CharField(read_only=True)
    alias = serializers.CharField(read_only=True)
    sex = serializers.CharField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True, allow_null=True)
    birth_year = serializers.IntegerField(read_only=True, allow_null=True)
    dob_precision = serializers.CharField(read_only=True)
    nationality = serializers.CharField(read_only=True)
    place_of_origin = serializers.CharField(read_only=True)
    origin_pcode = serializers.CharField(read_only=True)
    household = serializers.CharField(read_only=True, allow_null=True)
    relationship_to_head = serializers.CharField(read_only=True)
    registered_at = serializers.DateTimeField(read_only=True)
    merged_into = serializers.CharField(read_only=True, allow_null=True)
    unaccompanied_child = serializers.BooleanField(read_only=True)
    separated_child = serializers.BooleanField(read_only=True)
    disability = serializers.BooleanField(read_only=True)
    medical = serializers.BooleanField(read_only=True)
    pregnant = serializers.BooleanField(read_only=True)
    elderly_alone = serializers.BooleanField(read_only=True)
    wounded = serializers.BooleanField(read_only=True)
    current_facility = FacilityRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Null when the person is not at a facility, or is at a camp or holding facility "
        "and your role may not see categories (the kind of facility would tell it): "
        "custody_state still says 'placed'.",
    )
    custody_state = serializers.CharField(read_only=True, allow_null=True)
    category = serializers.CharField(read_only=True, allow_null=True)
    category_reason = serializers.CharField(read_only=True, allow_null=True)
    category_decided_by = serializers.CharField(read_only=True, allow_null=True)
    documents = DocumentSerializer(many=True, read_only=True)

    def to_representation(self, person) -> dict:
        visible = self.context["fields"]
        values: dict = {}
        simple = ("id", "number", *NAME_PARTS, "sex", "birth_year", "dob_precision")
        simple += ("nationality", "place_of_origin", "origin_pcode", "relationship_to_head")
        for name in (*simple, *PROTECTION_FLAGS):
            if name in visible:
                values[name] = getattr(person, name)
        if "date_of_birth" in visible:
            values["date_of_birth"] = (
                person.date_of_birth.isoformat() if person.date_of_birth else None
            )
        if "registered_at" in visible:
            values["registered_at"] = serializers.DateTimeField().to_representation(
                person.registered_at
            )
        if "household" in visible:
            values["household"] = person.household.number if person.household_id else None
        if "merged_into" in visible:
            values["merged_into"] = person.merged_into.number if person.merged_into_id else None
        if visible & {"current_facility", "custody_state"}:
            placement = _first(getattr(person, "current_placements", None))
            if "current_facility" in visible:
                facility = placement.facility if placement and placement.facility_id else None
                # A camp or holding facility would tell the category to a role that may not see
                # it: such a person is "placed" with no facility named (access.policy).
                values["current_facility"] = (
                    {"id": facility.pk, "name": facility.name}
                    if policy.shows_facility(visible, facility)
                    else None
                )
            if "custody_state" in visible:
                values["custody_state"] = placement.state if placement else None
        if visible & {"category", "category_reason", "category_decided_by"}:
            decision = _first(getattr(person, "current_categories", None))
            if "category" in visible:
                values["category"] = decision.category if decision else None
            if "category_reason" in visible:
                values["category_reason"] = decision.reason if decision else None
            if "category_decided_by" in visible:
                values["category_decided_by"] = (
                    decision.decided_by.get_username() if decision else None
                )
        if "documents" in visible:
            values["documents"] = DocumentSerializer(person.documents.all(), many=True).data
        return values


def _first(items):
    return items[0] if items else None


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)


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


class FacilitySerializer(serializers.ModelSerializer):
    population = serializers.SerializerMethodField()
    expected = serializers.SerializerMethodField()

    class Meta:
        model = Facility
        fields = [
            "id",
            "name",
            "kind",
            "capacity",
            "location_name",
            "pcode",
            "is_active",
            "population",
            "expected",
        ]
        read_only_fields = fields

    def get_population(self, facility) -> int:
        return self.context["populations"].get(facility.pk, 0)

    def get_expected(self, facility) -> int:
        return self.context["expected"].get(facility.pk, 0)


class FacilityInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Facility.Kind.choices)
    capacity = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=10_000_000
    )
    location_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    pcode = serializers.CharField(required=False, allow_blank=True, max_length=40)
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
        child=serializers.CharField(max_length=20),
        min_length=1,
        max_length=MAX_MANIFEST,
        help_text="Registration numbers",
    )
    vehicle = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX)
    separation_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX,
        help_text="Required when the transfer splits a household",
    )


class ReceiveInputSerializer(StrictSerializer):
    persons = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        min_length=1,
        max_length=MAX_MANIFEST,
        help_text="Registration numbers received; omit to receive everyone still pending",
    )
    separation_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Required when part of a household is received and the rest is left in transit",
    )


class ReceiveResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    movement = MovementSerializer()


class ReportMissingInputSerializer(StrictSerializer):
    person = serializers.CharField(max_length=20, help_text="Registration number")
    note = serializers.CharField(max_length=NOTE_MAX)


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


class TokenInputSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    totp_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text="Current authenticator code, for roles that sign in with a second factor",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class PasswordChangeInputSerializer(StrictSerializer):
    old_password = serializers.CharField(max_length=256, trim_whitespace=False)
    new_password = serializers.CharField(max_length=256, trim_whitespace=False)


class PasswordChangedSerializer(serializers.Serializer):
    detail = serializers.CharField()
