"""Person search: the stored name key and the one query filter that the web pages, the reception
duplicate warning and the API all use (registration number, document number, name words).

Names are keyed by the identity library's normaliser (:func:`muster.identity.normalise_name`), the
same one screening matches with, so a spelling that screening treats as the same name is found here
too: "Abd al-Rahman", "Abdel Rahman", "Abdulrahman" and "عبد الرحمن" share a key.
"""

from itertools import combinations

from django.db.models import Q, QuerySet

from muster.identity import normalise_name

# A query of more words is searched by its first words: every grouping of them into name parts is
# tried (2 ** (n - 1) groupings), and no name has more than a handful of parts.
MAX_QUERY_WORDS = 6
_NAME_KEY_LENGTH = 600  # Person.name_key
_LEADING_ARTICLES = ("al", "el")


def name_tokens(text: str, part: str = "given") -> list[str]:
    """The searchable keys of one name part: both phonetic keys and the canonical spelling."""
    key = normalise_name(text or "", part)
    tokens = (key.key1, key.key2, key.canon)
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


def _tokens(text: str, parts: tuple[str, ...]) -> list[str]:
    return [
        t for spelling in _spellings(text) for part in parts for t in name_tokens(spelling, part)
    ]


def person_name_key(given: str, father: str = "", grandfather: str = "", family: str = "") -> str:
    """The tokens of every name part, space-joined: stored on Person.name_key for search."""
    tokens: list[str] = []
    for text in (given, father, grandfather):
        tokens += _tokens(text or "", ("given",))
    tokens += _tokens(family or "", ("family", "given"))
    return " ".join(dict.fromkeys(tokens))[:_NAME_KEY_LENGTH]


def group_tokens(words: list[str]) -> list[str]:
    """The keys one group of query words may stand for (one name part typed as one or more words)."""
    return list(dict.fromkeys(_tokens(" ".join(words), ("given", "family"))))


def _groupings(words: list[str]):
    """Every way of cutting ``words`` into consecutive groups (each group one name part)."""
    n = len(words)
    for k in range(n):
        for cuts in combinations(range(1, n), k):
            bounds = (0, *cuts, n)
            yield [words[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _token_condition(tokens: list[str]) -> Q:
    cond = Q()
    for token in tokens:
        cond |= Q(name_key__startswith=token) | Q(name_key__contains=" " + token)
    return cond


def name_condition(query: str) -> Q | None:
    """Every name part typed (one or more words each) must start a key of one of the person's name
    parts; ``None`` if the query has no name in it.

    So "Mohamed Alobaidi" finds "Muhammad Jasim al-Obeidi", "محمد" finds both spellings and
    "Abd al-Rahman" finds the person registered as "Abdulrahman".
    """
    words = (query or "").split()[:MAX_QUERY_WORDS]
    if not words:
        return None
    cache: dict[tuple[str, ...], list[str]] = {}
    cond, found = Q(), False
    for grouping in _groupings(words):
        groups = []
        for group in grouping:
            key = tuple(group)
            if key not in cache:
                cache[key] = group_tokens(group)
            groups.append(cache[key])
        if not all(groups):
            continue  # a group with no name in it ("123") cannot match a name part
        branch = Q()
        for tokens in groups:
            branch &= _token_condition(tokens)
        cond |= branch
        found = True
    return cond if found else None


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
