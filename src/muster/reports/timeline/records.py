"""Changes to the record itself: corrections, merges and their undoing."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.access.policy import shows_facility
from muster.audit import queries as audit_log
from muster.core.text import isolate
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Placement
from muster.custody.services import MERGE_LEFT_NOTE
from muster.people.audit_actions import PeopleAction
from muster.people.models import Person, PersonCorrection
from muster.reports.timeline.event import Event


def merge_events(person: Person, fields) -> list[Event]:
    """Merges and their undoing, from the audit events people.services writes for both records."""
    events = []
    records = audit_log.search(object_type=audit_log.PERSON_TYPE, object_id=str(person.pk)).filter(
        action__in=(PeopleAction.PERSON_MERGE, PeopleAction.PERSON_UNMERGE)
    )
    show_who = "category_decided_by" in fields
    for e in records.order_by("seq"):
        by = (
            _("by %(u)s") % {"u": isolate(e.actor_username)}
            if show_who and e.actor_username
            else ""
        )
        if e.action == PeopleAction.PERSON_MERGE:
            if e.detail.get("duplicate") == person.number:
                text = _("Merged into %(n)s (same person)") % {
                    "n": isolate(e.detail.get("kept", ""))
                }
            else:
                text = _("Registration %(n)s merged into this record (same person)") % {
                    "n": isolate(e.detail.get("duplicate", ""))
                }
            warning = _moved_unrecorded(
                e.seq, e.detail.get("kept", ""), e.detail.get("duplicate", ""), fields
            )
            events.append(Event(e.at, "merged", text, by, warning))
        else:
            kept = e.detail.get("was_merged_into", "")
            other = e.detail.get("duplicate", "") if kept == person.number else kept
            text = _("Merge with %(n)s undone: separate persons") % {"n": isolate(other)}
            events.append(Event(e.at, "unmerged", text, by))
    return events


def _moved_unrecorded(merge_seq: int, kept: str, duplicate: str, fields) -> str:
    """The warning of a merge whose two records were at different facilities with no movement
    recorded between them (custody.end_for_merge audits it, just before the merge)."""
    dup = Person.objects.filter(number=duplicate).only("pk").first()
    if dup is None:
        return ""
    event = (
        audit_log.search(object_type=audit_log.PERSON_TYPE, object_id=str(dup.pk))
        .filter(action=CustodyAction.PLACEMENT_END_FOR_MERGE, seq__lt=merge_seq)
        .order_by("-seq")
        .first()
    )
    if event is None or not event.detail.get("warning"):
        return ""
    now_at = Placement.objects.filter(pk=event.detail.get("placement")).select_related("facility")
    was_at = (
        Placement.objects.filter(
            person__number=kept, note__endswith=MERGE_LEFT_NOTE.format(duplicate=duplicate)
        )
        .select_related("facility")
        .order_by("-ended_at", "-id")
    )
    a, b = was_at.first(), now_at.first()
    if a is None or b is None or a.facility is None or b.facility is None:
        return _("The two records were at different places with no movement recorded between them.")
    if not (shows_facility(fields, a.facility) and shows_facility(fields, b.facility)):
        return _("The two records were at different places with no movement recorded between them.")
    return _(
        "The two records were at different places: %(a)s and %(b)s, with no movement recorded "
        "between them. Check where the person is."
    ) % {"a": isolate(a.facility.display_name), "b": isolate(b.facility.display_name)}


def registered_household(person: Person) -> str:
    """The number of the household ``person`` was registered in: the one they are in, unless a
    merge has since moved them into a family (its correction keeps the first)."""
    first = next(
        (
            c.changes["household"][0]
            for c in PersonCorrection.objects.filter(person=person).order_by("corrected_at", "id")
            if "household" in c.changes
        ),
        None,
    )
    if first is not None:
        return first
    return person.household.number if person.household_id else ""


def _field_label(name: str) -> str:
    # Corrections that name a link rather than a detail typed in (a merge joining a family).
    if name == "household":
        return _("Household")
    if name == "relationship_to_head":
        return _("Relationship to head")
    try:
        return str(Person._meta.get_field(name).verbose_name)
    except Exception:  # FieldDoesNotExist: an older correction may name a field since renamed
        return name


def _naming(old: str, new: str, *, unnamed_before: bool) -> str:
    """A newborn named later ("Named: Yusuf (was not yet named)"), or a name taken back."""
    if unnamed_before:
        return _("Named: %(name)s (was not yet named)") % {"name": isolate(new)}
    return _("Marked not yet named (was %(name)s)") % {"name": isolate(old)}


def correction_events(person: Person, fields) -> list[Event]:
    events = []
    for c in PersonCorrection.objects.filter(person=person).select_related("corrected_by"):
        # Show old -> new only for fields this role may see; the others are just named as changed.
        shown, hidden = [], 0
        changes = dict(c.changes)
        # The "not yet named" flag goes with the given name (set and cleared with it): told in
        # the given name's words, never as a field of its own.
        named = changes.pop("not_yet_named", None)
        for name, (old, new) in sorted(changes.items()):
            if name == "given_name" and named and name in fields:
                shown.append(_naming(old, new, unnamed_before=bool(named[0])))
            elif name in fields:
                shown.append(f"{_field_label(name)}: {old or '—'} → {new or '—'}")
            else:
                hidden += 1
        if hidden:
            # A count, not text: "%(n)d" takes the number (digits need no isolating).
            shown.append(
                ngettext("%(n)d other field", "%(n)d other fields", hidden) % {"n": hidden}
            )
        detail = "; ".join(shown)
        if c.reason:
            detail += " · " + _("reason: %(r)s") % {"r": isolate(c.reason)}
        events.append(Event(c.corrected_at, "corrected", _("Details corrected"), detail))
    return events
