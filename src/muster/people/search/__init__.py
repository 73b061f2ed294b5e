"""Person search: the stored name key and the one query filter that the web pages, the reception
duplicate warning and the API all use (registration number, document number, name words).

Names are keyed by the identity library's normaliser (:func:`muster.identity.normalise_name`), the
same one screening matches with, so a spelling that screening treats as the same name is found here
too: "Abd al-Rahman", "Abdel Rahman", "Abdulrahman" and "عبد الرحمن" share a key.

``keys`` (the stored key, the query's words), ``filters`` (what narrows the registry), ``ranking``
(the order the persons found are shown in). Callers import from the package.
"""

from muster.people.search.filters import (
    MIN_NUMBER_PREFIX,
    NUMBER_CHARS,
    PERSON_PREFIX,
    every_word_condition,
    filter_by_name,
    filter_by_query,
    name_condition,
    number_prefix_condition,
    partial_name_condition,
)
from muster.people.search.keys import (
    MAX_QUERY_WORDS,
    group_tokens,
    name_tokens,
    other_script,
    person_name_key,
    query_words,
    rekey_persons,
    rekey_persons_named,
)
from muster.people.search.ranking import (
    NAME_FIELDS,
    OUT_OF_PLACE,
    RANK_FIELDS,
    Candidate,
    candidates,
    closeness,
    model_weights,
    query_record,
    rank,
)

__all__ = [
    "MAX_QUERY_WORDS",
    "MIN_NUMBER_PREFIX",
    "NAME_FIELDS",
    "NUMBER_CHARS",
    "OUT_OF_PLACE",
    "PERSON_PREFIX",
    "RANK_FIELDS",
    "Candidate",
    "candidates",
    "closeness",
    "every_word_condition",
    "filter_by_name",
    "filter_by_query",
    "group_tokens",
    "model_weights",
    "name_condition",
    "name_tokens",
    "number_prefix_condition",
    "other_script",
    "partial_name_condition",
    "person_name_key",
    "query_record",
    "query_words",
    "rekey_persons",
    "rekey_persons_named",
    "rank",
]
