"""Screening API: reference lists, screening runs, hits and their decisions, category approvals,
protection reviews, separated families and children for tracing.

Thin views over :mod:`muster.screening.services` under the one policy (``policy_action`` per DRF
action, enforced by :class:`~muster.api.permissions.PolicyPermission`). Reading a hit reads two
person records: both are audited (``person.read``) in the same transaction.

``serializers`` holds the shapes, ``lists`` the reference lists and screening runs, ``hits`` the
hits and the category decisions; ``ROUTES`` (below) is what ``muster.api.urls`` collects."""

from muster.screening.api.hits import (
    CategoryDecisionViewSet,
    HitViewSet,
)
from muster.screening.api.lists import (
    ReferenceListViewSet,
    ScreeningRunViewSet,
)
from muster.screening.api.serializers import (
    BRIEF_FIELDS,
    HIT_FILTERS,
    ApprovalInputSerializer,
    CategoryDecisionWithApprovalSerializer,
    CategoryProposalInputSerializer,
    DecisionInputSerializer,
    HitSerializer,
    ReasonInputSerializer,
    ReferenceListImportSerializer,
    ReferenceListSerializer,
    ScreeningRunInputSerializer,
    ScreeningRunSerializer,
    person_brief,
)

ROUTES = [
    ("screening/lists", ReferenceListViewSet, "api-screening-list"),
    ("screening/runs", ScreeningRunViewSet, "api-screening-run"),
    ("screening/hits", HitViewSet, "api-screening-hit"),
    ("screening/category-decisions", CategoryDecisionViewSet, "api-category-decision"),
]

__all__ = [
    "ROUTES",
    "BRIEF_FIELDS",
    "person_brief",
    "ReferenceListSerializer",
    "ReferenceListImportSerializer",
    "ScreeningRunSerializer",
    "ScreeningRunInputSerializer",
    "DecisionInputSerializer",
    "ReasonInputSerializer",
    "CategoryProposalInputSerializer",
    "ApprovalInputSerializer",
    "CategoryDecisionWithApprovalSerializer",
    "HIT_FILTERS",
    "HitSerializer",
    "ReferenceListViewSet",
    "ScreeningRunViewSet",
    "HitViewSet",
    "CategoryDecisionViewSet",
]
