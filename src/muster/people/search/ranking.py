"""Ranking the persons found, best first: the registration number, then the identity model's match
weight of the typed name, then the closeness of each typed word to the name part it stands for."""

from collections import namedtuple
from functools import lru_cache

from django.db.models import QuerySet

from muster.identity import PersonCsvError, ScreeningIndex, name_level, normalise_name
from muster.people.search.filters import PERSON_PREFIX, number_prefix
from muster.people.search.keys import NAME_FIELDS, PART_OF, query_words

# A word that agrees with a name part other than the one its position says: still a sign, but
# weaker than the same name in another spelling where it is said (the shown closeness then reads
# in the order the identity model ranks: "Fatima Ali" typed is closer to Fatma Ali than to Ali
# Fatima).
OUT_OF_PLACE = 0.6
# How close a typed word is to a name part, by the identity library's agreement level: another
# spelling or script of the same name is the same name to the reader; a typo is less sure.
LEVEL_CLOSENESS = {4: 1.0, 3: 0.95, 2: 0.95, 1: 0.7}


# Where each typed word is expected: the first is the given name, the last (of two or more) the
# family name, those between the father's and grandfather's names, the order a name is said in.
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
    prefix = number_prefix(query)
    starts = (prefix, PERSON_PREFIX + prefix) if prefix else None
    words = query_words(query)
    plan = [
        (
            word,
            [
                (field, PART_OF.get(field, "family"), field in _expected_parts(i, len(words)))
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
                best = max(
                    best, LEVEL_CLOSENESS.get(level, 0.0) * (1.0 if expected else OUT_OF_PLACE)
                )
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


def rank(persons, query: str, documents=frozenset()) -> list[tuple[float, object]]:
    """``persons`` best first for what was typed, each with its closeness (0..1, shown).

    The registration number (or its start), or a document number (``documents``: the ids of
    the persons holding one that is what was typed), first, at closeness 1; then by the closeness
    shown (to the percent), and within it the persons the identity model pairs the typed name
    with, by its match weight, before the others."""
    weights = model_weights(persons, query)
    close = _closeness_to(query)
    scored = [(1.0 if p.pk in documents else close(p), p) for p in persons]
    number_hit = number_prefix(query) or (query or "").strip()

    def key(sp):
        score, person = sp
        is_number = person.pk in documents or (
            score == 1.0
            and person.number.upper().startswith(
                (number_hit.upper(), PERSON_PREFIX + number_hit.upper())
            )
        )
        weight = weights.get(person.pk)
        # In the order of the closeness shown (to the percent), the model's weight within it: a
        # list read top-down put 28 % above 80 % where the model paired the one and not the other.
        shown = round(score * 100)
        return (not is_number, -shown, weight is None, -(weight or 0.0), -score, person.number)

    return sorted(scored, key=key)
