"""Every action Muster writes to the audit log has a label the auditor reads in their language (the
home page and the log showed "login.2fa_success", "movement.manifest.read" as stored)."""

from django.utils import translation

from muster.audit.labels import ACTION_LABELS, action_label
from tests.audit.test_audit_actions import ENUMS


def test_every_action_has_a_label():
    written = {member.value for enum in ENUMS for member in enum}
    assert len(written) > 30
    assert sorted(written - set(ACTION_LABELS)) == []


def test_labels_are_translated():
    with translation.override("en"):
        english = {code: action_label(code) for code in ACTION_LABELS}
    for lang in ("ar", "ckb", "kmr"):
        with translation.override(lang):
            same = [c for c in ACTION_LABELS if action_label(c) == english[c]]
        assert same == [], lang


def test_objects_are_named_as_people_call_them(db, registered, facilities, make_user):
    from types import SimpleNamespace

    from muster.audit.labels import annotate
    from muster.custody import services as custody

    head = registered.members.order_by("id").first()
    manager = make_user("camp_manager", facility=facilities["reception"])
    movement = custody.dispatch(
        [head, *registered.members.exclude(pk=head.pk)],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
    )
    events = [
        SimpleNamespace(action="movement.manifest.read", detail={}, object_type=t, object_id=str(i))
        for t, i in (
            ("custody.movement", movement.pk),
            ("custody.facility", facilities["camp"].pk),
            ("auth.user", manager.pk),
            ("people.person", head.pk),
            ("custody.movement", 999999),
            ("screening.screeningrun", 4),
        )
    ]
    annotate(events)
    assert [e.object_label for e in events] == [
        movement.number,
        "Al-Hol Camp",
        manager.username,
        head.number,
        "movement 999999",  # the kind's name and the id where no record gives a number
        "screening run 4",
    ]
    assert events[0].action_label == "Manifest viewed"
