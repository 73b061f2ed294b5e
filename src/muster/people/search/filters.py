"""The query filters every door shares: registration number (or its start), document number, name
words by key; and the tiers search reads closest first."""

from itertools import combinations

from django.db.models import Q, QuerySet

from muster.core.numbering import ALPHABET
from muster.identity import ascii_digits
from muster.people.search.keys import MAX_QUERY_WORDS, group_tokens, query_words

NUMBER_CHARS = set(ALPHABET) | {"P"}


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


def number_prefix(query: str) -> str:
    """``query`` as the start of a registration number, upper-cased; "" if it cannot be one."""
    text = (query or "").strip().upper().replace("-", "")
    if len(text) < MIN_NUMBER_PREFIX or not set(text) <= NUMBER_CHARS:
        return ""
    if not (text.startswith(PERSON_PREFIX) or any(c.isdigit() for c in text)):
        return ""
    return text


def number_prefix_condition(query: str) -> Q:
    """Persons whose registration number starts with ``query`` (with or without its "P")."""
    text = number_prefix(query)
    if not text:
        return Q(pk__in=[])
    return Q(number__startswith=text) | Q(number__startswith=PERSON_PREFIX + text)


def filter_by_query(
    qs: QuerySet, query: str, *, match_documents: bool, match_households: bool = False
) -> QuerySet:
    """Persons in ``qs`` matching ``query``: registration number exactly, document number exactly
    (only when ``match_documents``: finding someone by a document number reveals the document, so
    roles that may not see documents do not get that match), household number exactly, every
    member (only when ``match_households``, for the roles that see households: the number on the
    slip is how a family is found to be moved together), or every word by name key.

    An empty query filters nothing.  A number typed in Arabic-Indic digits (٠٤٠١٧٢٠٣٩١٥) is the
    number in ASCII digits, as registration stores it.
    """
    query = ascii_digits((query or "").strip())
    if not query:
        return qs
    exact = {query, query.upper()}
    cond = Q(number__in=exact) | number_prefix_condition(query)
    if match_documents:
        # The holders' ids, read first (an index lookup): not a join, which would repeat a person
        # per document and need DISTINCT (the database then reads every match before it can stop
        # at the first page), nor a subquery, which the planner cannot combine with the name
        # indexes (it reads the whole table instead).
        cond |= Q(pk__in=document_holders(query))
    if match_households:
        # The members' ids read first, as the document holders' are: no join.
        cond |= Q(pk__in=household_members(query))
    if (by_name := name_condition(query)) is not None:
        cond |= by_name
    return qs.filter(cond)


def _as_typed(query: str) -> set[str]:
    """A number as typed and in capitals (Arabic-Indic digits as ASCII ones); none if blank."""
    query = ascii_digits((query or "").strip())
    return {query, query.upper()} if query else set()


def _ids(among) -> list[int]:
    return [getattr(p, "pk", p) for p in among]


def household_members(query: str, among=None) -> list[int]:
    """The ids of the persons (of ``among``, persons or ids, when given) in the household whose
    number is what was typed, as typed or in capitals (Arabic-Indic digits as ASCII ones)."""
    from muster.people.models import Person

    if not (numbers := _as_typed(query)):
        return []
    members = Person.objects.filter(household__number__in=numbers)
    if among is not None:
        members = members.filter(pk__in=_ids(among))
    return list(members.values_list("pk", flat=True))


def document_holders(query: str, among=None) -> list[int]:
    """The ids of the persons (of ``among``, persons or ids, when given) holding a document whose
    number is what was typed, as typed or in capitals (Arabic-Indic digits as ASCII ones)."""
    from muster.people.models import IdentityDocument

    if not (numbers := _as_typed(query)):
        return []
    docs = IdentityDocument.objects.filter(number__in=numbers)
    if among is not None:
        docs = docs.filter(person_id__in=_ids(among))
    return list(docs.values_list("person_id", flat=True))


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
