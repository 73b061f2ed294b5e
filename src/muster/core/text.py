"""Text for right-to-left pages: a value of the other direction set apart so it keeps its order."""

from django.utils.translation import get_language_bidi

FSI, PDI = "\u2068", "\u2069"  # first-strong isolate ... pop directional isolate (Unicode bidi)


def isolate(value: object) -> str:
    """``value`` as text that a right-to-left sentence cannot reorder ("Bus 1", "2026-11-21 14:05",
    "Reception point 1 (Baghouz)"), like an HTML <bdi>; unchanged in a left-to-right language, so
    English text and logs carry no invisible characters."""
    text = "" if value is None else str(value)
    if not text or not get_language_bidi():
        return text
    return f"{FSI}{text}{PDI}"
