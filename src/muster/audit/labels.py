"""The audit log made readable: action codes as translated labels, persons by registration number,
the detail as key/value rows. Used by the log page and the auditor's home."""

import re
from functools import cache

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from muster.audit.queries import NUMBERED_TYPES
from muster.core.text import LOCAL_NAME_FIELDS, local_name

# An export's event lists every person in it (a camp roll: tens of thousands of ids); the page shows
# the first few and the count, the CLI (`muster audit log`) prints them all.
SHOWN_IDS = 20

# What each stored action code means, for people reading the log. The stored codes never change
# (the hash chain covers them); a code missing here is shown as it is.
ACTION_LABELS = {
    "account.lock": gettext_lazy("Account locked"),
    "api_token.expire": gettext_lazy("API token expired"),
    "api_token.issue": gettext_lazy("API token issued"),
    "api_token.revoke": gettext_lazy("API token revoked"),
    "api_token.rotate": gettext_lazy("API token replaced"),
    "api_token.use": gettext_lazy("API token used"),
    "audit.search": gettext_lazy("Audit log searched"),
    "backup.create": gettext_lazy("Backup made"),
    "backup.restore": gettext_lazy("Backup restored"),
    "category.approve": gettext_lazy("Category approved"),
    "category.decide": gettext_lazy("Category decided"),
    "category.propose": gettext_lazy("Category proposed"),
    "category.refuse": gettext_lazy("Category refused"),
    "departure.approve": gettext_lazy("Departure approved (second officer)"),
    "departure.cancel": gettext_lazy("Departure cancelled"),
    "departure.candidates.list": gettext_lazy("Persons for a departure viewed"),
    "departure.confirm": gettext_lazy("Departure confirmed by the receiving side"),
    "departure.death": gettext_lazy("Death recorded"),
    "departure.discrepancies.list": gettext_lazy("Departure discrepancies viewed"),
    "departure.dispatch": gettext_lazy("Departure dispatched"),
    "departure.import": gettext_lazy("Receiving side's sheet imported"),
    "departure.list": gettext_lazy("Departures listed"),
    "departure.manifest.read": gettext_lazy("Departure manifest viewed"),
    "departure.plan": gettext_lazy("Departure planned"),
    "person.depart.confirm": gettext_lazy("Outcome of a person's departure recorded"),
    "person.depart.death": gettext_lazy("Person died"),
    "person.depart.dispatch": gettext_lazy("Person left custody on a departure"),
    "person.nationality.verify": gettext_lazy("Nationality verified"),
    "placement.exit": gettext_lazy("Custody ended or resumed by a departure"),
    "dispatch.persons.list": gettext_lazy("Persons to dispatch viewed"),
    "export": gettext_lazy("Export"),
    "facility.create": gettext_lazy("Facility created"),
    "facility.persons.list": gettext_lazy("Facility list viewed"),
    "facility.update": gettext_lazy("Facility changed"),
    "household.add_member": gettext_lazy("Relative added to a household"),
    "household.head_change": gettext_lazy("Head of household changed"),
    "household.members.list": gettext_lazy("Household members viewed"),
    "household.register": gettext_lazy("Household registered"),
    "intake.import": gettext_lazy("Submissions imported"),
    "intake.import.read": gettext_lazy("Import report viewed"),
    "intake.import.start": gettext_lazy("Import of submissions started"),
    "household.separate": gettext_lazy("Family separation recorded"),
    "login.2fa_failure": gettext_lazy("Wrong two-factor code"),
    "login.2fa_success": gettext_lazy("Two-factor code accepted"),
    "login.failure": gettext_lazy("Sign-in failed"),
    "login.locked": gettext_lazy("Sign-in refused: locked"),
    "login.success": gettext_lazy("Signed in"),
    "logout": gettext_lazy("Signed out"),
    "password.change": gettext_lazy("Password changed"),
    "password.reset": gettext_lazy("Password set by an administrator"),
    "movement.dispatch": gettext_lazy("Transfer dispatched"),
    "movement.manifest.read": gettext_lazy("Manifest viewed"),
    "movement.receive": gettext_lazy("Transfer received"),
    "person.correct": gettext_lazy("Record corrected"),
    "person.dispatch": gettext_lazy("Person dispatched"),
    "person.document.add": gettext_lazy("Document added"),
    "person.list": gettext_lazy("List of persons viewed"),
    "person.merge": gettext_lazy("Records merged"),
    "person.photo.add": gettext_lazy("Photo taken"),
    "person.photo.read": gettext_lazy("Photo viewed"),
    "person.read": gettext_lazy("Record viewed"),
    "person.receive": gettext_lazy("Person received"),
    "person.register": gettext_lazy("Person registered"),
    "person.reported_missing": gettext_lazy("Reported not arrived"),
    "person.search": gettext_lazy("Search"),
    "person.slip.print": gettext_lazy("Slip printed"),
    "person.unmerge": gettext_lazy("Merge undone"),
    "placement.create": gettext_lazy("Placed in a facility"),
    "placement.end_for_merge": gettext_lazy("Placement ended by a merge"),
    "placement.restore_after_unmerge": gettext_lazy("Placement restored by an unmerge"),
    "protection.review": gettext_lazy("Protection review"),
    "receive.persons.list": gettext_lazy("Persons to receive viewed"),
    "request.denied": gettext_lazy("Access refused"),
    "rollcall.close": gettext_lazy("Roll call closed"),
    "rollcall.mark": gettext_lazy("Person seen at a roll call"),
    "rollcall.persons.list": gettext_lazy("Roll call list viewed"),
    "rollcall.start": gettext_lazy("Roll call started"),
    "role.grant": gettext_lazy("Role granted"),
    "role.revoke": gettext_lazy("Role revoked"),
    "scenario.load": gettext_lazy("Demo data loaded"),
    "screening.adjudicate": gettext_lazy("Screening hit decided"),
    "screening.approvals.read": gettext_lazy("Approvals viewed"),
    "screening.batch.start": gettext_lazy("Re-screening started"),
    "screening.hit": gettext_lazy("Screening hit"),
    "screening.hit.list": gettext_lazy("Screening hits viewed"),
    "screening.list.import": gettext_lazy("Reference list imported"),
    "screening.queue.read": gettext_lazy("Screening queue viewed"),
    "screening.run": gettext_lazy("Screening run"),
    "screening.undo_merge": gettext_lazy("Merge undone by screening"),
    "session.expire": gettext_lazy("Session expired"),
    "totp.enrol": gettext_lazy("Two-factor authenticator enrolled"),
    "totp.reset": gettext_lazy("Two-factor authenticator reset"),
    "unaccounted.read": gettext_lazy("Unaccounted list viewed"),
    "user.create": gettext_lazy("User created"),
    "user.deactivate": gettext_lazy("User deactivated"),
    "user.list": gettext_lazy("Users listed"),
    "user.reactivate": gettext_lazy("User reactivated"),
    "tracing.best_interests": gettext_lazy("Best-interests determination recorded"),
    "tracing.candidate.confirm": gettext_lazy("Tracing match confirmed"),
    "tracing.candidate.confirm_propose": gettext_lazy(
        "Tracing match confirmed, awaiting a second caseworker"
    ),
    "tracing.candidate.reject": gettext_lazy("Tracing match rejected"),
    "tracing.candidates.find": gettext_lazy("Registry searched for a tracing request"),
    "tracing.candidates.read": gettext_lazy("Tracing candidates viewed"),
    "tracing.export": gettext_lazy("Tracing requests exported"),
    "tracing.import": gettext_lazy("Tracing requests imported"),
    "tracing.registration.check": gettext_lazy(
        "New registrations checked against tracing requests"
    ),
    "tracing.request.close": gettext_lazy("Tracing request closed"),
    "tracing.request.list": gettext_lazy("Tracing requests listed"),
    "tracing.request.open": gettext_lazy("Tracing request opened"),
    "tracing.request.photo.read": gettext_lazy("Tracing request's photo viewed"),
    "tracing.request.read": gettext_lazy("Tracing request viewed"),
    "tracing.request.update": gettext_lazy("Tracing request changed"),
    "tracing.reunify": gettext_lazy("Reunification dispatched"),
    "tracing.reunify.receipt": gettext_lazy("Reunification received by the family"),
    "tracing.verification": gettext_lazy("Verification step recorded"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


# Objects shown by what people call them (not "custody.movement:78"): the field naming each kind.
# The auditor may see numbers (they type them into the Object box), never names of persons.
OBJECT_NAMES = {
    **{object_type: "number" for object_type in NUMBERED_TYPES},
    "custody.facility": "name",
    "screening.referencelist": "name",
    "auth.user": "username",
}


# What each kind of object is called, in the reader's language, where the log shows the kind
# with an id ("screening run 4"): the models' own names are English only. A kind missing here
# is shown by the model's name.
KIND_LABELS = {
    "people.person": gettext_lazy("person"),
    "people.household": gettext_lazy("household"),
    "people.identitydocument": gettext_lazy("document"),
    "people.photo": gettext_lazy("photo"),
    "people.personcorrection": gettext_lazy("correction"),
    "custody.facility": gettext_lazy("facility"),
    "custody.movement": gettext_lazy("transfer"),
    "custody.placement": gettext_lazy("placement"),
    "custody.rollcall": gettext_lazy("roll call"),
    "departures.departure": gettext_lazy("departure"),
    "departures.departureline": gettext_lazy("departure line"),
    "departures.nationalityverification": gettext_lazy("nationality verification"),
    "intake.submissionimport": gettext_lazy("import of submissions"),
    "protection.protectionreview": gettext_lazy("protection review"),
    "protection.familyseparation": gettext_lazy("separation"),
    "screening.categorydecision": gettext_lazy("category decision"),
    "screening.referencelist": gettext_lazy("reference list"),
    "screening.screeningrun": gettext_lazy("screening run"),
    "screening.hit": gettext_lazy("screening hit"),
    "screening.adjudication": gettext_lazy("decision on a hit"),
    "tracing.tracingrequest": gettext_lazy("tracing request"),
    "tracing.tracingcandidate": gettext_lazy("candidate"),
    "tracing.verificationstep": gettext_lazy("verification step"),
    "tracing.bestinterestsdetermination": gettext_lazy("best-interests determination"),
    "access.rolegrant": gettext_lazy("role grant"),
    "auth.user": gettext_lazy("user"),
}


def _object_labels(events) -> dict[tuple[str, str], str]:
    """{(object type, id): label} for the events' objects of the kinds in OBJECT_NAMES."""
    wanted: dict[str, set[int]] = {}
    labels = {}
    for e in events:
        if e.object_type in OBJECT_NAMES and (e.object_id or "").isdigit():
            wanted.setdefault(e.object_type, set()).add(int(e.object_id))
        elif e.object_type in NUMBERED_TYPES and e.object_id:
            # Stored by its number, not its id (a departure's steps, custody.services.exits):
            # the number is what the log shows for it anyway.
            labels[(e.object_type, e.object_id)] = e.object_id
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except LookupError:
            continue
        field = OBJECT_NAMES[object_type]
        if object_type == "custody.facility":
            # A facility by its name in the reader's language, as every other page names it.
            for row in model.objects.filter(pk__in=ids).values(
                "pk", "name", *LOCAL_NAME_FIELDS.values()
            ):
                labels[(object_type, str(row["pk"]))] = local_name(row)
            continue
        for pk, name in model.objects.filter(pk__in=ids).values_list("pk", field):
            labels[(object_type, str(pk))] = name
    return labels


# Every detail key Muster writes, in the reader's language (the stored key stays in the page as the
# label's title; a key missing here is shown with its underscores as spaces). The stored keys never
# change (the hash chain covers them).
DETAIL_KEYS = {
    "category": gettext_lazy("category"),
    "status": gettext_lazy("status"),
    "outcome": gettext_lazy("outcome"),
    "reason": gettext_lazy("reason"),
    "decision": gettext_lazy("decision"),
    "departure": gettext_lazy("departure"),
    "source": gettext_lazy("source"),
    "format": gettext_lazy("format"),
    "rows": gettext_lazy("rows"),
    # The dispatch page's basket (custody.basket): how many chosen, listed beside the page's rows.
    "basket": gettext_lazy("in the dispatch selection"),
    "purpose": gettext_lazy("purpose"),
    "from": gettext_lazy("from"),
    "to": gettext_lazy("to"),
    "kind": gettext_lazy("kind"),
    "view": gettext_lazy("view"),
    # A read's context (people.reads.record_read): the request a candidate was compared with, the
    # person on whose page a relative was shown.
    "tracing_request": gettext_lazy("tracing request"),
    "seen_from": gettext_lazy("on the page of"),
    "person_ids": gettext_lazy("registration numbers"),
    "person": gettext_lazy("person"),
    "persons": gettext_lazy("persons"),
    # A child's reunification that parts them from adults of their household placed with them.
    "parted_from": gettext_lazy("parted from"),
    "facility": gettext_lazy("facility"),
    "to_facility": gettext_lazy("to facility"),
    "reception_point": gettext_lazy("reception point"),
    "household": gettext_lazy("household"),
    "households": gettext_lazy("households"),
    # A departure preview's filters: registration numbers typed, whole households added.
    "numbers": gettext_lazy("registration numbers"),
    "whole_households": gettext_lazy("whole households"),
    "members": gettext_lazy("members"),
    "movement": gettext_lazy("transfer"),
    "placement": gettext_lazy("placement"),
    "capacity_override": gettext_lazy("over capacity, allowed"),
    "step": gettext_lazy("step"),
    "via": gettext_lazy("channel"),
    "os_user": gettext_lazy("operating-system user"),
    "role": gettext_lazy("role"),
    "expires_at": gettext_lazy("expires"),
    "replaces": gettext_lazy("replaces grant"),
    "token": gettext_lazy("token"),
    "first": gettext_lazy("first use"),
    "had_device": gettext_lazy("had an authenticator"),
    "method": gettext_lazy("method"),
    "path": gettext_lazy("page address"),
    "hit": gettext_lazy("screening hit"),
    "hits": gettext_lazy("hits"),
    "band": gettext_lazy("band"),
    "candidate": gettext_lazy("candidate"),
    "candidates": gettext_lazy("candidates"),
    "confident": gettext_lazy("confident candidates"),
    "withdrawn": gettext_lazy("withdrawn"),
    "after": gettext_lazy("prompted by"),
    "entries": gettext_lazy("entries"),
    "name": gettext_lazy("name"),
    "skipped_rows": gettext_lazy("rows skipped"),
    "supersedes": gettext_lazy("replaces version"),
    "version": gettext_lazy("version"),
    "seed": gettext_lazy("seed"),
    "note": gettext_lazy("note"),
    "applied": gettext_lazy("applied"),
    "file_sha256": gettext_lazy("file fingerprint (SHA-256)"),
    "sha256": gettext_lazy("fingerprint (SHA-256)"),
    "bytes": gettext_lazy("size (bytes)"),
    "database": gettext_lazy("database"),
    "audit_head": gettext_lazy("audit chain head"),
    "forced": gettext_lazy("forced"),
    "file": gettext_lazy("file"),
    "export": gettext_lazy("export"),
    "filters": gettext_lazy("filters"),
    # An export's filters (the situation report's: reports.filters.Filters.as_dict and its language).
    "date_from": gettext_lazy("from"),
    "date_to": gettext_lazy("to"),
    "governorate": gettext_lazy("governorate"),
    "language": gettext_lazy("language"),
    "fields": gettext_lazy("fields"),
    "dropped_fields": gettext_lazy("fields withheld"),
    "import": gettext_lazy("import"),
    "imported": gettext_lazy("imported"),
    "submissions": gettext_lazy("submissions"),
    "duplicates": gettext_lazy("duplicates"),
    "refused": gettext_lazy("refused"),
    "error": gettext_lazy("error"),
    "created": gettext_lazy("created"),
    "created_at": gettext_lazy("created"),
    "office": gettext_lazy("office"),
    "requests": gettext_lazy("tracing requests"),
    "contacts": gettext_lazy("with contacts"),
    # The PFIF export's: whether the requests' notes (free text, a phone number) went with it.
    "notes": gettext_lazy("with caseworkers' notes"),
    "child": gettext_lazy("child"),
    "searched": gettext_lazy("searched"),
    "page": gettext_lazy("page"),
    "children": gettext_lazy("children"),
    "length": gettext_lazy("characters typed"),
    "query_length": gettext_lazy("characters typed"),
    "results": gettext_lazy("results"),
    "context": gettext_lazy("where"),
    "pending": gettext_lazy("awaiting approval"),
    "review": gettext_lazy("protection review"),
    "separation": gettext_lazy("separation"),
    "moved": gettext_lazy("moved"),
    "remained": gettext_lazy("remained"),
    "kept": gettext_lazy("kept record"),
    "duplicate": gettext_lazy("duplicate record"),
    "other": gettext_lazy("other record"),
    "kept_moved": gettext_lazy("kept record moved"),
    "was_merged_into": gettext_lazy("merged into"),
    "flags_gained": gettext_lazy("flags gained"),
    "household_joined": gettext_lazy("household joined"),
    # A change of a household's head ("Make head of household", a head merged away).
    "head": gettext_lazy("new head of household"),
    "former": gettext_lazy("former head of household"),
    "household_head": gettext_lazy("head of household"),
    "relationships_changed": gettext_lazy("members' relationships changed"),
    # An undone merge whose record came back beside the head made since (not a second head).
    "head_kept": gettext_lazy("head kept"),
    "warning": gettext_lazy("warning"),
    "late": gettext_lazy("registered late"),
    "document": gettext_lazy("document"),
    "doc_type": gettext_lazy("document type"),
    "photo": gettext_lazy("photo"),
    "guarantor": gettext_lazy("guarantor / sponsor"),
    "destination_name": gettext_lazy("destination"),
    "destination_pcode": gettext_lazy("destination P-code"),
    "nationality": gettext_lazy("nationality"),
    "four_eyes": gettext_lazy("second officer"),
    "old": gettext_lazy("before"),
    "new": gettext_lazy("after"),
    "verify": gettext_lazy("chain intact"),
    "count": gettext_lazy("count"),
    # A roll call's (custody.services.rollcalls): a mark, and the figures kept at its close.
    "roll_call": gettext_lazy("roll call"),
    "how": gettext_lazy("how"),
    "expected": gettext_lazy("on the list"),
    "seen": gettext_lazy("seen"),
    "not_seen": gettext_lazy("not seen"),
    "left": gettext_lazy("left during the roll call"),
    "arrived": gettext_lazy("arrived during the roll call"),
    "not_on_list": gettext_lazy("seen here, not on the list"),
}
# Keys whose meaning depends on the event: the outcomes a receiving side confirmed and the rows of
# its sheet by what was found in them (also the sheet's own labels: departures.receipts.STATUS_LABELS).
ACTION_DETAIL_KEYS = {
    "departure.confirm": {
        "received": gettext_lazy("received"),
        "not_presented": gettext_lazy("not presented"),
        "refused": gettext_lazy("refused by the receiving side"),
        "returned": gettext_lazy("back in custody"),
    },
    "departure.import": {
        "ok": gettext_lazy("to apply"),
        "unchanged": gettext_lazy("already so"),
        "missing_id": gettext_lazy("no number"),
        "duplicate": gettext_lazy("number twice in the file"),
        "unknown_id": gettext_lazy("unknown number"),
        "not_on_manifest": gettext_lazy("not on this manifest"),
        "bad_outcome": gettext_lazy("outcome not understood"),
        "not_allowed": gettext_lazy("change not allowed"),
        "note_required": gettext_lazy("note missing"),
    },
}


# Values of a detail key that are codes, said in the reader's language (the stored code stays
# in the log): the page a list of people was read on, the page a record was read on (by the
# names its menus give it), why a situation report left the system.
DETAIL_VALUES = {
    "page": {"home": gettext_lazy("Home")},
    "view": {
        "person": gettext_lazy("Person"),
        "correct": gettext_lazy("Correct the record"),
        "protection": gettext_lazy("Protection review"),
        "protection-reviews": gettext_lazy("Protection review"),
        "screening-hit": gettext_lazy("Screening hit"),
        "separated-families": gettext_lazy("Separated families"),
        "separations": gettext_lazy("Separated families"),
        "children-list": gettext_lazy("Children"),
        "tracing-request": gettext_lazy("Tracing request"),
        "tracing-reunify-household": gettext_lazy("Household before a reunification"),
        "tracing-candidate": gettext_lazy("Candidate"),
        "nationality": gettext_lazy("Nationality"),
        "death": gettext_lazy("Record a death"),
    },
    "purpose": {"situation report": gettext_lazy("Situation report")},
    # The door an event came through (people.reads, access.signin, the operator's commands).
    "via": {
        "web": gettext_lazy("Web page"),
        "api": gettext_lazy("API"),
        "cli": gettext_lazy("Command line"),
        "api-token": gettext_lazy("API sign-in"),
        "password-change": gettext_lazy("Password change page"),
        "api-password-change": gettext_lazy("Password change over the API"),
    },
}
# The same by action, where a key's codes mean one thing in one event only: where the receiving
# side's outcomes came from (departures.services.receipts).
_RECEIPT_SOURCES = {"manual": gettext_lazy("Entered by hand"), "import": gettext_lazy("Import")}
# Why a session or an API token ended (access.middleware, access.services.tokens), which step of a
# departure moved placements (custody.services.exits); a cancelled departure's reason is kept with
# its persons, the event says only that one was given. A deactivation's reason is free text.
_IDLE = gettext_lazy("Idle too long")
_ENDED_EVERYWHERE = gettext_lazy("Signed out everywhere")
ACTION_DETAIL_VALUES = {
    "departure.confirm": {"source": _RECEIPT_SOURCES},
    "person.depart.confirm": {"source": _RECEIPT_SOURCES},
    "placement.exit": {
        "step": {
            "leave": gettext_lazy("Leaving the facility"),
            "depart": gettext_lazy("Departed"),
            "return": gettext_lazy("Back in custody"),
        }
    },
    "session.expire": {
        "reason": {
            "idle": _IDLE,
            "maximum length": gettext_lazy("Maximum session length reached"),
            "ended everywhere": _ENDED_EVERYWHERE,
            "no sign-in time": gettext_lazy("No sign-in time recorded"),
        }
    },
    "api_token.expire": {"reason": {"idle": _IDLE, "expired": gettext_lazy("Maximum age reached")}},
    "api_token.revoke": {
        "reason": {
            "logout": gettext_lazy("Signed out"),
            "sessions ended": _ENDED_EVERYWHERE,
            "rotated": gettext_lazy("Replaced by a new token"),
            "replaced": gettext_lazy("Replaced at a new sign-in"),
        }
    },
    "departure.cancel": {"reason": {"given": gettext_lazy("Given (kept with the persons)")}},
}

# Why a request was refused (request.denied): what is outside the user's facilities, the role that
# lacks a permission, an HTTP status; the policy action named in them ("person.view") as stored.
_OUTSIDE = {
    "person": gettext_lazy("Person outside the user's facilities"),
    "facility": gettext_lazy("Facility outside the user's facilities"),
    "movement": gettext_lazy("Transfer outside the user's facilities"),
    "departure": gettext_lazy("Departure outside the user's facilities"),
}
_OUTSIDE_RE = re.compile(r"(\w+) outside scope(?: for (\S+))?")
_ROLE_LACKS_RE = re.compile(r"role lacks (\S+)")
_HTTP_RE = re.compile(r"HTTP (\d{3})")
# An action done at a facility the user has no role at (the API's checks: "movement.receive at
# another facility", "person.register outside the user's facilities"), a page that names only the
# action the role lacks ("departure.view"), an API endpoint that declares no action.
_ELSEWHERE_RE = re.compile(
    r"(\S+) (?:at another facility|from another facility|outside the user's facilities)"
)
_POLICY_ACTION_RE = re.compile(r"[a-z_]+(?:\.[a-z_]+)+")
_NO_ACTION_RE = re.compile(r"no policy action declared for (\S+)")
# Why a record in scope was still refused (people.slips, the correction and reception pages).
_RECORD_REASONS = {
    "no household": gettext_lazy("The person has no household"),
    "merged record": gettext_lazy("The record was merged into another"),
    "slip needs the person's identity fields": gettext_lazy(
        "The slip needs the person's identity fields"
    ),
    "photo needs the person's identity fields": gettext_lazy(
        "The photo needs the person's identity fields"
    ),
}


def _denied_reason(value: str) -> str | None:
    if value == "outside the user's facility scope":  # access.lookup.OUT_OF_SCOPE
        return _("Outside the user's facilities")
    if value in _RECORD_REASONS:
        return str(_RECORD_REASONS[value])
    if m := _ELSEWHERE_RE.fullmatch(value):
        return _("At a facility outside the user's facilities (%(action)s)") % {"action": m[1]}
    if m := _NO_ACTION_RE.fullmatch(value):
        return _("The API endpoint declares no permission (%(view)s)") % {"view": m[1]}
    if _POLICY_ACTION_RE.fullmatch(value):
        return _("The role does not allow %(action)s") % {"action": value}
    if m := _OUTSIDE_RE.fullmatch(value):
        label = _OUTSIDE.get(m[1])
        if label is None:
            return None
        return f"{label} ({m[2]})" if m[2] else str(label)
    if m := _ROLE_LACKS_RE.fullmatch(value):
        return _("The role does not allow %(action)s") % {"action": m[1]}
    if m := _HTTP_RE.fullmatch(value):
        return _("Refused (HTTP %(status)s)") % {"status": m[1]}
    return None


# Values of a detail key that are a model's choices, said with the label the app shows for them
# on its own pages ("reject": "Reject", "reunification": "Reunification with family"): the field
# ("app.Model.field") whose choices they are, by key, or by action where a key ("kind", "status",
# "outcome") holds different choices in different events. The audit app imports no other app, so
# the fields are named, not imported.
CHOICE_FIELDS = {
    "category": "screening.CategoryDecision.category",
    "role": "access.RoleGrant.role",
    "band": "screening.Hit.band",
    "doc_type": "people.IdentityDocument.doc_type",
}
_DEPARTURE_KIND = {"kind": "departures.Departure.kind"}
ACTION_CHOICE_FIELDS = {
    "tracing.request.open": {"source": "tracing.TracingRequest.source"},
    "tracing.request.list": {"status": "tracing.TracingRequest.status"},
    "tracing.candidate.reject": {"status": "tracing.TracingRequest.status"},
    "tracing.verification": {"kind": "tracing.VerificationStep.kind"},
    "tracing.best_interests": {"outcome": "tracing.BestInterestsDetermination.outcome"},
    "tracing.reunify.receipt": {"outcome": "departures.DepartureLine.outcome"},
    "screening.adjudicate": {
        "decision": "screening.Adjudication.decision",
        "kind": "screening.Hit.kind",
    },
    "screening.hit": {"kind": "screening.Hit.kind"},
    "screening.run": {
        "kind": "screening.ScreeningRun.kind",
        "status": "screening.ScreeningRun.status",
    },
    "departure.plan": _DEPARTURE_KIND,
    "departure.dispatch": _DEPARTURE_KIND,
    "person.depart.dispatch": _DEPARTURE_KIND,
    "departure.list": {**_DEPARTURE_KIND, "status": "departures.Departure.status"},
    "person.depart.confirm": {"outcome": "departures.DepartureLine.outcome"},
    "person.nationality.verify": {
        "method": "departures.NationalityVerification.method",
        "outcome": "departures.NationalityVerification.outcome",
    },
    "protection.review": {"outcome": "protection.ProtectionReview.outcome"},
    "rollcall.mark": {
        "how": "custody.RollCallLine.how",
        "outcome": "custody.RollCallLine.outcome",
    },
    "rollcall.persons.list": {"outcome": "custody.RollCallLine.outcome"},
    "intake.import": {"status": "intake.SubmissionImport.status"},
}


@cache
def _choices(field: str) -> dict:
    """{code: label} of a model field's choices ("screening.Hit.kind")."""
    app_label, model, name = field.split(".")
    return dict(apps.get_model(app_label, model)._meta.get_field(name).choices or ())


def detail_value_label(key: str, value: str, action: str = "") -> str:
    """A detail value in the reader's language where it is a code Muster writes ("reunification":
    "Reunification with family"); free text, numbers and codes it does not know, as stored."""
    field = ACTION_CHOICE_FIELDS.get(action, {}).get(key) or CHOICE_FIELDS.get(key)
    label = (
        (_choices(field).get(value) if field else None)
        or ACTION_DETAIL_VALUES.get(action, {}).get(key, {}).get(value)
        or DETAIL_VALUES.get(key, {}).get(value)
        or (_denied_reason(value) if (action, key) == ("request.denied", "reason") else None)
    )
    return str(label) if label is not None else value


def detail_key_label(key: str, action: str = "") -> str:
    """What a detail key means, in the reader's language (``person_ids``: "registration numbers");
    a key Muster does not know, with its underscores as spaces."""
    label = ACTION_DETAIL_KEYS.get(action, {}).get(key) or DETAIL_KEYS.get(key)
    return str(label) if label is not None else str(key).replace("_", " ")


def _nested_value(value) -> str:
    """A value inside a detail's dict (a filter's): a filter left empty (every facility) reads as
    a dash, not "None"; a filter used or not (a departure preview's) as yes or no, not "True"."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "—" if value in (None, "") else str(value)


def _detail_rows(detail, action: str = "") -> list[tuple[str, str, str]]:
    """The detail as (stored key, label, value) rows to read, not a dict."""
    if not isinstance(detail, dict):
        return [("", "", str(detail))] if detail not in (None, "", {}) else []
    rows = []
    for key, value in detail.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            # A filter left empty (every facility) reads as a dash, not "None".
            value = "; ".join(
                f"{detail_key_label(str(k))}: {_nested_value(v)}" for k, v in value.items()
            )
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, str):
            value = detail_value_label(str(key), value, action)
        if value in (None, ""):
            value = "—"
        rows.append((str(key), detail_key_label(str(key), action), str(value)))
    return rows


def annotate(events) -> None:
    """Give each event of a page its readable action, object and detail."""
    labels = _object_labels(events)
    details = [_shown(event.detail) for event in events]
    numbers = _person_numbers(details)
    places = _facility_names(details)
    for event, detail in zip(events, details, strict=True):
        event.action_label = action_label(event.action)
        event.object_label = labels.get((event.object_type, event.object_id)) or _kind_and_id(
            event.object_type, event.object_id
        )
        event.detail_rows = _detail_rows(_placed(_numbered(detail, numbers), places), event.action)


# Detail keys that hold a facility's id (a movement's "from" and "to", a household's reception
# point, a separation's "to_facility" …): shown by the facility's name, as the log names objects.
FACILITY_KEYS = ("from", "to", "facility", "to_facility", "from_facility", "facility_id",
                 "reception_point")  # fmt: skip


def _facility_ids(detail) -> list[int]:
    if not isinstance(detail, dict):
        return []
    return [
        v for k in FACILITY_KEYS if isinstance(v := detail.get(k), int) and not isinstance(v, bool)
    ]


def _facility_names(details) -> dict[int, str]:
    """{facility id: name in the reader's language} for the facilities the details name."""
    wanted = {i for d in details for i in _facility_ids(d)}
    if not wanted:
        return {}
    rows = (
        apps.get_model("custody.facility")
        .objects.filter(pk__in=wanted)
        .values("pk", "name", *LOCAL_NAME_FIELDS.values())
    )
    return {row["pk"]: local_name(row) for row in rows}


def _placed(detail, places: dict[int, str]):
    """The detail with facilities by name (the stored ids are what the hash chain covers)."""
    if not _facility_ids(detail):
        return detail
    return {
        k: places.get(v, v) if k in FACILITY_KEYS and v in _facility_ids({k: v}) else v
        for k, v in detail.items()
    }


def _person_ids(detail) -> list[int]:
    if not isinstance(detail, dict):
        return []
    ids = [i for i in detail.get("person_ids") or [] if isinstance(i, int)]
    if isinstance(detail.get("person"), int):
        ids.append(detail["person"])
    return ids


def _person_numbers(details) -> dict[int, str]:
    """{person id: registration number} for the persons the details name (one query a page)."""
    wanted = {i for d in details for i in _person_ids(d)}
    if not wanted:
        return {}
    person_model = apps.get_model(NUMBERED_TYPES[0])
    return dict(person_model.objects.filter(pk__in=wanted).values_list("pk", "number"))


def _numbered(detail, numbers: dict[int, str]):
    """The detail with persons by registration number, as the auditor types them into Object
    (the stored ids are what the hash chain covers; they are only shown otherwise)."""
    if not _person_ids(detail):
        return detail
    out = dict(detail)
    if isinstance(detail.get("person_ids"), list):
        out["person_ids"] = [
            numbers.get(v, v) if isinstance(v, int) else v for v in out["person_ids"]
        ]
    if isinstance(detail.get("person"), int):
        out["person"] = numbers.get(detail["person"], detail["person"])
    return out


def _kind_and_id(object_type: str, object_id: str) -> str:
    """ "screening run 4" for an object of a kind without a name or number of its own."""
    if not object_type:
        return ""
    kind = KIND_LABELS.get(object_type)
    if kind is None:
        try:
            kind = apps.get_model(object_type)._meta.verbose_name
        except (LookupError, ValueError):
            kind = object_type
    kind = str(kind)
    return f"{kind} {object_id}" if object_id else kind


def _shown(detail: dict) -> dict:
    """The event's detail with long id lists cut to their first SHOWN_IDS and a count."""
    ids = detail.get("person_ids") if isinstance(detail, dict) else None
    if not isinstance(ids, list) or len(ids) <= SHOWN_IDS:
        return detail
    more = ngettext("… and %(n)d more", "… and %(n)d more", len(ids) - SHOWN_IDS) % {
        "n": len(ids) - SHOWN_IDS
    }
    return {**detail, "person_ids": [*ids[:SHOWN_IDS], more]}
