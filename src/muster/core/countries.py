"""Country names for the ISO 3166-1 alpha-3 codes Muster stores (nationality, a document's issuing
state), in the reader's language: an officer reads "العراق (IRQ)", not a bare code. The codes a
reception point meets most (the evacuees' and the foreign fighters' countries, and ICAO 9303's
codes for a stateless person and a refugee) are the forms' list, translated with the interface;
every other ISO 3166-1 country is named from ``country_table`` (CLDR's names in the four
languages), ICAO's other codes of a status here; a code named nowhere is shown as it is."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from muster.core.country_table import ISO_NAMES

# In the order the registration form offers them (its datalist).
NAMES = {
    "SYR": gettext_lazy("Syria"),
    "IRQ": gettext_lazy("Iraq"),
    "TUR": gettext_lazy("Türkiye"),
    "JOR": gettext_lazy("Jordan"),
    "LBN": gettext_lazy("Lebanon"),
    "SAU": gettext_lazy("Saudi Arabia"),
    "EGY": gettext_lazy("Egypt"),
    "TUN": gettext_lazy("Tunisia"),
    "MAR": gettext_lazy("Morocco"),
    "DZA": gettext_lazy("Algeria"),
    "LBY": gettext_lazy("Libya"),
    "YEM": gettext_lazy("Yemen"),
    "PSE": gettext_lazy("Palestine"),
    "IRN": gettext_lazy("Iran"),
    "AFG": gettext_lazy("Afghanistan"),
    "PAK": gettext_lazy("Pakistan"),
    "RUS": gettext_lazy("Russia"),
    "UZB": gettext_lazy("Uzbekistan"),
    "TJK": gettext_lazy("Tajikistan"),
    "KAZ": gettext_lazy("Kazakhstan"),
    "KGZ": gettext_lazy("Kyrgyzstan"),
    "AZE": gettext_lazy("Azerbaijan"),
    "CHN": gettext_lazy("China"),
    "IDN": gettext_lazy("Indonesia"),
    "FRA": gettext_lazy("France"),
    "DEU": gettext_lazy("Germany"),
    "BEL": gettext_lazy("Belgium"),
    "NLD": gettext_lazy("Netherlands"),
    "SWE": gettext_lazy("Sweden"),
    "GBR": gettext_lazy("United Kingdom"),
    "USA": gettext_lazy("United States"),
    "XXA": gettext_lazy("Stateless"),
    "XXB": gettext_lazy("Refugee"),
}


# ICAO 9303's other codes of no country that a machine-readable zone writes (XXA and XXB are in
# the forms' list).
STATUS_NAMES = {
    "XXC": gettext_lazy("Refugee (other)"),
    "XXX": gettext_lazy("Nationality unspecified"),
    "UNK": gettext_lazy("Resident of Kosovo (UNMIK)"),
}
# The interface's languages as the columns of ``ISO_NAMES``.
_COLUMN = {"en": 0, "ar": 1, "ckb": 2, "kmr": 3}


def _name(code: str) -> str | None:
    name = NAMES.get(code) or STATUS_NAMES.get(code)
    if name is not None:
        return str(name)
    names = ISO_NAMES.get(code)
    if names is None:
        return None
    return names[_COLUMN.get((get_language() or "en").split("-")[0], 0)]


def all_names() -> dict[str, tuple[str, ...]]:
    """Every code named here with its names in all the interface's languages (for reading a
    typed name back into its code): the forms' list first."""
    out: dict[str, list[str]] = {}
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            for code in (*NAMES, *STATUS_NAMES, *ISO_NAMES):
                out.setdefault(code, []).append(_name(code) or code)
    return {code: tuple(names) for code, names in out.items()}


def country_name(code: str | None) -> str:
    """``code`` in the reader's language with the code beside it ("Iraq (IRQ)", "Argentina
    (ARG)"); a code not named here as it is; an empty one as an empty string."""
    code = (code or "").strip().upper()
    name = _name(code)
    if name is None:
        return code
    return _("%(name)s (%(code)s)") % {"name": name, "code": code}


def choices() -> list[tuple[str, str]]:
    """(code, name in the reader's language) for a form's list of countries."""
    return [(code, str(name)) for code, name in NAMES.items()]
