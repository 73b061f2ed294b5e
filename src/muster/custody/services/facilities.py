"""Creating and changing facilities; a facility's name and kind as they were at a time."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.audit import services as audit
from muster.core.text import LOCAL_NAME_FIELDS
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Facility, FacilityVersion
from muster.custody.services.placements import _lock_facility, expected, population

FACILITY_FIELDS = (
    "name",
    "name_ar",
    "name_ckb",
    "name_kmr",
    "kind",
    "capacity",
    "location_name",
    "pcode",
    "is_active",
)
# A facility's name and kind as they were are kept (FacilityVersion): timelines show them at the time.
VERSIONED_FIELDS = ("name", "kind")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean_facility(facility: Facility) -> None:
    for key in ("name", *LOCAL_NAME_FIELDS.values(), "location_name", "pcode"):
        if _CONTROL.search(getattr(facility, key) or ""):
            raise ValidationError(
                {
                    key: [
                        ValidationError(_("contains a control character"), code="control_character")
                    ]
                }
            )
    duplicate = Facility.objects.filter(name=facility.name).exclude(pk=facility.pk)
    if duplicate.exists():
        raise ValidationError(
            {
                "name": [
                    ValidationError(
                        _("a facility named '%(n)s' exists") % {"n": facility.name},
                        code="facility_name_taken",
                    )
                ]
            }
        )
    facility.full_clean(exclude=["created_at"])


def _open_version(facility: Facility, at) -> None:
    FacilityVersion.objects.create(
        facility=facility, name=facility.name, kind=facility.kind, valid_from=at
    )


@transaction.atomic
def create_facility(data: dict, *, by, request=None) -> Facility:
    """Open a facility (reception point, camp, holding facility ...); audited."""
    facility = Facility(**{k: v for k, v in data.items() if k in FACILITY_FIELDS})
    _clean_facility(facility)
    facility.save()
    _open_version(facility, facility.created_at)
    audit.record(CustodyAction.FACILITY_CREATE, actor=by, obj=facility, request=request)
    return facility


def _check_not_occupied(facility: Facility, changed: list[str], changes: dict) -> None:
    closing = "is_active" in changed and not changes["is_active"]
    if not (closing or "kind" in changed):
        return
    present, coming = population(facility), expected(facility)
    if present or coming:
        field = "is_active" if closing else "kind"
        raise ValidationError(
            {field: [ngettext("%(n)d person is at %(f)s or on the way there: move them first",
                              "%(n)d persons are at %(f)s or on their way there: move them first",
                              present + coming)
                     % {"n": present + coming, "f": facility.name}]}
        )  # fmt: skip


@transaction.atomic
def update_facility(facility: Facility, changes: dict, *, by, request=None) -> Facility:
    """Change a facility's details (capacity, name, closing it); old and new values are audited.

    A facility with people at it (or on their way) cannot be closed or change kind; a new name or
    kind starts a new FacilityVersion, so history keeps the old one.
    """
    _lock_facility(facility)
    changed = sorted(
        k for k, v in changes.items() if k in FACILITY_FIELDS and getattr(facility, k) != v
    )
    if not changed:
        return facility
    _check_not_occupied(facility, changed, changes)
    old = {k: getattr(facility, k) for k in changed}
    if set(changed) & set(VERSIONED_FIELDS) and not facility.versions.exists():
        _open_version(facility, facility.created_at)  # made outside the services: keep what it was
    for key in changed:
        setattr(facility, key, changes[key])
    _clean_facility(facility)
    facility.save(update_fields=changed)
    if set(changed) & set(VERSIONED_FIELDS):
        now = timezone.now()
        FacilityVersion.objects.filter(facility=facility, valid_to__isnull=True).update(
            valid_to=now
        )
        _open_version(facility, now)
    audit.record(
        CustodyAction.FACILITY_UPDATE,
        actor=by,
        obj=facility,
        request=request,
        detail={
            "fields": changed,
            "old": {k: old[k] for k in changed},
            "new": {k: getattr(facility, k) for k in changed},
        },
    )
    return facility


def facility_names_at(pairs) -> dict:
    """{(facility_id, at): name} for each (facility_id, at): the name in force at that moment.

    Before a facility's first recorded version (facilities opened before versions were kept) its
    earliest known name answers.
    """
    return {key: name for key, (name, _kind) in facilities_at(pairs).items()}


def facilities_at(pairs) -> dict:
    """{(facility_id, at): (name, kind)}: what each facility was called, and was, at that moment."""
    pairs = list(pairs)
    ids = {f for f, _ in pairs}
    versions: dict[int, list] = {}
    for v in FacilityVersion.objects.filter(facility_id__in=ids).order_by("valid_from"):
        versions.setdefault(v.facility_id, []).append(v)
    facilities = {f.pk: f for f in Facility.objects.filter(pk__in=ids)}
    out = {}
    for fid, at in pairs:
        chain = versions.get(fid) or []
        current = facilities.get(fid)
        if chain:
            found = (chain[0].name, chain[0].kind)
        else:
            found = (current.name, current.kind) if current else ("", "")
        for v in chain:
            if v.valid_from <= at:
                found = (v.name, v.kind)
        if current is not None and found[0] == current.name:
            found = (current.display_name, found[1])  # still so called: in the reader's language
        out[(fid, at)] = found
    return out
