"""The shapes every app's API shares: the strict input base, a person's fields, the person as the
reader may see them. Each app's own shapes are in its ``serializers.py``.

Input serializers check *types* only (a name is a string, a flag a boolean, a list a list) and refuse any
field they do not declare, so nothing reaches a service that the endpoint did not mean to accept (no
mass assignment). The meaning of the values (dates, ISO codes, one head per household) is checked by the
apps' own validators (``muster.people.validation``) so every door validates the same way.

Person output is filtered by ``muster.access.policy.person_fields``: a field the reader's roles may not
see is not in the JSON at all.
"""

from django.utils.translation import gettext as _
from rest_framework import serializers

from muster.access.projection import person_values
from muster.core.parsing import parse_day
from muster.core.text import isolate
from muster.people.models import IdentityDocument, Relationship, Sex
from muster.people.validation import NAME_MAX, NATIONALITY_MAX

NOTE_MAX = 2000
REASON_MAX = 2000
MAX_MEMBERS = 60
MAX_MANIFEST = 5000
MAX_ID = 2**63 - 1  # largest database id: a bigger number is refused, not sent to the database


class StrictCharField(serializers.CharField):
    """A text field that takes JSON text only: DRF's CharField reads the number 7 as "7", so a
    person named "7", or a reason "0", would be stored from a client's slip. Every input
    serializer's text fields are of this kind (a test keeps it so); a value meant as a number is
    an IntegerField. Web forms post text and do not come here."""

    default_error_messages = {"not_text": _("must be text")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class DayField(serializers.DateField):
    """A day, YYYY-MM-DD, read as every date Muster is given (:func:`muster.core.parsing.parse_day`):
    in any script's digits (٢٠٢٦-١١-٠١), within 1800..2999. DRF's own date field read ISO 8601's
    week dates (2026-W44-7) and the calendar's ends (9999-12-31), which no page takes."""

    def to_internal_value(self, value):
        day = parse_day(value) if isinstance(value, str) else None
        if day is None:
            raise serializers.ValidationError(
                _("'%(v)s' is not a date (YYYY-MM-DD)") % {"v": isolate(str(value)[:40])},
                code="not_a_date",
            )
        return day


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
    return StrictCharField(
        required=False, allow_blank=True, max_length=NAME_MAX, trim_whitespace=False, **kw
    )


# ---------------------------------------------------------------- people: input


class DocumentInputSerializer(StrictSerializer):
    doc_type = serializers.ChoiceField(choices=IdentityDocument.Kind.choices)
    number = StrictCharField(max_length=60)
    issuing_country = StrictCharField(required=False, allow_blank=True, max_length=3)
    mrz = StrictCharField(required=False, allow_blank=True, max_length=200)
    expires_on = StrictCharField(
        required=False, allow_blank=True, allow_null=True, max_length=40, help_text="YYYY-MM-DD"
    )


class PersonFieldsInputSerializer(StrictSerializer):
    """The person fields an officer types; date of birth as a date, a year or an estimated age."""

    given_name = _name()
    father_name = _name()
    grandfather_name = _name()
    family_name = _name()
    mother_name = _name()
    alias = _name()
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    date_of_birth = StrictCharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=40,
        help_text="YYYY-MM-DD; give birth_year or estimated_age when only that is known",
    )
    birth_year = serializers.IntegerField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(required=False, allow_null=True)
    nationality = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=NATIONALITY_MAX,
        help_text=(
            "ISO 3166 alpha-3 code (IRQ), alpha-2 code (IQ), or the country's name or adjective "
            "in English, Arabic or Kurdish (Iraq, Iraqi, عراقي); stored and returned as the "
            "alpha-3 code. ICAO's XXA (stateless) and XXX (unspecified) are taken as codes."
        ),
    )
    place_of_origin = StrictCharField(required=False, allow_blank=True, max_length=NAME_MAX)
    origin_pcode = StrictCharField(required=False, allow_blank=True, max_length=20)
    relationship_to_head = serializers.ChoiceField(choices=Relationship.choices, required=False)
    unaccompanied_child = serializers.BooleanField(required=False)
    separated_child = serializers.BooleanField(required=False)
    disability = serializers.BooleanField(required=False)
    medical = serializers.BooleanField(required=False)
    pregnant = serializers.BooleanField(required=False)
    elderly_alone = serializers.BooleanField(required=False)
    wounded = serializers.BooleanField(required=False)
    not_yet_named = serializers.BooleanField(
        required=False,
        help_text=(
            "A baby under a year old not named yet: given_name left empty (or written '-' or "
            "'—'), the date of birth or age given. Named later by a correction."
        ),
    )


class FacilityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DocumentSerializer(serializers.Serializer):
    doc_type = serializers.CharField()
    number = serializers.CharField()
    issuing_country = serializers.CharField()
    mrz = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
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
    not_yet_named = serializers.BooleanField(
        read_only=True, help_text="A baby registered before being named: given_name is empty."
    )
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
    tracing_interest = serializers.BooleanField(
        read_only=True,
        help_text="A tracing caseworker is working on this person: ask them before any departure. "
        "The bare flag, for the repatriation officer and tracing caseworkers only.",
    )

    def to_representation(self, person) -> dict:
        values = person_values(person, self.context["fields"])
        if values.get("date_of_birth") is not None:
            values["date_of_birth"] = values["date_of_birth"].isoformat()
        if "registered_at" in values:
            values["registered_at"] = serializers.DateTimeField().to_representation(
                values["registered_at"]
            )
        if "documents" in values:
            values["documents"] = DocumentSerializer(values["documents"], many=True).data
        return values
