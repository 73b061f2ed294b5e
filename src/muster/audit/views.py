"""The auditor's pages: search the audit log by object, actor, action and date; verify the chain."""

import datetime as dt

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access.decorators import requires
from muster.audit import queries
from muster.audit import services as audit
from muster.audit.audit_actions import AuditAction
from muster.audit.labels import ACTION_LABELS, annotate
from muster.audit.labels import SHOWN_IDS as SHOWN_IDS  # the page shows this many; tests read it
from muster.audit.models import AuditEvent
from muster.core.paging import paginate
from muster.core.parsing import parse_day

PAGE_SIZE = 100
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
            object_type, object_id = queries.resolve_object(filters["object"])
        except LookupError as exc:
            errors["object"] = str(exc)
    if filters["action"]:
        try:
            queries.check_action(filters["action"])
        except LookupError as exc:
            errors["action"] = str(exc)
    events = AuditEvent.objects.none()
    if not errors:
        events = queries.search(
            object_type=object_type,
            object_id=object_id,
            actor=filters["actor"],
            action=filters["action"],
            since=since,
            until=until,
        )
    page = paginate(request, events, PAGE_SIZE)
    annotate(page.object_list)
    # Looking at the log is itself on the log: the filters, not the results.
    audit.record(
        AuditAction.AUDIT_SEARCH, request=request, detail={k: v for k, v in filters.items() if v}
    )
    return render(
        request,
        "audit/log.html",
        {
            "filters": filters,
            "errors": errors,
            "page": page,
            "known_actions": [(a, ACTION_LABELS.get(a, "")) for a in KNOWN_ACTIONS],
        },
        status=400 if errors else 200,
    )


@requires("audit.view")
def audit_verify(request):
    """Walk the whole chain now and say whether any event was changed, removed or moved."""
    result = audit.verify()
    audit.record(AuditAction.AUDIT_SEARCH, request=request, detail={"verify": result.ok})
    return render(request, "audit/verify.html", {"result": result})
