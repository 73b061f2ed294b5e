"""The auditor's page: search the audit log by object, actor, action and date."""

import datetime as dt

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access.decorators import requires
from muster.audit import services as audit
from muster.core.parsing import parse_day

PAGE_SIZE = 100
# An export's event lists every person in it (a camp roll: tens of thousands of ids); the page shows
# the first few and the count, the CLI (`muster audit log`) prints them all.
SHOWN_IDS = 20
# Offered as suggestions in the Action box; a trailing "." matches the whole family.
KNOWN_ACTIONS = [
    "person.read",
    "person.register",
    "person.correct",
    "category.decide",
    "export",
    "login.",
    "login.failure",
    "account.lock",
    "request.denied",
    "role.",
    "user.",
]


def _local_day_start(text: str, field: str, errors: dict) -> dt.datetime | None:
    if not text:
        return None
    day = parse_day(text)
    if day is None:
        errors[field] = _("'%(v)s' is not a date (YYYY-MM-DD)") % {"v": text[:40]}
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _shown(detail: dict) -> dict:
    """The event's detail with long id lists cut to their first SHOWN_IDS and a count."""
    ids = detail.get("person_ids") if isinstance(detail, dict) else None
    if not isinstance(ids, list) or len(ids) <= SHOWN_IDS:
        return detail
    more = _("… and %(n)d more") % {"n": len(ids) - SHOWN_IDS}
    return {**detail, "person_ids": [*ids[:SHOWN_IDS], more]}


@requires("audit.view")
def audit_log(request):
    """Filters: object (registration number or type:id), actor, action ("login." = family), dates."""
    filters = {
        k: request.GET.get(k, "").strip() for k in ("object", "actor", "action", "since", "until")
    }
    errors: dict[str, str] = {}
    since = _local_day_start(filters["since"], "since", errors)
    until = _local_day_start(filters["until"], "until", errors)
    if until is not None:
        until += dt.timedelta(days=1)  # "until" is inclusive of that day
    object_type = object_id = ""
    if filters["object"]:
        try:
            object_type, object_id = audit.resolve_object(filters["object"])
        except LookupError as exc:
            errors["object"] = str(exc)
    events = audit.AuditEvent.objects.none()
    if not errors:
        events = audit.search(
            object_type=object_type,
            object_id=object_id,
            actor=filters["actor"],
            action=filters["action"],
            since=since,
            until=until,
        )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.shown_detail = _shown(event.detail)
    # Looking at the log is itself on the log: the filters, not the results.
    audit.record("audit.search", request=request, detail={k: v for k, v in filters.items() if v})
    return render(
        request,
        "audit/log.html",
        {"filters": filters, "errors": errors, "page": page, "known_actions": KNOWN_ACTIONS},
        status=400 if errors else 200,
    )
