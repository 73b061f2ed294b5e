"""Format checks for the Syrian and Iraqi identity numbers and civil-registry references officers type.

:func:`check_document_number` takes Muster's document type, the issuing
country and the number as typed, and returns the number in ASCII digits with any problems found.
It refuses obvious garbage and accepts every plausible form; it does not prove a number was issued.
Reception (:func:`muster.intake.services.register_household`) and the Kobo / ODK import both apply it;
its messages are translated like the rest of the reception form's.

What is known and what is assumed:

- Syrian national number (الرقم الوطني), printed on the Syrian ID card and in the civil registry:
  11 digits. The length is well attested; what the digits encode (a governorate in the first two is
  often said) is not published, so only the length and the digits are checked.
- Iraqi unified national card (البطاقة الوطنية الموحدة, issued since 2016): the personal national
  number is taken to be 12 digits, as printed on the cards; the card also has its own document
  number, 9 letters and digits as in its ICAO TD1 machine-readable zone, which officers often copy
  instead. Both are accepted. The older civil status ID (هوية الأحوال المدنية) has a shorter number
  (assumed up to 10 digits), also accepted.
- Family booklet (دفتر العائلة, Syria) and Iraqi civil-registry references: no single printed format.
  A reference names a place and a record (Syria: governorate / area / قيد number; Iraq: register
  (سجل) and page (صحيفة)). Accepted: up to 60 letters (Arabic or Latin), digits, spaces and
  ``/ - .``, with at least one number in it.
- Anything else (another country, passports, birth certificates): only the character set and length;
  passports are checked by their MRZ (:mod:`muster.intake.mrz`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from muster.core.text import isolate
from muster.identity import ascii_digits

_SEPARATORS = re.compile(r"[\s\-./]+")
_REFERENCE = re.compile(r"^[\w\s\-./]+$")  # letters of any script, digits, blanks, / - .
_LATIN_NUMBER = re.compile(r"^[A-Z0-9]+$")


@dataclass
class DocumentCheck:
    """The number as it will be stored (ASCII digits, surrounding blanks removed) and its problems."""

    number: str
    format: str = ""  # which known format it matched, e.g. "SYR national number (11 digits)"
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _compact(number: str) -> str:
    return _SEPARATORS.sub("", number)


def _all_same(digits: str) -> bool:
    return len(set(digits)) == 1


def _syrian_national_number(number: str, out: DocumentCheck) -> None:
    digits = _compact(number)
    if not digits.isdecimal() or len(digits) != 11:
        out.problems.append(
            _("'%(n)s' is not a Syrian national number (11 digits, as on the ID card)")
            % {"n": number}
        )
    elif _all_same(digits):
        out.problems.append(
            _("'%(n)s' is not a national number (one digit repeated)") % {"n": number}
        )
    else:
        out.number, out.format = digits, "SYR national number (11 digits)"


def _iraqi_national_id(number: str, out: DocumentCheck) -> None:
    compact = _compact(number).upper()
    if compact.isdecimal() and len(compact) == 12 and not _all_same(compact):
        out.number, out.format = compact, "IRQ unified card national number (12 digits)"
    elif _LATIN_NUMBER.match(compact) and len(compact) == 9 and any(c.isdigit() for c in compact):
        out.number, out.format = compact, "IRQ unified card document number (9 characters)"
    elif compact.isdecimal() and 4 <= len(compact) <= 10 and not _all_same(compact):
        out.number, out.format = compact, "IRQ civil status ID number"
    else:
        out.problems.append(
            _(
                "'%(n)s' is not an Iraqi ID number (unified card: 12-digit national number or "
                "9-character card number; civil status ID: up to 10 digits)"
            )
            % {"n": number}
        )


def _registry_reference(number: str, out: DocumentCheck) -> None:
    if not _REFERENCE.match(number) or "_" in number:
        out.problems.append(
            _("'%(n)s' is not a civil-registry reference (letters, digits, spaces and / - . only)")
            % {"n": number}
        )
    elif not re.search(r"\d", number):
        out.problems.append(
            _(
                "'%(n)s' has no record number (e.g. Hasakah / Qamishli / 1234, or register 12 "
                "page 34)"
            )
            % {"n": number}
        )
    else:
        out.format = "civil-registry reference (place and record)"


def check_document_number(doc_type: str, issuing_country: str, number: str) -> DocumentCheck:
    """Check a document number typed for a Muster document type (``IdentityDocument.Kind`` value).

    >>> check_document_number("national_id", "SYR", "٠١٠٢٠٣٠٤٠٥٦").number
    '01020304056'
    >>> check_document_number("national_id", "SYR", "123").problems
    ["'123' is not a Syrian national number (11 digits, as on the ID card)"]
    """
    number = ascii_digits((number or "").strip())
    out = DocumentCheck(number)
    if not number:
        out.problems.append(_("is empty"))
        return out
    if len(number) > 60:
        out.problems.append(_("is too long (%(n)d characters; at most 60)") % {"n": len(number)})
        return out
    country = (issuing_country or "").strip().upper()
    if doc_type == "national_id" and country == "SYR":
        _syrian_national_number(number, out)
    elif doc_type == "national_id" and country == "IRQ":
        _iraqi_national_id(number, out)
    elif doc_type == "family_booklet":
        _registry_reference(number, out)
    elif not _REFERENCE.match(number) or "_" in number or not re.search(r"[^\W_]", number):
        out.problems.append(
            _("'%(n)s' is not a document number (letters, digits, / - . only)") % {"n": number}
        )
    return out


def fill_from_mrz(doc: dict) -> str:
    """A document given by its machine-readable zone alone (the form's script did not fill it in)
    takes its type, number and issuing state from the zone. Returns why the zone cannot be read,
    or ``""``; its check digits are verified when the household is saved (``check_documents``)."""
    from muster.intake.mrz import MRZError, parse_mrz

    text = str(doc.get("mrz") or "").strip()
    if not text or (doc.get("number") and doc.get("doc_type")):
        return ""
    try:
        read = parse_mrz(text[:400]).document_fields()
    except MRZError as exc:
        return _("unreadable: %(e)s") % {"e": mrz_message(exc)}
    for key in ("doc_type", "number", "issuing_country", "expires_on"):
        doc[key] = doc.get(key) or read[key]
    return ""


def _check_field_labels() -> dict[str, str]:
    return {
        "document_number": _("Document number"),
        "date_of_birth": _("Date of birth"),
        "expiry": _("Expiry"),
        "optional_data": _("Optional data"),
        "composite": _("Composite (the whole line)"),
    }


def failed_check_message(check, number: str = "") -> str:
    """A failed check digit of an MRZ (:class:`muster.intake.mrz.Check`) in the officer's language:
    which field, the digit in the zone, the digit its data gives; for the document number, the
    look-alike characters to compare with the printed document (``number``)."""
    from muster.intake.mrz.repairs import look_alikes

    label = _check_field_labels().get(check.field, check.field)
    text = _(
        "%(field)s: the zone has the check digit '%(found)s', its data gives '%(expected)s'"
    ) % {
        "field": label,
        "found": check.found,
        "expected": check.expected,
    }
    shown = look_alikes(number) if check.field == "document_number" and number else []
    if shown:
        text += " " + _("Compare %(chars)s in %(number)s with the printed document.") % {
            "chars": isolate(", ".join(shown)),  # "0, 1, 2" read "2 ,1 ,0" in Arabic
            "number": isolate(number),
        }
    return text


def _mrz_field_labels() -> dict[str, str]:
    return {
        **_check_field_labels(),
        "document_code": _("Document code"),
        "issuing_state": _("Issuing country"),
        "nationality": _("Nationality"),
        "name": _("Name"),
        "sex": _("Sex"),
    }


def mrz_field_label(name: str) -> str:
    """A field of the zone as the officer reads it: ``date_of_birth`` -> "Date of birth", and
    ``date_of_birth check digit`` -> "check digit of Date of birth"."""
    labels = _mrz_field_labels()
    if name.endswith(" check digit"):
        covered = name.removesuffix(" check digit")
        return _("check digit of %(field)s") % {"field": labels.get(covered, covered)}
    return labels.get(name, name)


def mrz_document_type(kind: str) -> str:
    """What the zone's document code says the document is, in the officer's language."""
    labels = {
        "passport": _("Passport"),
        "id_card": _("Identity card"),
        "visa": _("Visa"),
        "other": _("Other"),
    }
    return labels.get(kind, kind)


def mrz_message(message: object) -> str:
    """A message of the MRZ reader in the officer's language: a problem or a note of a zone
    (:class:`muster.intake.mrz.Text`) or why it cannot be read (:class:`~muster.intake.mrz.MRZError`).
    The reader keeps to English and free of Django; its templates are msgids of this catalogue.
    The characters of the zone it quotes are kept whole inside a right-to-left sentence."""
    text = getattr(message, "text", message)
    template = getattr(text, "template", None)
    if template is None:
        return str(text)
    params = {}
    for key, value in text.params.items():
        if hasattr(value, "template"):
            params[key] = mrz_message(value)
        elif key == "field":
            params[key] = mrz_field_label(value)
        else:
            params[key] = isolate(value) if isinstance(value, str) else value
    return _(template) % params if params else _(template)
