"""The verbs of the registry: create a household and its members, add a document, correct a person's
details, merge and unmerge duplicate records.

Each verb validates, writes and records its audit event in one transaction.

The package: ``records`` (households, members, documents, corrections, photos) and ``merges``.
Callers import the package: ``from muster.people import services as people``.
"""

from muster.core.numbering import new_number
from muster.people.services.households import (
    check_relationship_change,
    current_heads,
    make_head,
    not_a_member,
    other_members,
    propose_relationship,
)
from muster.people.services.merges import (
    documents_of,
    head_left_behind,
    heads_on_return,
    lock_for_merge,
    merge_persons,
    surviving_record,
    unmerge,
)
from muster.people.services.records import (
    CORRECTABLE,
    MAX_PHOTO_BYTES,
    add_document,
    add_member,
    add_photo,
    correct_person,
    create_household,
    create_households_bulk,
)

__all__ = [
    "CORRECTABLE",
    "MAX_PHOTO_BYTES",
    "add_document",
    "add_member",
    "add_photo",
    "check_relationship_change",
    "correct_person",
    "create_household",
    "create_households_bulk",
    "current_heads",
    "documents_of",
    "head_left_behind",
    "heads_on_return",
    "lock_for_merge",
    "make_head",
    "merge_persons",
    "new_number",
    "not_a_member",
    "other_members",
    "propose_relationship",
    "surviving_record",
    "unmerge",
]
