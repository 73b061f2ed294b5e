"""Text for right-to-left pages: a value of the other direction set apart so it keeps its order."""

from django.utils.translation import get_language, get_language_bidi

# The languages whose readers get a place's Arabic name where it has one. Not Sorani: the Arabic
# name is Arabic words (مخيم, not کەمپ); Sorani readers get the facility's Sorani name (کەمپی
# هەول), or the name as registered when it has none.
ARABIC_NAME_LANGUAGES = ("ar",)
SORANI_NAME_LANGUAGES = ("ckb",)

FSI, PDI = "\u2068", "\u2069"  # first-strong isolate ... pop directional isolate (Unicode bidi)


def isolate(value: object) -> str:
    """``value`` as text that a right-to-left sentence cannot reorder ("Bus 1", "2026-11-21 14:05",
    "Reception point 1 (Baghouz)"), like an HTML <bdi>; unchanged in a left-to-right language, so
    English text and logs carry no invisible characters."""
    text = "" if value is None else str(value)
    if not text or not get_language_bidi():
        return text
    return f"{FSI}{text}{PDI}"


def local_name(name: str, name_ar: str, name_ckb: str = "") -> str:
    """A place's name for the reader: its Arabic name in the Arabic UI, its Sorani name in the
    Sorani UI, when it has one; else the name as registered (one rule for every page, chart and
    printout)."""
    language = (get_language() or "").split("-")[0]
    if name_ar and language in ARABIC_NAME_LANGUAGES:
        return name_ar
    if name_ckb and language in SORANI_NAME_LANGUAGES:
        return name_ckb
    return name
