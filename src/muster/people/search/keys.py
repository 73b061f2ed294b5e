"""The stored name key and the words of a query: each name part keyed by the identity library's
normaliser, both phonetic keys and the canonical spelling; a name shown in the other script."""

from functools import lru_cache

from muster.identity import normalise_name, transliterate

# A query of more words is searched by its first words: every grouping of them into name parts is
# tried (2 ** (n - 1) groupings), and no name has more than a handful of parts.
MAX_QUERY_WORDS = 6
_NAME_KEY_LENGTH = 600  # Person.name_key
_LEADING_ARTICLES = ("al", "el")
# How the normaliser keys each name part (any other part, the family name and alias, as "family").
PART_OF = {"given_name": "given", "father_name": "given", "grandfather_name": "given"}
_ARTICLES = {"al", "el", "ال"}


def name_tokens(text: str, part: str = "given", other_reading: bool = False) -> list[str]:
    """The searchable keys of one name part: both phonetic keys and the canonical spelling; with
    ``other_reading``, also the name as another school writes it (``NameKey.other_reading``: a
    German office's Jasser is Yasser, an Iraqi list's Gasim is Qasim), as screening reads it: for
    the words typed only, the stored keys stay as written."""
    key = normalise_name(text or "", part)
    tokens = (key.key1, key.key2, key.canon, key.other_reading if other_reading else "")
    return list(dict.fromkeys(t.replace(" ", "") for t in tokens if t and t.strip()))


def _spellings(text: str) -> list[str]:
    """``text``, and for one word that starts with the article ("Alobaidi": "al-Obaidi" typed or
    registered without the hyphen) the article-less spelling too, which the normaliser keys apart."""
    spellings = [text]
    word = text.strip()
    if word and " " not in word:
        for article in _LEADING_ARTICLES:
            if word.lower().startswith(article) and len(word) > len(article) + 2:
                spellings.append(f"{article} {word[len(article) :]}")
    return spellings


# Remembered: names repeat (a bulk import keys a hundred thousand persons of a few thousand names).
@lru_cache(maxsize=200_000)
def _tokens(text: str, parts: tuple[str, ...], other_reading: bool = False) -> tuple[str, ...]:
    return tuple(
        t
        for spelling in _spellings(text)
        for part in parts
        for t in name_tokens(spelling, part, other_reading)
    )


def person_name_key(given: str, father: str = "", grandfather: str = "", family: str = "") -> str:
    """The tokens of every name part, space-joined: stored on Person.name_key for search."""
    tokens: list[str] = []
    for text in (given, father, grandfather):
        tokens += _tokens(text or "", ("given",))
    tokens += _tokens(family or "", ("family", "given"))
    return " ".join(dict.fromkeys(tokens))[:_NAME_KEY_LENGTH]


# The name parts a person is keyed by (and ranked on).
NAME_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name")


def rekey_persons(persons, batch: int = 2000) -> int:
    """Store ``person_name_key`` again on each person of the queryset ``persons`` whose stored
    key differs from it (a data migration's, after the keys changed); the number rewritten."""
    model, done, pending = persons.model, 0, []
    for person in persons.only("id", "name_key", *NAME_FIELDS).iterator(chunk_size=batch):
        key = person_name_key(*(getattr(person, f) for f in NAME_FIELDS))
        if key == person.name_key:
            continue
        person.name_key = key
        pending.append(person)
        if len(pending) >= batch:
            model.objects.bulk_update(pending, ["name_key"])
            done, pending = done + len(pending), []
    if pending:
        model.objects.bulk_update(pending, ["name_key"])
    return done + len(pending)


def rekey_persons_named(persons, fragment: str) -> int:
    """``rekey_persons`` on the persons of ``persons`` with a name holding ``fragment`` (any
    case): a data migration's, after the keys of such names changed."""
    from django.db.models import Q

    written = Q()
    for field in NAME_FIELDS:
        written |= Q(**{f"{field}__icontains": fragment})
    return rekey_persons(persons.filter(written))


def group_tokens(words: list[str]) -> list[str]:
    """The keys one group of query words may stand for (one name part typed as one or more words).

    A key of one letter from a longer word ("hhhh", "ااااا" fold to "h", "a") is no name: as the
    start of a key it would find most of the registry.
    """
    typed = " ".join(words)
    tokens = _tokens(typed, ("given", "family"), other_reading=True)
    letters = sum(c.isalpha() for c in typed)
    return list(dict.fromkeys(t for t in tokens if len(t) > 1 or letters <= 2))


def query_words(query: str) -> list[str]:
    """The typed name words, a lone article joined to the name after it ("al Obaidi")."""
    words: list[str] = []
    pending = ""
    for word in (query or "").split()[:MAX_QUERY_WORDS]:
        if word.lower() in _ARTICLES:
            pending = word
            continue
        words.append(f"{pending} {word}" if pending else word)
        pending = ""
    return words


@lru_cache(maxsize=100_000)
def _transliterated(value: str, kind: str) -> str:
    return transliterate(value, kind)


def other_script(person) -> str:
    """The person's name in the other script (see :func:`muster.identity.transliterate`);
    "" when it cannot be given."""
    parts = []
    for field in ("given_name", "father_name", "grandfather_name", "family_name"):
        value = (getattr(person, field, "") or "").strip()
        if not value:
            continue
        shown = _transliterated(value, PART_OF.get(field, "family"))
        if not shown:
            return ""
        parts.append(shown)
    return " ".join(parts)
