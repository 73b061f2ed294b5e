"""The API's base: the one view set every endpoint derives from (JSON, the policy permission, the
pagination; NUL is refused by muster.core.middleware) and the helpers the apps' api modules share.

Every viewset declares ``policy_action`` (DRF action -> policy action); :func:`muster.api.urls.endpoint_policy`
turns those declarations into ``(url_name, method, action)`` rows, the input of the role x endpoint
matrix test. Every read of a person writes ``person.read`` (lists: one ``person.list`` with the count)
in the same transaction as the read; writes are audited by the services they call.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import LimitOffsetPagination

from muster.access import policy
from muster.access.authentication import ExpiringTokenAuthentication
from muster.api.parsers import JSONParser
from muster.api.permissions import (
    PolicyPermission,
)
from muster.api.schema import MusterAutoSchema
from muster.api.serializers import MAX_ID
from muster.custody.models import Facility, Placement
from muster.people.models import Person
from muster.people.reads import API, record_read
from muster.screening.models import CategoryDecision

# Persons per page of an ordinary list. A larger page is a bulk copy of personal data: it needs the
# export permission and is audited as an export (see :func:`person_page_limit`).
PAGE_CEILING = 200
EXPORT_PAGE_LIMIT = (
    2000  # even an export page: a field laptop should not be asked for 60,000 records
)


# Counted exactly up to this many beyond the page asked for; beyond that a list says so
# (``count_capped``): counting every "Muhammad" among a million registered costs a second of database
# time per page, and no one reads ten thousand names.
COUNT_CAP = 10_000

# The furthest a list may be paged: no list holds a trillion records, and offset + limit + COUNT_CAP
# must stay a 64-bit integer for the database (a bigger one failed in SQL with a 500).
MAX_OFFSET = 10**12


class Pagination(LimitOffsetPagination):
    max_limit = PAGE_CEILING
    count_capped = False

    def get_limit(self, request) -> int:
        """The page size: the ``limit`` asked for, cut to :data:`PAGE_CEILING` (the response's
        ``limit`` says the size used); an export page of persons is :func:`person_page_limit`'s."""
        asked = getattr(request, "muster_export_limit", None)
        if asked is not None:
            return asked
        # DRF reads a limit it cannot parse ("abc", "0", "-5") as the default page size: the
        # client asked for one size and was silently given another.
        raw = request.query_params.get(self.limit_query_param, "").strip()
        if not raw:
            return self.default_limit
        if not (raw.isascii() and raw.isdigit()) or int(raw[:18]) < 1:
            raise ValidationError(
                {
                    "limit": [
                        _("'%(v)s' is not a whole number from %(lo)d to %(hi)d")
                        % {"v": raw[:40], "lo": 1, "hi": self.max_limit}
                    ]
                }
            )
        return min(int(raw[:18]), self.max_limit)

    def get_offset(self, request) -> int:
        # DRF reads an offset it cannot parse ("null", "-1", "1.5") as 0: the client asked for
        # one page and was silently given the first.
        raw = request.query_params.get(self.offset_query_param, "").strip()
        if raw and not (raw.isascii() and raw.isdigit()):
            raise ValidationError(
                {
                    "offset": [
                        _("'%(v)s' is not a whole number from %(lo)d to %(hi)d")
                        % {"v": raw[:40], "lo": 0, "hi": MAX_OFFSET}
                    ]
                }
            )
        offset = int(raw) if raw else 0
        if offset > MAX_OFFSET:
            raise ValidationError(
                {"offset": [_("at most %(n)s: no list is that long") % {"n": f"{MAX_OFFSET:,}"}]}
            )
        return offset

    def get_count(self, queryset) -> int:
        """The exact count up to :data:`COUNT_CAP` beyond this page, else that horizon (and
        ``count_capped``): a client paging through the whole list still finds a next page."""
        if not hasattr(queryset, "query"):
            return len(queryset)
        horizon = self.get_offset(self.request) + (self.limit or 0) + COUNT_CAP
        counted = queryset[: horizon + 1].count()
        self.count_capped = counted > horizon
        return min(counted, horizon)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.count_capped
        response.data["limit"] = self.limit
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Results per page (default {self.default_limit}). A larger limit than "
                    f"{self.max_limit} is cut to {self.max_limit}, not refused: the response's "
                    f"limit says the page size used. Lists of persons give up to "
                    f"{EXPORT_PAGE_LIMIT} to roles that may export persons (an audited export) "
                    f"and refuse more than {self.max_limit} to the others."
                )
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update(minimum=0, maximum=MAX_OFFSET)
        return parameters

    def get_paginated_response_schema(self, schema):
        shape = super().get_paginated_response_schema(schema)
        shape["properties"]["limit"] = {
            "type": "integer",
            "description": f"The page size used: the limit asked for, cut to {PAGE_CEILING} "
            f"(to {EXPORT_PAGE_LIMIT} for an export page of persons).",
        }
        shape["properties"]["count"]["description"] = (
            f"Exact when fewer than {COUNT_CAP:,} match beyond this page; else offset + limit + "
            f"{COUNT_CAP:,} and count_capped is true."
        )
        shape["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "More match than count says: narrow the query to count them; the next "
            "link still leads on.",
        }
        return shape


def person_page_limit(request) -> int | None:
    """The page size asked for when it is above the ceiling (an export), else ``None``.

    Refused (400 naming ``limit``) for a role that may not export persons.
    """
    raw = request.query_params.get("limit", "").strip()
    if not raw.isascii() or not raw.isdigit() or int(raw[:9]) <= PAGE_CEILING:
        return None
    if not policy.can(request.user, "person.export"):
        raise ValidationError(
            {"limit": [_("at most %(n)s persons per page for your role") % {"n": PAGE_CEILING}]}
        )
    limit = min(int(raw[:9]), EXPORT_PAGE_LIMIT)
    request.muster_export_limit = limit
    return limit


class PolicyViewSet(viewsets.GenericViewSet):
    """Base of every API view: JSON in and out, the one permission class, the policy map."""

    # Token first: an anonymous request gets 401 with "WWW-Authenticate: Token", not a bare 403.
    authentication_classes = [ExpiringTokenAuthentication, SessionAuthentication]
    permission_classes = [PolicyPermission]
    parser_classes = [JSONParser]
    pagination_class = Pagination
    schema = MusterAutoSchema()
    http_method_names = ["get", "post", "patch", "head"]
    policy_action: dict[str, str] = {}

    def required_action(self) -> str:
        return self.policy_action[self.action]


# ---------------------------------------------------------------- helpers


def call_service(request, verb, *, body=None, target=None, **extra):
    """The shape of an endpoint that changes something, in one place.

    The JSON body is read through the serializer class ``body`` (a bad field is a 400 naming it);
    then ``target()`` (the object acted on: a 404 when it is not there, looked up only once the
    body is sound) and ``verb(target, **body, **extra, by=request.user, request=request)`` (without
    ``target``: ``verb(**body, ...)``). A refusal the service raises (Django's ValidationError with
    codes) becomes the 400 JSON with ``codes`` in :func:`muster.api.exception_handler`. Returns what
    the service returns; the caller shapes the response.
    """
    fields = {}
    if body is not None:
        form = body(data=request.data)
        form.is_valid(raise_exception=True)
        fields = dict(form.validated_data)
    args = () if target is None else (target(),)
    return verb(*args, **fields, **extra, by=request.user, request=request)


def person_queryset() -> QuerySet:
    """Persons with what :class:`~muster.api.serializers.PersonSerializer` needs, in a few queries."""
    return Person.objects.select_related("household", "merged_into").prefetch_related(
        Prefetch(
            "placements",
            queryset=Placement.objects.filter(is_current=True).select_related("facility"),
            to_attr="current_placements",
        ),
        Prefetch(
            "category_decisions",
            queryset=CategoryDecision.objects.filter(is_current=True).select_related("decided_by"),
            to_attr="current_categories",
        ),
        "documents",
    )


def facility_or_400(facility_id: int, field: str) -> Facility:
    facility = (
        Facility.objects.filter(pk=facility_id).first() if 0 < facility_id <= MAX_ID else None
    )
    if facility is None:
        raise ValidationError({field: [_("no facility with id %(id)s") % {"id": facility_id}]})
    return facility


def persons_by_number(
    numbers: list[str], field: str, *, user=None, action: str = "person.view"
) -> list[Person]:
    """Persons in the order given (duplicates kept: the services refuse them with their own message).

    With ``user``, a person outside their scope for ``action`` is answered exactly as a number that
    does not exist: the answer must not confirm that someone is registered elsewhere.
    """
    qs = Person.objects.all()
    if user is not None:
        qs = policy.scope_persons(user, qs, action)
    found = {p.number: p for p in qs.filter(number__in=set(numbers))}
    unknown = [n for n in dict.fromkeys(numbers) if n not in found]
    if unknown:
        raise ValidationError(
            {
                field: [
                    _("no person with registration number %(list)s")
                    % {"list": ", ".join(unknown[:20])}
                ]
            }
        )
    return [found[n] for n in numbers]


def record_person_read(request, person: Person, view: str) -> None:
    record_read(request, person, via=API, view=view)


def query_int(raw: str, field: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("'%(v)s' is not a number") % {"v": raw[:40]}]}) from None
    if not 0 < value <= MAX_ID:
        raise ValidationError({field: [_("no facility with id %(id)s") % {"id": raw[:40]}]})
    return value


def event_dict(event) -> dict:
    if isinstance(event, dict):
        return event
    return {
        "at": event.at,
        "kind": event.kind,
        "text": str(event.text),
        "detail": str(getattr(event, "detail", "")),
    }


def person_by_number(number: str, field: str = "person") -> Person:
    """The person with this registration number, or a 400 naming ``field``."""
    return persons_by_number([str(number or "")[:20]], field)[0]
