"""What the tracing pages' forms share: the request fields with their labels and help, reading a
posted request, the side-by-side rows of a request and a registered person."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from muster.core.text import isolate, with_example
from muster.identity import transliterate
from muster.people.models import Sex
from muster.web.forms import FIELD_LABELS

# (field, label, help, input) in the order of the form; input: text, textarea, number, date, sex.
REQUEST_FORM = (
    ("given_name", FIELD_LABELS["given_name"],
     _("As the family gives it, in any script or spelling"), "text"),
    ("father_name", FIELD_LABELS["father_name"], "", "text"),
    ("grandfather_name", FIELD_LABELS["grandfather_name"],
     _("Often remembered by a child when the father's name is not"), "text"),
    ("family_name", FIELD_LABELS["family_name"], "", "text"),
    ("mother_name", FIELD_LABELS["mother_name"],
     _("Weighs most: a child renamed by captors usually still knows the mother's name"), "text"),
    ("other_names", _("Other names"),
     _("Nicknames, and names given by captors if known (e.g. Aisha); separate with ;"), "textarea"),
    ("sex", FIELD_LABELS["sex"], "", "sex"),
    ("birth_year", FIELD_LABELS["birth_year"],
     _("Leave empty if unknown and give the age at separation instead"), "number"),
    ("age_at_separation", _("Age at separation"),
     _("Age at separation if the birth year is unknown, in whole years; needs the date of separation"),
     "number"),
    ("separation_date", _("Date of separation"),
     _("When the person was taken or lost, e.g. %(example)s"), "date"),
    ("separation_place", _("Place of separation"),
     _("Village or town, in any spelling (Kocho, Kojo, كوجو)"), "text"),
    ("separation_pcode", _("P-code of the place"), _("If known, e.g. %(example)s"), "text"),
    ("distinguishing_marks", _("Distinguishing marks"),
     _("Scars, birthmarks, tattoos, anything a relative would recognise"), "textarea"),
    ("requester_name", _("Requester's name"), _("Who asks: confidential"), "text"),
    ("requester_relationship", _("Requester's relationship"),
     _("To the person sought, e.g. mother, brother, uncle"), "text"),
    ("requester_contact", _("Requester's contact"),
     _("Phone or address; shown to tracing caseworkers only"), "text"),
    ("office", _("Office"), _("The office that received the request"), "text"),
    ("notes", _("Notes"), "", "textarea"),
)  # fmt: skip
FORM_FIELDS = tuple(f[0] for f in REQUEST_FORM)
LABELS = {name: label for name, label, _help, _input in REQUEST_FORM}
# The examples in the help texts, each shown as one left-to-right run (core.text.with_example).
EXAMPLES = {"separation_date": "2014-08-15", "separation_pcode": "IQ-G05-D0035"}


def posted_request(data) -> dict[str, str]:
    """The request fields of a posted form, as text (the service checks them)."""
    return {name: str(data.get(name, ""))[:6000] for name in FORM_FIELDS}


def initial(req) -> dict[str, str]:
    """A stored request as the form shows it."""
    out = {}
    for name in FORM_FIELDS:
        value = getattr(req, name)
        out[name] = (
            "" if value is None else value.isoformat() if name.endswith("date") else str(value)
        )
    return out


def form_rows(values: dict, errors: dict[str, list[str]]) -> list[dict]:
    return [
        {"name": name, "label": label, "input": kind,
         "help": with_example(help_text, EXAMPLES[name]) if name in EXAMPLES else help_text,
         "value": values.get(name, ""), "errors": errors.get(name, [])}
        for name, label, help_text, kind in REQUEST_FORM
    ]  # fmt: skip


# The matcher's explanation, field by field (its keys and level words are stable strings).
EXPLAINED_FIELDS = (
    ("given_name", FIELD_LABELS["given_name"]),
    ("father_name", FIELD_LABELS["father_name"]),
    ("grandfather_name", FIELD_LABELS["grandfather_name"]),
    ("family_name", FIELD_LABELS["family_name"]),
    ("mother_name", FIELD_LABELS["mother_name"]),
    ("sex", FIELD_LABELS["sex"]),
    ("year", _("Birth year (age grown since separation)")),
    ("place", _("Place of separation / of origin")),
)
LEVELS = {
    "agree": _("agree"),
    "close": _("close spelling"),
    "disagree": _("differ"),
    "disagree, community name": _("differ: a name of the same community (another family's)"),
    "missing": _("not known on one side"),
    "same": _("same year"),
    "1 year": _("1 year apart"),
    "2 years": _("2 years apart"),
    "3 years": _("3 years apart"),
    "4 years": _("4 years apart"),
    "5-6 years": _("5-6 years apart"),
    "7+ years": _("7 or more years apart"),
    "same place": _("same place"),
    "same district": _("same district"),
    "other": _("other place"),
}
READINGS = {"birth name": _("under the birth name"), "renamed": _("renamed (captors' names)")}
_NAME_KIND = {"family_name": "family"}


@dataclass
class CompareRow:
    field: str
    label: str
    request: str
    request_other: str
    person: str
    person_other: str
    level: str
    how: str
    weight: float | None

    @property
    def strength(self) -> str:
        if self.weight is None:
            return ""
        return "strong" if self.weight >= 3 else "weak" if self.weight > 0 else "against"


def _other(value: str, field: str) -> str:
    if field not in {"given_name", "father_name", "grandfather_name", "family_name", "mother_name"}:
        return ""
    shown = transliterate(value, _NAME_KIND.get(field, "given")) if value else ""
    return shown if shown and shown != value else ""


SEX_LABELS = dict(Sex.choices)
_ALIAS = re.compile(r"\(alias ([^)]+)\)$")
_AGE = re.compile(r"^age (\d+) on (\S+)$")


def _year_only(item: dict, person: str, how: str, age: re.Match | None) -> tuple[str, str]:
    """The year row for a person registered with a birth year only. The matcher compares such a
    year as counted from an estimated age, a year earlier (``ESTIMATE_SHIFT``), so its level
    reads "1 year apart" for "2015" against "2015": the caseworker is told the years as written,
    and how far apart they are, "about" as the registered one is an estimate."""
    registered = str(item.get("registry", ""))
    request = str(item.get("request", ""))
    if not registered.isdigit():
        return person, how
    shown = _("%(year)s (year only)") % {"year": registered}
    if request.isdigit():
        years = {int(request)}
    elif age:  # born in the year of separation less the age, or the year before
        years = {int(age[2][:4]) - int(age[1]), int(age[2][:4]) - int(age[1]) - 1}
    else:
        return shown, how
    apart = min(abs(int(registered) - y) for y in years)
    if apart == 0:
        return shown, str(_("same year"))
    return shown, ngettext("about %(n)s year apart", "about %(n)s years apart", apart) % {
        "n": apart
    }


def compare_rows(explanation: dict, person_values: dict[str, str]) -> list[CompareRow]:
    """The request and the registered person side by side, with the matcher's level and weight
    per field; names also in the other script. ``person_values``: what the reader may see."""
    rows = []
    for field, label in EXPLAINED_FIELDS:
        item = explanation.get(field) or {}
        person = str(item.get("registry", ""))
        alias = _ALIAS.search(person)
        if field in person_values:
            person = person_values[field]
        elif field == "place":
            person = person_values.get("place_of_origin", person)
        request = str(item.get("request", ""))
        try:
            weight = float(item["weight"]) if item.get("level", "missing") != "missing" else None
        except (KeyError, TypeError, ValueError):
            weight = None
        level = str(item.get("level", "missing"))
        age = _AGE.match(request) if field == "year" else None
        if age:  # the matcher's English note of an age at separation, in the reader's language
            request = f"{_('aged %(a)s') % {'a': age[1]}} · {isolate(age[2])}"
        if field == "sex":  # the codes, as the reader says them
            request, person = (str(SEX_LABELS.get(v, v)) for v in (request, person))
        how = str(LEVELS.get(level, level))
        if (
            field == "year"
            and person_values.get("birth_year")
            and not person_values.get("date_of_birth")
        ):
            person, how = _year_only(item, person, how, age)
        other = _other(person, field)
        if alias and field == "given_name" and field in person_values:
            # The request's given name agreed with a name the person also gives (the birth name,
            # kept as an alias): say so, or "Suad" would read as agreeing with "Nazdar".
            person = _("%(name)s (other name: %(alias)s)") % {
                "name": isolate(person),
                "alias": isolate(alias[1]),
            }
        rows.append(
            CompareRow(field, label, request, _other(request, field), person,
                       other, level, how, weight)
        )  # fmt: skip
    return rows


def claimed(explanation: dict) -> dict[str, str] | None:
    """The other open request that claims the same registered person (joint matching), as the
    queue names it: its number, its score in bits and how many bits lower the claim puts this
    request's score ("lowered"; "confident" is judged on the score before it); None when no other
    request does."""
    item = explanation.get("other_request")
    if not item:
        return None
    number, _, bits = str(item.get("registry", "")).partition(" (")
    try:
        lowered = max(0.0, -float(item.get("weight", 0) or 0))
    except ValueError:
        lowered = 0.0
    return {"number": number, "bits": bits.removesuffix(" bits)"), "lowered": f"{lowered:.1f}"}


def summary(explanation: dict) -> list[str]:
    """The fields that agreed, for one line in the candidates queue."""
    out = []
    for field, label in EXPLAINED_FIELDS:
        level = (explanation.get(field) or {}).get("level", "")
        if level in ("agree", "same", "1 year", "same place", "same district", "close"):
            out.append(str(label))
    return out
