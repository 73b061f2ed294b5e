"""Correcting a person's registered details, with a reason; the old values stay in the timeline."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from muster.access.decorators import requires
from muster.access.lookup import refuse, visible_person
from muster.people import services as people_services
from muster.people.models import NAME_PARTS, PROTECTION_FLAGS, Person, Relationship, Sex
from muster.people.reads import WEB, record_read
from muster.web.forms import FIELD_LABELS, error_summary, errors_from

CORRECTION_TEXT_FIELDS = (
    *NAME_PARTS,
    "sex",
    "nationality",
    "place_of_origin",
    "origin_pcode",
    "relationship_to_head",
)


def _correction_raw(post, person: Person) -> dict:
    """What the officer changed on the correction form, as ``correct_person`` takes it."""
    raw = {f: post.get(f, "") for f in CORRECTION_TEXT_FIELDS if f in post}
    for flag in PROTECTION_FLAGS:
        raw[flag] = bool(post.get(flag))
    dob = post.get("date_of_birth", "").strip()
    year = post.get("birth_year", "").strip()
    age = post.get("estimated_age", "").strip()
    current_dob = person.date_of_birth.isoformat() if person.date_of_birth else ""
    if dob != current_dob:
        raw["date_of_birth"] = dob
        if not dob:
            raw["birth_year"] = year
    elif age:
        raw["estimated_age"] = age
    elif not dob and year != str(person.birth_year or ""):
        raw["birth_year"] = year
    return raw


@requires("person.correct")
def person_correct(request: HttpRequest, number: str) -> HttpResponse:
    """Correct a person's registered details, with a reason; the old values stay in the timeline."""
    person = visible_person(request, number, "person.correct")
    if person.merged_into_id:
        raise refuse(request, person, "merged record")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            with transaction.atomic():
                correction = people_services.correct_person(
                    person,
                    _correction_raw(request.POST, person),
                    reason=request.POST.get("reason", ""),
                    by=request.user,
                    request=request,
                )
        except ValidationError as exc:
            errors = errors_from(exc)
            person.refresh_from_db()
        else:
            if correction is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("Correction recorded."))
            return redirect("person-detail", number=person.number)
    values = (
        request.POST
        if request.method == "POST"
        else {
            **{f: getattr(person, f) for f in CORRECTION_TEXT_FIELDS},
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
            "birth_year": person.birth_year or "",
            **{f: getattr(person, f) for f in PROTECTION_FLAGS},
        }
    )
    record_read(request, person, via=WEB, view="correct")
    context = {
        "person": person,
        "values": values,
        "errors": errors,
        "error_summary": error_summary(errors),
        "sexes": Sex.choices,
        "relationships": Relationship.choices,
        "flags": [
            (code, label, bool(values.get(code)), errors.get(code, []))
            for code, label in PROTECTION_FLAGS.items()
        ],
        "rows": [
            {
                "name": f,
                "label": FIELD_LABELS[f],
                "value": values.get(f, "") or "",
                "errors": errors.get(f, []),
            }
            for f in (*NAME_PARTS, "date_of_birth", "birth_year", "estimated_age", "nationality")
            + ("place_of_origin",)
        ],
        "sex": values.get("sex", ""),
        "relationship": values.get("relationship_to_head", ""),
        "reason": request.POST.get("reason", ""),
    }
    return render(request, "people/correct.html", context, status=400 if errors else 200)
