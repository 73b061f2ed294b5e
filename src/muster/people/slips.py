"""The registration slip (the number as a QR code, to print as a card or a wristband) and the
person's photo taken at reception.

The slip carries what a person may show to anyone: number, names in both scripts, sex, year of
birth (a child's full date when it is known: the day they turn 18 changes how they are protected),
household number. Never the category, protection flags or documents. A photo is read only
here, by someone who may see the person's name, within their scope, and every read is audited.
"""

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import refuse, visible_person
from muster.audit import services as audit
from muster.identity.internals.names import fold_arabic, fold_latin, is_arabic, variant_table
from muster.people import services as people
from muster.people.audit_actions import PeopleAction
from muster.people.models import DobPrecision, Person, Photo
from muster.protection.rules import is_child

SLIP_KINDS = ("card", "wristband")
NAME_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name")


def other_script(text: str) -> str:
    """``text`` in the other script, word by word, from the attested spellings; "" when any word
    has none (a guessed half-transliteration would mislead more than help)."""
    table = variant_table()
    out = []
    for word in text.split():
        article = ""
        if is_arabic(word):
            folded = fold_arabic(word)
            if folded.startswith("ال") and len(folded) > 3:
                article, folded = "al-", folded[2:]
            found = table.latin_of.get(folded)
        else:
            parts = fold_latin(word).split()
            if len(parts) > 1 and parts[0] in ("al", "el"):
                article, parts = "ال", parts[1:]
            hit = table.arabic_of_fold.get("".join(parts))
            found = hit[0] if hit else None
        if not found:
            return ""
        out.append(article + found)
    return " ".join(out)


def qr_svg(number: str) -> str:
    # A full QR code, never a Micro QR (which segno picks for short data): most phone readers and
    # handheld scanners at a checkpoint cannot read Micro QR.
    return segno.make_qr(number, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def _may_see_identity(user) -> bool:
    return "given_name" in policy.person_fields(user)


@requires("person.view")
def slip(request: HttpRequest, number: str) -> HttpResponse:
    person = visible_person(request, number)
    if not _may_see_identity(request.user):
        raise refuse(request, person, "slip needs the person's identity fields")
    kind = request.GET.get("kind", "card")
    kind = kind if kind in SLIP_KINDS else "card"
    name = " ".join(getattr(person, f) for f in NAME_FIELDS if getattr(person, f))
    if person.date_of_birth and person.dob_precision == DobPrecision.DAY and is_child(person):
        born = person.date_of_birth.isoformat()
    else:
        born = person.date_of_birth.year if person.date_of_birth else person.birth_year
    with transaction.atomic():
        audit.record(
            PeopleAction.PERSON_SLIP_PRINT, request=request, obj=person, detail={"kind": kind}
        )
        return render(
            request,
            "people/slip.html",
            {
                "person": person,
                "kind": kind,
                "kinds": SLIP_KINDS,
                "name": name,
                "name_other": other_script(name),
                "born": born,
                "qr": mark_safe(qr_svg(person.number)),  # noqa: S308 - segno's own SVG
                "photo": _current_photo(person) is not None,
            },
        )


def _current_photo(person: Person) -> Photo | None:
    return Photo.objects.filter(person=person, is_current=True).only("id").first()


@requires("person.view")
def photo(request: HttpRequest, number: str) -> HttpResponse:
    person = visible_person(request, number)
    if not _may_see_identity(request.user):
        raise refuse(request, person, "photo needs the person's identity fields")
    current = Photo.objects.filter(person=person, is_current=True).first()
    if current is None:
        return HttpResponse(status=404)
    with transaction.atomic():
        audit.record(
            PeopleAction.PERSON_PHOTO_READ,
            request=request,
            obj=person,
            detail={"photo": current.pk},
        )
    response = HttpResponse(bytes(current.data), content_type=current.content_type)
    # A face must not linger in shared caches or on the reception laptop's disk cache.
    response["Cache-Control"] = "no-store, private"
    return response


@requires("person.register")
@require_POST
def photo_upload(request: HttpRequest, number: str) -> HttpResponse:
    person = visible_person(request, number, "person.register")
    upload = request.FILES.get("photo")
    if upload is None:
        return HttpResponse("photo: choose or take a photo", status=400, content_type="text/plain")
    if upload.size > people.MAX_PHOTO_BYTES:
        return HttpResponse(
            "photo: the photo is larger than 2 MB", status=400, content_type="text/plain"
        )
    try:
        people.add_photo(person, upload.read(), by=request.user, request=request)
    except ValidationError as exc:
        msg = "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
        return HttpResponse(f"photo: {msg}", status=400, content_type="text/plain")
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect("person-detail", number=person.number)
