"""Every action Muster writes to the audit log, and every key of an event's detail, has a label the
auditor reads in their language (the home page and the log showed "login.2fa_success",
"movement.manifest.read" as stored)."""

import ast
from pathlib import Path

from django.utils import translation

from muster.audit.labels import (
    ACTION_DETAIL_KEYS,
    ACTION_LABELS,
    DETAIL_KEYS,
    action_label,
    detail_key_label,
)
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
        "transfer 999999",  # the kind as pages call it, and the id: no record gives a number
        "screening run 4",
    ]
    assert events[0].action_label == "Manifest viewed"


# --- the detail's keys ------------------------------------------------------------------------

SRC = Path(__file__).resolve().parents[2] / "src" / "muster"
RECORDERS = {
    "record",
    "record_many",
    "record_list",
    "record_export",
    "record_denied",
    "record_read",
}
# Recorders whose keyword arguments are the detail's keys.
KEYWORD_DETAIL = {"record_list", "record_read"}
NOT_DETAIL = {"action", "obj", "actor", "request", "object_type", "object_id", "person_ids"}


def _written_keys(path: Path) -> set[str]:
    """The detail keys a module writes as literals: ``detail={...}`` of an audit call, the keyword
    arguments of ``record_list`` and ``record_read``, and dicts assigned to a name holding ``detail``."""
    keys: set[str] = set()

    def literal_keys(node) -> set[str]:
        if not isinstance(node, ast.Dict):
            return set()
        return {k.value for k in node.keys if isinstance(k, ast.Constant)}

    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name not in RECORDERS:
                continue
            for kw in node.keywords:
                if kw.arg == "detail":
                    keys |= literal_keys(kw.value)
                elif name in KEYWORD_DETAIL and kw.arg and kw.arg not in NOT_DETAIL:
                    keys.add(kw.arg)
            for arg in node.args:
                keys |= literal_keys(arg)
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any("detail" in getattr(t, "id", "") for t in targets):
                keys |= literal_keys(node.value)
    return keys


def test_every_detail_key_muster_writes_has_a_label():
    # The log showed "kept moved", "os user", "to facility" as stored, in English on every page.
    paths = [p for p in SRC.rglob("*.py") if not {"migrations", "identity"} & set(p.parts)]
    written = set().union(*(_written_keys(p) for p in paths))
    assert {"category", "to_facility", "os_user", "person_ids", "kept_moved"} <= written
    assert sorted(written - set(DETAIL_KEYS)) == []


def test_detail_labels_are_translated():
    keys = [(None, k) for k in DETAIL_KEYS] + [
        (action, k) for action, labels in ACTION_DETAIL_KEYS.items() for k in labels
    ]
    with translation.override("en"):
        english = {key: detail_key_label(key[1], key[0] or "") for key in keys}
    for lang in ("ar", "ckb", "kmr"):
        with translation.override(lang):
            same = [key for key in keys if detail_key_label(key[1], key[0] or "") == english[key]]
        # Kurmanji writes "format" as English does.
        assert same == ([(None, "format")] if lang == "kmr" else []), lang


def test_a_situation_reports_filters_read_in_the_auditors_language():
    # The log showed a PDF sitrep's filters in Sorani as "date from: 2026-11-24; date to:
    # 2026-12-07; بنکە: None; governorate: ; language: ar".
    from muster.audit.labels import _detail_rows
    from muster.reports.filters import default_filters

    detail = {"export": "sitrep.pdf", "filters": {**default_filters().as_dict(), "language": "ar"}}
    with translation.override("ckb"):
        filters = {key: value for key, _label, value in _detail_rows(detail, "export")}["filters"]
    assert "None" not in filters
    assert not [word for word in ("date", "governorate", "language") if word in filters], filters
    assert filters.count("—") == 2, filters  # every facility, every governorate


# --- the detail's values ----------------------------------------------------------------------


def test_every_choice_field_a_value_is_read_through_exists():
    from muster.audit.labels import ACTION_CHOICE_FIELDS, CHOICE_FIELDS, _choices

    fields = set(CHOICE_FIELDS.values()) | {
        f for by_key in ACTION_CHOICE_FIELDS.values() for f in by_key.values()
    }
    assert [f for f in sorted(fields) if not _choices(f)] == []
    assert sorted(set(ACTION_CHOICE_FIELDS) - set(ACTION_LABELS)) == []


def test_coded_values_read_in_the_auditors_language_free_text_as_typed():
    # An auditor reading the log in Arabic saw "outcome: received", "kind: reunification",
    # "decision: reject", "kind: duplicate", "view: tracing-request", "source: manual" and
    # "purpose: situation report": Muster's codes, in English.
    from muster.audit.labels import _detail_rows

    events = [
        ("person.depart.confirm", {"departure": "DP-2026-0004", "outcome": "received"}),
        ("departure.plan", {"kind": "reunification", "persons": 3}),
        ("screening.adjudicate", {"hit": 12, "decision": "reject", "kind": "duplicate"}),
        ("person.read", {"via": "web", "view": "tracing-request"}),
        ("tracing.request.open", {"source": "manual", "child": True}),
        ("person.depart.confirm", {"source": "manual"}),
        ("export", {"export": "sitrep.pdf", "purpose": "situation report"}),
    ]

    def values(lang):
        with translation.override(lang):
            return [
                {key: value for key, _label, value in _detail_rows(detail, action)}
                for action, detail in events
            ]

    english = values("en")
    assert english[0]["outcome"] == "Received"
    assert english[1]["kind"] == "Reunification with family"
    assert english[2]["decision"] == "Reject" and english[2]["kind"] == "Already registered"
    assert english[3]["view"] == "Tracing request"
    assert english[4]["source"] == "Entered by a caseworker"
    assert english[5]["source"] == "Entered by hand"
    assert english[6]["purpose"] == "Situation report"
    codes = ["received", "reunification", "reject", "duplicate", "tracing-request", "manual"]
    for lang in ("ar", "ckb", "kmr"):
        shown = values(lang)
        coded = [
            shown[0]["outcome"],
            shown[1]["kind"],
            shown[2]["decision"],
            shown[2]["kind"],
            shown[3]["view"],
            shown[4]["source"],
            shown[5]["source"],
            shown[6]["purpose"],
        ]
        english_coded = [
            english[0]["outcome"],
            english[1]["kind"],
            english[2]["decision"],
            english[2]["kind"],
            english[3]["view"],
            english[4]["source"],
            english[5]["source"],
            english[6]["purpose"],
        ]
        assert not set(coded) & (set(codes) | set(english_coded)), (lang, coded)
        # What is not a code stays as stored: numbers, the departure's number, the export's name.
        assert shown[0]["departure"] == "DP-2026-0004", lang
        assert shown[1]["persons"] == "3" and shown[2]["hit"] == "12", lang
        assert shown[6]["export"] == "sitrep.pdf", lang
    # The label the departure pages show for the kind, not a second translation of it.
    from muster.departures.models import Kind

    with translation.override("ar"):
        assert values("ar")[1]["kind"] == str(Kind.REUNIFICATION.label)


def test_a_value_that_is_not_a_code_is_shown_as_typed():
    from muster.audit.labels import _detail_rows

    with translation.override("ar"):
        rows = _detail_rows(
            {"reason": "received twice by mistake", "purpose": "manifest MV-0007", "kind": "x"},
            "user.deactivate",
        )
    assert [value for _key, _label, value in rows] == [
        "received twice by mistake",
        "manifest MV-0007",
        "x",
    ]
