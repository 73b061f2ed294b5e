"""The screening API's request and response shapes."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from muster.access import projection
from muster.api.serializers import DayField, StrictCharField
from muster.identity import PERSON_ATTRIBUTES
from muster.people.models import Person
from muster.screening.models import (
    Adjudication,
    CategoryDecision,
    Hit,
    ReferenceList,
    ScreeningRun,
)

BRIEF_FIELDS = ("number", *PERSON_ATTRIBUTES)


def person_brief(person: Person | None, fields: frozenset[str]) -> dict | None:
    """The person fields this reader may see (the number always: it is how a person is named)."""
    return projection.person_brief(person, fields, (*BRIEF_FIELDS, "merged_into"))


# -- serializers ---------------------------------------------------------------------------------


class ReferenceListSerializer(serializers.ModelSerializer):
    imported_by = serializers.CharField(source="imported_by.username", default=None)

    class Meta:
        model = ReferenceList
        fields = [
            "id",
            "name",
            "owner",
            "legal_basis",
            "list_date",
            "version",
            "source_format",
            "file_name",
            "entry_count",
            "skipped_rows",
            "imported_at",
            "imported_by",
            "is_current",
            "superseded_at",
        ]


class ReferenceListImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    name = StrictCharField(max_length=200)
    owner = StrictCharField(max_length=200)
    legal_basis = StrictCharField(max_length=300)
    list_date = DayField()
    source_format = serializers.ChoiceField(
        choices=ReferenceList.Format.choices, required=False, allow_blank=True
    )
    skip_bad_rows = serializers.BooleanField(default=False)


class ScreeningRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ScreeningRun
        fields = [
            "id",
            "kind",
            "status",
            "reason",
            "total",
            "done",
            "percent",
            "hits_created",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


class ScreeningRunInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=300, required=False, allow_blank=True)


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[c for c in Adjudication.Decision.choices if c[0] != "undo_merge"]
    )
    reason = StrictCharField(max_length=5000)
    revision = serializers.IntegerField(
        required=False, min_value=1, help_text="The hit revision you read (no lost updates)"
    )


class ReasonInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=5000)


class _CategoryBasis(serializers.Serializer):
    """What a category decision rests on, besides its reason (one person's or a member's)."""

    legal_basis = StrictCharField(max_length=300, required=False, allow_blank=True)
    basis_hit = serializers.IntegerField(required=False, min_value=1)
    basis = StrictCharField(max_length=5000, required=False, allow_blank=True)


class CategoryProposalInputSerializer(_CategoryBasis):
    person = StrictCharField(max_length=20, help_text="Registration number")
    category = StrictCharField(max_length=20)
    reason = StrictCharField(max_length=5000)


class HouseholdMemberCategoryInputSerializer(_CategoryBasis):
    person = StrictCharField(max_length=20, help_text="Registration number of a household member")
    category = StrictCharField(max_length=20, help_text="civilian, held or family_of_held")
    reason = StrictCharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        help_text="This member's reason; the household's reason when empty",
    )


class HouseholdCategoriesInputSerializer(serializers.Serializer):
    household = StrictCharField(max_length=20, help_text="Household number")
    reason = StrictCharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        help_text="The reason of each member decided without one of their own",
    )
    legal_basis = StrictCharField(max_length=300, required=False, allow_blank=True)
    members = HouseholdMemberCategoryInputSerializer(many=True, allow_empty=False, max_length=200)


class ApprovalInputSerializer(serializers.Serializer):
    note = StrictCharField(max_length=5000, required=False, allow_blank=True)


class CategoryDecisionWithApprovalSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.number")
    decided_by = serializers.CharField(source="decided_by.username")
    approved_by = serializers.CharField(source="approved_by.username", default=None)

    class Meta:
        model = CategoryDecision
        fields = [
            "id",
            "person",
            "category",
            "status",
            "reason",
            "legal_basis",
            "basis_hit",
            "basis",
            "decided_by",
            "decided_at",
            "approved_by",
            "approved_at",
            "approval_note",
            "is_current",
        ]


HIT_FILTERS = [
    OpenApiParameter("band", str, enum=Hit.Band.values),
    OpenApiParameter("kind", str, enum=Hit.Kind.values),
    OpenApiParameter("status", str, enum=Hit.Status.values, description="Default: open hits"),
    OpenApiParameter("facility", int, description="Screened person is currently at this facility"),
    OpenApiParameter("list", str, description="Reference list name"),
]


class HitSerializer(serializers.Serializer):
    """A hit as its reader may see it (built by :meth:`HitViewSet.represent`)."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    band = serializers.CharField()
    score = serializers.FloatField()
    status = serializers.CharField()
    revision = serializers.IntegerField()
    summary = serializers.CharField()
    person = serializers.DictField()
    candidate = serializers.DictField(allow_null=True)
    reference_entry = serializers.DictField(allow_null=True)
    explanation = serializers.DictField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(allow_null=True)
    decision_reason = serializers.CharField()


class UndoneHitSerializer(HitSerializer):
    """A hit whose merge was just undone, and what the officer is told about the household."""

    notice = serializers.CharField(
        allow_blank=True,
        help_text="When the record came back beside its household's head (a head made since the "
        "merge): that it came back as 'other', not as a second head, and how to change the head. "
        "Empty otherwise.",
    )


class HouseholdCategoriesSerializer(serializers.Serializer):
    household = serializers.CharField()
    decisions = CategoryDecisionWithApprovalSerializer(many=True)
