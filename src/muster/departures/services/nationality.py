"""Nationality verification: how each person's nationality was (or was not) established before a repatriation."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.departures.audit_actions import DeparturesAction
from muster.departures.models import NationalityVerification
from muster.departures.services.rules import (
    _numbers,
)
from muster.people.models import IdentityDocument, Person


@transaction.atomic
def verify_nationality(
    persons: Sequence[Person],
    *,
    nationality: str,
    method: str,
    outcome: str = NationalityVerification.Outcome.VERIFIED,
    interview_note: str = "",
    by,
    request=None,
) -> list[NationalityVerification]:
    """Record how each person's nationality was (or was not) verified: documents seen, interview,
    confirmed by the state. With a document method, each person's document of that country is named."""
    errors: dict[str, list[ValidationError]] = {}
    nationality = (nationality or "").strip().upper()
    if len(nationality) != 3 or not nationality.isascii() or not nationality.isalpha():
        errors["nationality"] = [
            ValidationError(
                _("'%(v)s' is not a country code (ISO 3166 alpha-3)") % {"v": nationality[:20]},
                code="not_a_country",
            )
        ]
    if method not in NationalityVerification.Method.values:
        errors["method"] = [ValidationError(_("'%(v)s' is not a method (%(list)s)")
                            % {"v": str(method)[:40], "list": ", ".join(NationalityVerification.Method.values)}, code="not_a_method")]  # fmt: skip
    if outcome not in NationalityVerification.Outcome.values:
        errors["outcome"] = [
            ValidationError(
                _("'%(v)s' is not an outcome (verified, not_verified)") % {"v": str(outcome)[:40]},
                code="not_an_outcome",
            )
        ]
    if method in ("interview", "both") and not (interview_note or "").strip():
        errors["interview_note"] = [
            ValidationError(
                _("an interview needs a note of what was established"),
                code="interview_note_required",
            )
        ]
    if not persons:
        errors["persons"] = [
            ValidationError(_("select at least one person"), code="nobody_selected")
        ]
    if errors:
        raise ValidationError(errors)
    documents: dict[int, int] = {}
    if method in ("document", "both"):
        for pid, doc_id in IdentityDocument.objects.filter(
            person__in=persons, issuing_country=nationality
        ).values_list("person_id", "id"):
            documents.setdefault(pid, doc_id)
        missing = [p for p in persons if p.pk not in documents]
        if missing and outcome == NationalityVerification.Outcome.VERIFIED:
            raise ValidationError(
                {"method": [ValidationError(_("%(list)s: no identity document of %(c)s recorded; verify by interview")
                            % {"list": _numbers(missing), "c": nationality}, code="no_document")]}
            )  # fmt: skip
    now = timezone.now()
    rows = NationalityVerification.objects.bulk_create(
        [
            NationalityVerification(
                person=p,
                nationality=nationality,
                method=method,
                outcome=outcome,
                document_id=documents.get(p.pk),
                interview_note=(interview_note or "").strip(),
                verified_by=by,
                verified_at=now,
            )
            for p in persons
        ],
        batch_size=2000,
    )
    for p in persons:
        audit.record(
            DeparturesAction.PERSON_NATIONALITY_VERIFY,
            actor=by,
            obj=p,
            request=request,
            detail={"nationality": nationality, "method": method, "outcome": outcome},
        )
    return rows
