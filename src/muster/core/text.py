"""Text for right-to-left pages: a value of the other direction set apart so it keeps its order."""

from collections.abc import Mapping

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi

# The field holding a place's name as the readers of a language write it, by language: Arabic
# readers get "مخيم الهول", Sorani readers "کەمپی هەول" (not the Arabic name: Arabic words),
# Kurmanji readers "Kampa Holê"; a place without that name is shown by its name as registered.
LOCAL_NAME_FIELDS = {"ar": "name_ar", "ckb": "name_ckb", "kmr": "name_kmr"}

FSI, PDI = "\u2068", "\u2069"  # first-strong isolate ... pop directional isolate (Unicode bidi)

# A question whose count only the browser knows (how many are ticked as it is sent) is written
# once for each of the browser's plural categories (CLDR's, as Intl.PluralRules names them), by
# ngettext with a count of that category, and the page's script says the one its count falls in
# (muster.js, counted()): one person reads singular, two dual, in every language. Each count is
# one whose form in the catalogues' Plural-Forms is the form of every count of its category, in
# each language Muster speaks: Arabic's six (zero; one; two; few, 3-10; many, 11-99; other: 100,
# 101, 102 ...), English's and Kurdish's two (one; other, whose 0, 2, 3, 11 are here too).
PLURAL_SAMPLES = (("zero", 0), ("one", 1), ("two", 2), ("few", 3), ("many", 11), ("other", 100))


def isolate(value: object) -> str:
    """``value`` as text that a right-to-left sentence cannot reorder ("Bus 1", "2026-11-21 14:05",
    "Reception point 1 (Baghouz)"), like an HTML <bdi>; unchanged in a left-to-right language, so
    English text and logs carry no invisible characters."""
    text = "" if value is None else str(value)
    if not text or not get_language_bidi():
        return text
    return f"{FSI}{text}{PDI}"


def with_example(text: str, example: str) -> SafeString:
    """A help text (``text``, holding ``%(example)s``) with its example, a date or a code, as a
    left-to-right run of its own that does not break: in an Arabic sentence an example date
    isolated in the text still broke at its hyphens, "-2014 / 08-15" on two lines. Every help text
    with an example shows it so (<bdi dir="ltr" class="nowrap">)."""
    run = format_html('<bdi dir="ltr" class="nowrap">{}</bdi>', example)
    return mark_safe(conditional_escape(str(text)) % {"example": run})


def local_name(place: object) -> str:
    """A place's name for the reader (a model instance or a dict with ``name`` and the fields of
    :data:`LOCAL_NAME_FIELDS`): its name in the reader's language when it has one, else the name as
    registered (one rule for every page, chart and printout)."""
    if isinstance(place, Mapping):
        get = place.get
    else:

        def get(key: str, default: str = "") -> object:
            return getattr(place, key, default)

    field = LOCAL_NAME_FIELDS.get((get_language() or "").split("-")[0])
    return str((get(field, "") if field else "") or get("name", "") or "")
