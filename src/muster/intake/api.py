"""The API of reception: register a household at a reception point, read households."""

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from muster.access import policy
from muster.access.lookup import OUT_OF_SCOPE, get_in_scope
from muster.api.base import (
    PolicyViewSet,
    facility_or_400,
    person_queryset,
    record_person_read,
)
from muster.api.permissions import (
    audit_denied,
)
from muster.intake import serializers as s
from muster.intake import services as intake
from muster.people.models import Household, Person
from muster.people.validation import clean_household

# ---------------------------------------------------------------- households


@extend_schema_view(
    list=extend_schema(responses=s.HouseholdSummarySerializer(many=True)),
    retrieve=extend_schema(responses=s.HouseholdSerializer),
    create=extend_schema(
        request=s.HouseholdInputSerializer,
        responses={201: s.HouseholdSerializer},
        description="Register a household at a reception point, head first. Errors name the "
        "member and field: members[1].date_of_birth.",
    ),
)
class HouseholdViewSet(PolicyViewSet):
    lookup_field = "number"
    serializer_class = s.HouseholdSummarySerializer
    policy_action = {"list": "person.view", "retrieve": "person.view", "create": "person.register"}

    def scoped_persons(self) -> QuerySet:
        return policy.scope_persons(self.request.user, Person.objects.all(), "person.view")

    def get_queryset(self) -> QuerySet:
        in_scope = self.scoped_persons().values("household_id")
        return (
            Household.objects.filter(pk__in=in_scope)
            .annotate(member_count=Count("members"))
            .order_by("id")
        )

    def get_object(self) -> Household:
        return get_in_scope(
            self.request, self.get_queryset(), reason=OUT_OF_SCOPE, number=self.kwargs.get("number")
        )

    def _detail(self, request, household: Household) -> dict:
        scoped = policy.scope_persons(request.user, person_queryset(), "person.view")
        members = list(scoped.filter(household=household).order_by("id"))
        for member in members:
            record_person_read(request, member, "household")
        context = {"fields": policy.person_fields(request.user), "members": members}
        return s.HouseholdSerializer(household, context=context).data

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, number=None):
        with transaction.atomic():
            return Response(self._detail(request, self.get_object()))

    def create(self, request):
        serializer = s.HouseholdInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        facility = facility_or_400(data["reception_point"], "reception_point")
        if not policy.may_act_at(request.user, "person.register", facility.pk):
            audit_denied(request, "person.register outside the user's facilities", obj=facility)
            raise PermissionDenied(_("You may not register people at this facility."))
        raw_members = [
            {
                **member,
                "documents": [dict(d) for d in member.get("documents", [])],
            }
            for member in data["members"]
        ]
        cleaned = clean_household(raw_members)
        with transaction.atomic():
            household = intake.register_household(
                cleaned,
                reception_point=facility,
                by=request.user,
                request=request,
                override_reason=data.get("override_reason", ""),
            )
            members = list(person_queryset().filter(household=household).order_by("id"))
            context = {"fields": policy.person_fields(request.user), "members": members}
            body = s.HouseholdSerializer(household, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)


ROUTES = [("households", HouseholdViewSet, "api-household")]
