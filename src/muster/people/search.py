"""Person search: the stored name key and the one query filter that the web pages, the reception
duplicate warning and the API all use (registration number, document number, name words).

Names are keyed by the identity library's normaliser (:func:`muster.identity.normalise_name`), the
same one screening matches with, so a spelling that screening treats as the same name is found here
too: "Abd al-Rahman", "Abdel Rahman", "Abdulrahman" and "عبد الرحمن" share a key.
"""

from collections import namedtuple
from functools import lru_cache
from itertools import combinations

from django.db.models import Q, QuerySet

from muster.core.numbering import ALPHABET
from muster.identity import (
    PersonCsvError,
    ScreeningIndex,
    name_level,
    normalise_name,
    transliterate,
)

# A query of more words is searched by its first words: every grouping of them into name parts is
# tried (2 ** (n - 1) groupings), and no name has more than a handful of parts.
MAX_QUERY_WORDS = 6
_NAME_KEY_LENGTH = 600  # Person.name_key
_LEADING_ARTICLES = ("al", "el")
NUMBER_CHARS = set(ALPHABET) | {"P"}


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


# A registration number read out in part ("P7K3M", "7K3M9"): at least this many characters of the
# numbering alphabet (muster.core.numbering), and a digit or the person prefix, so that a name typed
# is not also taken for a number.
MIN_NUMBER_PREFIX = 4
PERSON_PREFIX = "P"


def _number_prefix(query: str) -> str:
    """``query`` as the start of a registration number, upper-cased; "" if it cannot be one."""
    text = (query or "").strip().upper().replace("-", "")
    if len(text) < MIN_NUMBER_PREFIX or not set(text) <= NUMBER_CHARS:
        return ""
    if not (text.startswith(PERSON_PREFIX) or any(c.isdigit() for c in text)):
        return ""
    return text


def number_prefix_condition(query: str) -> Q:
    """Persons whose registration number starts with ``query`` (with or without its "P")."""
    text = _number_prefix(query)
    if not text:
        return Q(pk__in=[])
    return Q(number__startswith=text) | Q(number__startswith=PERSON_PREFIX + text)


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
    cond = Q(number__in=exact) | number_prefix_condition(query)
    if match_documents:
        # The holders' ids, read first (an index lookup): not a join, which would repeat a person
        # per document and need DISTINCT (the database then reads every match before it can stop
        # at the first page), nor a subquery, which the planner cannot combine with the name
        # indexes (it reads the whole table instead).
        from muster.people.models import IdentityDocument

        holders = IdentityDocument.objects.filter(number__in=exact).values_list("person_id")
        cond |= Q(pk__in=[pk for (pk,) in holders])
    if (by_name := name_condition(query)) is not None:
        cond |= by_name
    return qs.filter(cond)


# --- ranking ------------------------------------------------------------------------------------

# Where each typed word is expected: the first is the given name, the last (of two or more) the
# family name, those between the father's and grandfather's names, the order a name is said in.
_PART_OF = {"given_name": "given", "father_name": "given", "grandfather_name": "given"}
_ARTICLES = {"al", "el", "ال"}
# A word that agrees with a name part other than the one its position says: still a good sign,
# but a person whose parts agree in order ranks first.
OUT_OF_PLACE = 0.8


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


def _expected_parts(i: int, n: int) -> tuple[str, ...]:
    if i == 0:
        return ("given_name",)
    if i == n - 1:
        return ("family_name",)
    return ("father_name", "grandfather_name")[i - 1 : i] or ("grandfather_name",)


# Names repeat across a registry (a million persons share a few thousand given names): the level of
# a typed word against a stored name part is worked out once per process.
@lru_cache(maxsize=200_000)
def _level(word: str, value: str, kind: str) -> int:
    return name_level(normalise_name(word, kind), normalise_name(value, kind)).code


def closeness(person, query: str) -> float:
    """How close ``person`` is to what was typed, 0..1: 1 for the registration number (or its
    start), else the mean over the typed words of the identity library's name agreement level
    (exact, transliteration, Arabic-script equivalent, typo: :func:`muster.identity.name_level`)
    with the person's name parts, full weight when the word sits where that part is said."""
    return _closeness_to(query)(person)


_CLOSENESS_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name", "alias")


def _closeness_to(query: str):
    """:func:`closeness` to ``query`` as a function of the person: what depends on the query
    alone (the number prefix, the words and where each is expected) is worked out once."""
    exact = (query or "").strip().upper()
    prefix = _number_prefix(query)
    starts = (prefix, PERSON_PREFIX + prefix) if prefix else None
    words = query_words(query)
    plan = [
        (
            word,
            [
                (field, _PART_OF.get(field, "family"), field in _expected_parts(i, len(words)))
                for field in _CLOSENESS_FIELDS
            ],
        )
        for i, word in enumerate(words)
    ]

    def score(person) -> float:
        number = person.number.upper()
        if exact == number or (starts and number.startswith(starts)):
            return 1.0
        if not plan:
            return 0.0
        total = 0.0
        for word, fields in plan:
            best = 0.0
            for field, kind, expected in fields:
                value = getattr(person, field, "") or ""
                if not value:
                    continue
                level = _level(word, value, kind)
                if level <= 0:
                    continue
                best = max(best, level / 4 * (1.0 if expected else OUT_OF_PLACE))
            total += best
        return round(total / len(plan), 4)

    return score


# The typed words as the name parts of a person record, in the order a name is said: the first the
# given name, the last the family name, those between the father's and grandfather's names.
_QUERY_PARTS = {
    2: ("given_name", "family_name"),
    3: ("given_name", "father_name", "family_name"),
    4: ("given_name", "father_name", "grandfather_name", "family_name"),
}


def query_record(query: str) -> dict[str, str] | None:
    """The typed name as a person record for the identity model; ``None`` for a single word (the
    model compares persons, and one name part says too little to score)."""
    words = query_words(query)
    if len(words) < 2:
        return None
    if len(words) > 4:
        words = [*words[:3], " ".join(words[3:])]
    record = {"record_id": "query", "source": "search"}
    record.update(zip(_QUERY_PARTS[len(words)], words, strict=True))
    return record


def _person_record(person) -> dict[str, str]:
    dob = person.date_of_birth
    return {
        "record_id": str(person.pk),
        "source": "registry",
        **{f: getattr(person, f, "") or "" for f in (*NAME_FIELDS, "mother_name", "alias")},
        "sex": person.sex if person.sex in ("M", "F") else "",
        "date_of_birth": dob.isoformat() if dob else "",
        "birth_year": str(dob.year if dob else person.birth_year or ""),
    }


NAME_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name")

#: What ranking reads of a candidate (:func:`rank`): search reads only these for its candidates
#: (up to two thousand) and the whole record for the page it shows.
RANK_FIELDS = (
    "id",
    "number",
    *NAME_FIELDS,
    "mother_name",
    "alias",
    "sex",
    "date_of_birth",
    "birth_year",
)


class Candidate(namedtuple("CandidateFields", RANK_FIELDS)):
    """A person as ranking sees them (:data:`RANK_FIELDS`), read without building a model."""

    __slots__ = ()

    @property
    def pk(self) -> int:
        return self.id


def candidates(qs: QuerySet, limit: int) -> list[Candidate]:
    """The first ``limit`` persons of ``qs`` as :class:`Candidate` records."""
    return [Candidate._make(row) for row in qs.values_list(*RANK_FIELDS)[:limit]]


def model_weights(persons, query: str) -> dict[int, float]:
    """The identity model's match weight (log2 odds, :class:`muster.identity.ScreeningIndex`) of
    the typed name against each person it pairs with; persons it does not pair are left out."""
    record = query_record(query)
    if record is None or not persons:
        return {}
    index = ScreeningIndex()
    for person in persons:
        try:
            index.add(_person_record(person))
        except PersonCsvError:
            continue  # a record the model cannot read is ranked by closeness alone
    try:
        candidates = index.candidates(record, limit=len(persons))
    except PersonCsvError:
        return {}
    return {int(c.record_id): c.score for c in candidates}


def rank(persons, query: str) -> list[tuple[float, object]]:
    """``persons`` best first for what was typed, each with its closeness (0..1, shown).

    The registration number (or its start) first; then the persons the identity model pairs the
    typed name with, by its match weight; then the others. Within equal weights (a name alone
    weighs the same for an exact and a transliterated match), the closer name first."""
    weights = model_weights(persons, query)
    close = _closeness_to(query)
    scored = [(close(p), p) for p in persons]
    number_hit = _number_prefix(query) or (query or "").strip()

    def key(sp):
        score, person = sp
        is_number = score == 1.0 and person.number.upper().startswith(
            (number_hit.upper(), PERSON_PREFIX + number_hit.upper())
        )
        weight = weights.get(person.pk)
        return (not is_number, weight is None, -(weight or 0.0), -score, person.number)

    return sorted(scored, key=key)


def every_word_condition(query: str) -> Q | None:
    """Persons with a name part starting with each typed word, word by word: the closest tier of
    :func:`name_condition` (which also lets two words form one name, "Abd al-Rahman"), read first so
    that in a large registry looser matches never crowd the close ones out of the ranked set."""
    words = query_words(query)
    if not words:
        return None
    cond = Q()
    for word in words:
        tokens = group_tokens([word])
        if not tokens:
            return None
        cond &= _token_condition(tokens)
    return cond


def partial_name_condition(query: str) -> Q | None:
    """Persons matching the last of two or more typed name words, the family name as a rule: near
    misses ranked below full matches ("محمد العبيدي" still lists the al-Obaidi family)."""
    words = query_words(query)
    if len(words) < 2:
        return None
    tokens = group_tokens(words[-1].split())
    return _token_condition(tokens) if tokens else None


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
        shown = _transliterated(value, _PART_OF.get(field, "family"))
        if not shown:
            return ""
        parts.append(shown)
    return " ".join(parts)
