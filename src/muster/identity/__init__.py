"""Identity resolution for people whose names are written in Arabic script and in many Latin
spellings: normalisation, candidate generation, Fellegi–Sunter scoring, clustering, screening.

A pure library (no Django).  The public face is a handful of names::

    from muster.identity import read_person_csv, dedupe, link, ScreeningIndex

    records = read_person_csv("registrations.csv")     # validated dicts, DESIGN.md layout
    result = dedupe(records)                            # result.clusters: record_id -> cluster_id
    print(result.report)                                # weights, prior, EM, guard, warnings
    result.model.save("model.json")                     # reuse: dedupe(more, model=Model.load(...))
    pairs = link(records, read_person_csv("list.csv")).pairs.to_frame()

    index = ScreeningIndex(records)                     # one-to-many screening, in memory
    for c in index.candidates(new_registration, limit=20):
        print(c.record_id, c.match_probability, c.explanation["given_name"]["level"])

    normalise_name("Mohamed Jassem").key1               # 'muhamadjasam'

Engines: ``engine="duckdb"`` (default) or ``engine="spark"`` run the same model.
The machinery sits in ``muster.identity.internals``.
"""

from .internals.comparisons import FIELDS, name_level
from .internals.countries import is_country_code, is_state_code, read_nationality
from .internals.model import Model, ModelFileError
from .internals.names import (
    NameKey,
    is_arabic,
    normalise_name,
    skeleton_with_article,
    transliterate,
    unreadable_script,
)
from .internals.names import variant_table as _variant_table
from .internals.pipeline import DedupeResult, LinkResult, ScoredPairs, dedupe, link
from .internals.prepare import given_name_alone
from .internals.records import (
    NAME_PARTS,
    PERSON_ATTRIBUTES,
    PERSON_COLUMNS,
    PersonCsvError,
    ascii_digits,
    check_record,
    date_order,
    person_csv_header,
    read_date_of_birth,
    read_person_csv,
    workbook_cell,
)
from .internals.screening import Candidate, ScreeningIndex
from .internals.training import ModelReport
from .internals.unknown import not_known


def preload() -> None:
    """Read the name-variant table now rather than on the first name compared (about a second)."""
    _variant_table()


__all__ = [
    "preload",
    "is_arabic",
    "given_name_alone",
    "FIELDS",
    "NAME_PARTS",
    "PERSON_ATTRIBUTES",
    "PERSON_COLUMNS",
    "Candidate",
    "DedupeResult",
    "LinkResult",
    "Model",
    "ModelFileError",
    "ModelReport",
    "NameKey",
    "PersonCsvError",
    "ScoredPairs",
    "ScreeningIndex",
    "ascii_digits",
    "check_record",
    "date_order",
    "dedupe",
    "is_country_code",
    "is_state_code",
    "link",
    "name_level",
    "normalise_name",
    "not_known",
    "person_csv_header",
    "read_date_of_birth",
    "read_nationality",
    "read_person_csv",
    "skeleton_with_article",
    "transliterate",
    "unreadable_script",
    "workbook_cell",
]
