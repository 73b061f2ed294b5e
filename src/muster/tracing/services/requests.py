"""Tracing requests: open one (by hand or from a file's row), change it, close it."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.core.numbering import new_number
from muster.core.parsing import PCODE, parse_day, parse_int
from muster.core.uploads import MAX_PHOTO_BYTES, photo_type  # noqa: F401 - MAX_PHOTO_BYTES re-exported
from muster.people.validation import has_letter
from muster.tracing.audit_actions import TracingAction
from muster.tracing.models import (
    ACTIVE,
    REQUEST_FIELDS,
    TEXT_FIELDS,
    Source,
    TracingCandidate,
    TracingRequest,
    text_limit,
)

# Photos as people.services accepts them: JPEG or PNG, at most 2 MB.
SEXES = {"": "", "M": "M", "F": "F", "U": "", "MALE": "M", "FEMALE": "F"}


def _err(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def clean_fields(fields: Mapping[str, object], *, partial: bool = False) -> dict:
    """The request fields checked and normalised; raises naming every bad field at once.

    ``partial``: only the fields given (an update); otherwise absent fields are empty.
    """
    errors: dict[str, list[ValidationError]] = {}
    unknown = sorted(k for k in fields if k not in REQUEST_FIELDS and k != "photo")
    if unknown:
        errors[unknown[0]] = [
            ValidationError(
                _("'%(f)s' is not a field of a tracing request") % {"f": unknown[0][:40]},
                code="unknown_field",
            )
        ]
    keys = [k for k in REQUEST_FIELDS if not partial or k in fields]
    out: dict[str, object] = {}
    for key in keys:
        value = fields.get(key)
        if key in TEXT_FIELDS:
            text = "" if value is None else str(value).strip()
            limit = text_limit(key)
            if any(ord(c) < 32 and c not in "\n\t" for c in text):
                errors[key] = [
                    ValidationError(_("contains a control character"), code="control_character")
                ]
            elif len(text) > limit:
                errors[key] = [
                    ValidationError(_("at most %(n)d characters") % {"n": limit}, code="too_long")
                ]
            out[key] = text
    pcode = out.get("separation_pcode", "")
    if pcode and "separation_pcode" not in errors and not PCODE.match(pcode):
        errors["separation_pcode"] = [
            ValidationError(
                _("'%(v)s' is not a P-code (e.g. IQ-G05-D0035)") % {"v": pcode[:20]},
                code="invalid_pcode",
            )
        ]
    if "sex" in keys:
        raw = str(fields.get("sex") or "").strip().upper()
        if raw not in SEXES:
            errors["sex"] = [
                ValidationError(
                    _("'%(v)s' is not a sex (M, F or empty)") % {"v": raw[:10]}, code="not_a_sex"
                )
            ]
        out["sex"] = SEXES.get(raw, "")
    if "birth_year" in keys:
        this_year = timezone.localdate().year
        out["birth_year"] = _number(fields.get("birth_year"), "birth_year", 1900, 2100, errors)
        if out["birth_year"] is not None and out["birth_year"] > this_year:
            errors["birth_year"] = [ValidationError(_("is in the future"), code="in_the_future")]
    if "age_at_separation" in keys:
        out["age_at_separation"] = _number(
            fields.get("age_at_separation"), "age_at_separation", 0, 120, errors
        )
    if "separation_date" in keys:
        raw = fields.get("separation_date")
        day = raw if hasattr(raw, "isoformat") else None
        if day is None and str(raw or "").strip():
            day = parse_day(raw)
            if day is None:
                errors["separation_date"] = [
                    ValidationError(
                        _("'%(v)s' is not a date (YYYY-MM-DD)") % {"v": str(raw)[:40]},
                        code="not_a_date",
                    )
                ]
        if day is not None and day > timezone.localdate():
            errors["separation_date"] = [
                ValidationError(_("is in the future"), code="date_in_future")
            ]
        out["separation_date"] = day
    if "photo" in fields and fields["photo"]:
        out["photo"], out["photo_content_type"] = _photo(fields["photo"], errors)
    if errors:
        raise ValidationError(errors)
    return out


def _number(value, field: str, lo: int, hi: int, errors: dict) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if number is None:
        number = parse_int(str(value), lo=lo, hi=hi)
    if number is None or not lo <= number <= hi:
        errors[field] = [
            ValidationError(
                _("'%(v)s' is not a whole number from %(lo)d to %(hi)d")
                % {"v": str(value)[:20], "lo": lo, "hi": hi},
                code="not_a_number",
            )
        ]
        return None
    return number


def _photo(data, errors: dict) -> tuple[bytes | None, str]:
    data = bytes(data)
    try:
        return data, photo_type(data)
    except ValidationError as exc:
        errors["photo"] = [exc]
        return None, ""


def _check_whole(values: Mapping[str, object]) -> None:
    """The rules across fields, on the request as it will be stored."""
    errors: dict[str, list[ValidationError]] = {}
    # A name is required, and "0" or "--" is none (people.validation.has_letter).
    names = {k: values.get(k) or "" for k in ("given_name", "other_names", "mother_name")}
    given = [k for k, name in names.items() if name]
    if given and not any(has_letter(name) for name in names.values()):
        errors[given[0]] = [
            ValidationError(
                _("'%(v)s' has no letter: write the name in Arabic, Latin or Cyrillic letters")
                % {"v": str(names[given[0]])[:40]},
                code="no_letter",
            )
        ]
    elif not given:
        errors["given_name"] = [
            ValidationError(
                _("give the name of the person sought (given name, other names or mother's name)"),
                code="name_required",
            )
        ]
    if values.get("age_at_separation") is not None and not values.get("separation_date"):
        errors["separation_date"] = [
            ValidationError(
                _("needed with the age at separation (the age is counted from it)"),
                code="date_required_with_age",
            )
        ]
    year, day = values.get("birth_year"), values.get("separation_date")
    age = values.get("age_at_separation")
    if year and day and year > day.year:
        errors["birth_year"] = [
            ValidationError(_("is after the date of separation"), code="born_after_separation")
        ]
    elif year and day and age is not None and abs((day.year - year) - age) > 3:
        # Born 2000 and 5 when separated in 2014: one of the three is wrong, and each steers the
        # search (a child's age, a year of birth).  A family's memory of an age is allowed three
        # years either way.
        errors["age_at_separation"] = [
            ValidationError(
                _("does not agree with the year of birth: born %(y)d, about %(a)d in %(s)d")
                % {"y": year, "a": day.year - year, "s": day.year},
                code="age_disagrees_with_birth_year",
            )
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def open_request(
    fields: Mapping[str, object],
    *,
    by,
    source: str = Source.MANUAL,
    source_ref: str = "",
    request=None,
) -> TracingRequest:
    """Open a tracing request; it is matched against the registry once it has committed.

    ``source``/``source_ref`` name the file and the file's own id for the row (a PFIF
    person_record_id): the same reference from the same source is refused (code
    ``already_imported``), so an import run twice adds nothing.
    """
    if source not in Source.values:
        raise _err("source", _("'%(v)s' is not a source") % {"v": str(source)[:20]}, "not_a_source")
    source_ref = (source_ref or "").strip()[:300]
    clean = clean_fields(fields)
    _check_whole(clean)
    if source_ref and TracingRequest.objects.filter(source=source, source_ref=source_ref).exists():
        raise _err(
            "source_ref",
            _("'%(r)s' from this source is already a tracing request") % {"r": source_ref[:60]},
            "already_imported",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            req = TracingRequest.objects.create(
                number=new_number("TR"),
                source=source,
                source_ref=source_ref,
                created_by=by,
                created_at=now,
                updated_at=now,
                **clean,
            )
    except IntegrityError:
        raise _err(
            "source_ref",
            _("'%(r)s' from this source is already a tracing request") % {"r": source_ref[:60]},
            "already_imported",
        ) from None
    audit.record(
        TracingAction.TRACING_REQUEST_OPEN,
        actor=by,
        obj=req,
        request=request,
        detail={"source": source, "child": req.is_child},
    )
    _match_after_commit(req.pk)
    return req


def _match_after_commit(request_id: int) -> None:
    from muster.tracing.services.candidates import match_request_after_commit

    match_request_after_commit(request_id)


def _locked(req: TracingRequest) -> TracingRequest:
    return TracingRequest.objects.select_for_update().get(pk=req.pk)


def must_be_active(req: TracingRequest) -> None:
    """Refuse (code ``request_not_active``) a change to a request reunited or closed."""
    if req.status not in ACTIVE:
        raise _err(
            "status",
            _("%(r)s is %(s)s") % {"r": req.number, "s": req.get_status_display()},
            "request_not_active",
        )


def settle_status(req: TracingRequest, now=None) -> str:
    """The one rule for the status of a request being worked on, from its candidates: *verifying*
    while a candidate is being verified or is confirmed (until the reunification), *candidate
    found* while a confident proposal is waiting, else *open*, so that the queue and the office's
    figures never show a search with nothing left in it. A request reunited or closed is left
    alone. Saved only when it changes; returns the status."""
    if req.status not in ACTIVE:
        return req.status
    C = TracingCandidate.Status
    if req.candidates.filter(status__in=(C.VERIFYING, C.CONFIRMED)).exists():
        status = TracingRequest.Status.VERIFYING
    elif req.candidates.filter(status=C.PROPOSED, confident=True).exists():
        status = TracingRequest.Status.CANDIDATE_FOUND
    else:
        status = TracingRequest.Status.OPEN
    if status != req.status:
        req.status, req.updated_at = status, now or timezone.now()
        req.save(update_fields=["status", "updated_at"])
    return status


@transaction.atomic
def update_request(
    req: TracingRequest, fields: Mapping[str, object], *, by, request=None
) -> TracingRequest:
    """Change what a request says (only the fields given); it is matched again afterwards."""
    req = _locked(req)
    must_be_active(req)
    clean = clean_fields(fields, partial=True)
    merged = {k: getattr(req, k) for k in REQUEST_FIELDS} | clean
    _check_whole(merged)
    changed = sorted(k for k, v in clean.items() if getattr(req, k) != v)
    if not changed:
        return req
    for key in changed:
        setattr(req, key, clean[key])
    req.updated_at = timezone.now()
    req.save(update_fields=[*changed, "updated_at"])
    audit.record(
        TracingAction.TRACING_REQUEST_UPDATE,
        actor=by,
        obj=req,
        request=request,
        detail={"fields": [k for k in changed if k != "photo_content_type"]},
    )
    if set(changed) - {"photo", "photo_content_type"}:
        _match_after_commit(req.pk)  # a new photo alone changes nothing the matcher reads
    return req


@transaction.atomic
def read_photo(
    req: TracingRequest, *, by, request=None, via: str = "web"
) -> tuple[bytes, str] | None:
    """The request's photo and its content type (``None`` when it has none), the read audited: a
    face of a person sought is as sensitive as the request itself."""
    if not req.photo_content_type or req.photo is None:
        return None
    audit.record(
        TracingAction.TRACING_REQUEST_PHOTO_READ,
        actor=by,
        obj=req,
        request=request,
        detail={"via": via},
    )
    return bytes(req.photo), req.photo_content_type


@transaction.atomic
def close_request(req: TracingRequest, *, reason: str, by, request=None) -> TracingRequest:
    """Close a request that will not be pursued (found elsewhere, withdrawn by the family...)."""
    reason = (reason or "").strip()
    if not reason:
        raise _err("reason", _("say why the request is closed"), "reason_required")
    req = _locked(req)
    must_be_active(req)
    req.status = TracingRequest.Status.CLOSED
    req.closed_reason = reason[:2000]
    req.updated_at = timezone.now()
    req.save(update_fields=["status", "closed_reason", "updated_at"])
    audit.record(TracingAction.TRACING_REQUEST_CLOSE, actor=by, obj=req, request=request)
    from muster.tracing.services.candidates import reweigh_after_commit  # it imports this module

    # No longer a rival: the other requests' proposals of its candidates are weighed again.
    reweigh_after_commit(req.pk, req.candidates.values_list("person_id", flat=True))
    return req
