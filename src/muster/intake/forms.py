"""Reading the reception forms: the one-page household registration and the late member.

The household form posts flat names (``members[2].given_name``, ``members[2].documents[0].number``)
so the error keys of :func:`muster.people.validation.clean_household` map straight onto the inputs.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from muster.people.models import NAME_PARTS, PROTECTION_FLAGS
from muster.people.validation import clean_member

MAX_MEMBERS = 60  # larger "households" are groups; register them in several forms
MAX_DOCUMENTS = 10
MEMBER_FIELDS = (
    *NAME_PARTS,
    "sex",
    "date_of_birth",
    "birth_year",
    "estimated_age",
    "nationality",
    "place_of_origin",
    "relationship_to_head",
    "not_yet_named",
)
DOCUMENT_FIELDS = ("doc_type", "number", "issuing_country", "expires_on", "mrz")
DEFAULT_NATIONALITY = "SYR"

_MEMBER = re.compile(r"^members\[(\d{1,3})\]\.(\w+)$")
MEMBER_NAME = re.compile(
    r"^members\[(?:\d{1,3}|__i__)\]\.(given_name|father_name|grandfather_name|family_name)$"
)
MEMBER_BORN = re.compile(
    r"^members\[(?:\d{1,3}|__i__)\]\.(date_of_birth|birth_year|estimated_age)$"
)
# Years either side of the typed birth year within which an earlier registration may be the same
# person (ages are often estimated, and a year alone may be a guess).
MATCH_YEAR_SLACK = 10


def birth_year_typed(born: dict[str, str]) -> int | None:
    """The birth year the officer has typed so far (a date, a year or an age), else None."""
    try:
        cleaned = clean_member({"given_name": "x", **born})
    except ValidationError:
        return None
    return cleaned["birth_year"]


_DOCUMENT = re.compile(r"^members\[(\d{1,3})\]\.documents\[(\d{1,3})\]\.(\w+)$")


@dataclass
class DocumentRow:
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


@dataclass
class MemberRow:
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    documents: list[DocumentRow] = field(default_factory=list)

    @property
    def flag_states(self) -> list[tuple[str, str, bool]]:
        return [
            (code, label, bool(self.values.get(code))) for code, label in PROTECTION_FLAGS.items()
        ]

    @property
    def flag_errors(self) -> list[str]:
        return [
            f"{label}: {m}"
            for code, label in PROTECTION_FLAGS.items()
            for m in self.errors.get(code, [])
        ]


def blank_member(head: bool = False) -> MemberRow:
    values = {"nationality": DEFAULT_NATIONALITY, "sex": "", "relationship_to_head": ""}
    if head:
        values["relationship_to_head"] = "head"
    return MemberRow(values=values, documents=[DocumentRow()])


def parse_household(post) -> list[dict]:
    """The posted members as raw dicts (head first), in the order of their row numbers.

    Row numbers may have gaps (rows removed in the browser); they are renumbered 0..n-1 here, and
    the error keys and the re-rendered form use the new numbers.
    """
    members: dict[int, dict] = {}
    docs: dict[int, dict[int, dict]] = {}
    for key in post:
        if m := _DOCUMENT.match(key):
            i, j, name = int(m[1]), int(m[2]), m[3]
            if name in DOCUMENT_FIELDS and j < 100:
                docs.setdefault(i, {}).setdefault(j, {})[name] = post.get(key, "")
        elif m := _MEMBER.match(key):
            i, name = int(m[1]), m[2]
            if name in MEMBER_FIELDS or name in PROTECTION_FLAGS:
                members.setdefault(i, {})[name] = post.get(key, "")
    out = []
    for i in sorted(members):
        raw = members[i]
        for flag in PROTECTION_FLAGS:
            raw[flag] = flag in raw  # an unticked checkbox is simply absent
        raw["documents"] = [docs.get(i, {})[j] for j in sorted(docs.get(i, {}))]
        out.append(raw)
    return out


def rows_for(members: list[dict], errors: dict[str, list[str]] | None = None) -> list[MemberRow]:
    """The form rows to re-render exactly what was typed, with each error beside its field."""
    errors = errors or {}
    rows = []
    for i, raw in enumerate(members):
        prefix = f"members[{i}]."
        row = MemberRow(
            values={k: v for k, v in raw.items() if k != "documents"},
            errors={
                k[len(prefix) :]: v
                for k, v in errors.items()
                if k.startswith(prefix) and not k[len(prefix) :].startswith("documents[")
            },
        )
        for j, doc in enumerate(raw.get("documents") or []):
            dprefix = f"{prefix}documents[{j}]."
            row.documents.append(
                DocumentRow(
                    values=doc,
                    errors={
                        k[len(dprefix) :]: v for k, v in errors.items() if k.startswith(dprefix)
                    },
                )
            )
        if not row.documents:
            row.documents.append(DocumentRow())
        rows.append(row)
    return rows
