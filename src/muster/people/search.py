"""Person search: name keys across Arabic script and Latin spellings, and the one query filter that
the web pages and the API both use (registration number, document number, name words).

Until the identity library's normaliser is wired in, this is a deliberately simple key: Arabic script
is transliterated to a consonant skeleton, Latin spellings are folded the same way (vowels dropped,
common consonant variants merged, doubled letters collapsed, particles removed).
"""

import re
import unicodedata

from anyascii import anyascii
from django.db.models import Q, QuerySet

_ARABIC = re.compile("[\u0600-\u06ff]")
_PARTICLES = re.compile(r"^(al|el|ul|il)[- ]?|\b(al|el|bin|ibn|ben|bint)\b[- ]?")
_ARABIC_ARTICLE = re.compile(r"(^|\s)\u0627\u0644")
_COMPOUND = re.compile(r"\babd\s*-?\s*(?:al|el|ul|ol|u|ar|ur|an|as|ad)?\s*-?\s*")
_FOLD = [
    ("ph", "f"),
    ("kh", "k"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("sh", "s"),
    ("ch", "s"),
    ("q", "k"),
    ("j", "g"),
    ("z", "s"),
    ("ou", "u"),
    ("ee", "i"),
]


def name_part_key(text: str) -> str:
    """A coarse key for one name part: Mohammed, Muhammad, Mohamad and محمد share 'mmd'."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    if _ARABIC.search(text):
        text = _ARABIC_ARTICLE.sub(r"\1", text).replace("\u0629", "")  # teh marbuta: a vowel
    latin = anyascii(text).lower() if not text.isascii() else text.lower()
    latin = re.sub(r"[^a-z ]+", " ", latin)
    latin = _COMPOUND.sub("abd", latin.strip())
    latin = _PARTICLES.sub("", latin)
    latin = latin.replace(" ", "")
    for a, b in _FOLD:
        latin = latin.replace(a, b)
    latin = re.sub(r"[aeiouwy]", "", latin)
    latin = re.sub(r"(.)\1+", r"\1", latin)
    return latin


def person_name_key(given: str, father: str = "", grandfather: str = "", family: str = "") -> str:
    """Space-joined part keys, stored on Person.name_key for search."""
    return " ".join(name_part_key(p) for p in (given, father, grandfather, family))


def query_keys(query: str) -> list[str]:
    """Keys of the words of a free-text search query, in order."""
    words = re.split(r"\s+", unicodedata.normalize("NFKC", query).strip())
    # Re-join "al X" / "abd al X" so the particle does not become a word of its own.
    keys = [name_part_key(w) for w in words if w]
    return [k for k in keys if k]


def name_condition(query: str) -> Q | None:
    """Every word of ``query`` must start one of the name parts (by key); ``None`` if no word has a key.

    So "Mohamed Alobaidi" finds "Muhammad Jasim al-Obeidi" and "محمد" finds both spellings.
    """
    keys = query_keys(query or "")
    if not keys:
        return None
    cond = Q()
    for key in keys:
        cond &= Q(name_key__startswith=key) | Q(name_key__contains=" " + key)
    return cond


def filter_by_name(qs: QuerySet, query: str) -> QuerySet:
    """Persons in ``qs`` whose names match every word of ``query`` (none if it has no name word)."""
    cond = name_condition(query)
    return qs.filter(cond) if cond is not None else qs.none()


def filter_by_query(qs: QuerySet, query: str, *, match_documents: bool) -> QuerySet:
    """Persons in ``qs`` matching ``query``: registration number exactly, document number exactly
    (only when ``match_documents``: finding someone by a document number reveals the document, so
    roles that may not see documents do not get that match), or every word by name key.

    An empty query filters nothing.
    """
    query = (query or "").strip()
    if not query:
        return qs
    exact = {query, query.upper()}
    cond = Q(number__in=exact)
    if match_documents:
        cond |= Q(documents__number__in=exact)
    if (by_name := name_condition(query)) is not None:
        cond |= by_name
    return qs.filter(cond).distinct()
