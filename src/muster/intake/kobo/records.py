"""What an import reads and what it reports: the form's question names, the limits, and the records
(:class:`Submission`, :class:`ImportBatch`, :class:`Problem`) every reader fills the same way."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext

from muster.core.uploads import MAX_UPLOAD_BYTES

# The names of the form's questions: the XLSForm writes them, the readers here read them back.
REPEAT = "members"
RECEPTION_POINT = "reception_point"
NAME_FIELDS = (
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
    "alias",
)
MEMBER_FIELDS = (
    "relationship_to_head",
    "not_yet_named",  # "yes": a baby under a year old, no given name yet
    *NAME_FIELDS,
    "sex",
    "dob_known",
    "date_of_birth",
    "birth_year",
    "estimated_age",
    "nationality",
    "place_of_origin",
    "vulnerabilities",
    "doc_type",
    "doc_number",
    "doc_issuing_country",
    "doc_mrz",
)
REQUIRED_MEMBER_COLUMNS = ("given_name", "relationship_to_head")

MAX_BYTES = MAX_UPLOAD_BYTES  # the one upload limit (muster.core.uploads)
MAX_UNZIPPED = 10 * MAX_BYTES  # a zip (or XLSX) that inflates beyond this is refused, not read
REPORT_COLUMNS = (
    "row",
    "submission_id",
    "status",
    "household",
    "member",
    "member_row",
    "field",
    "problem",
)
# A row's status in the report: checked (dry run), imported, a duplicate, or refused.
OK, IMPORTED, DUPLICATE, REFUSED = "ok", "imported", "duplicate", "refused"


class ImportFileError(ValueError):
    """The file cannot be read at all (wrong kind, wrong sheet, missing column, too big): one line,
    "<file>: <problem>", in the language active where it is raised (the request's on the upload
    page, the uploader's in the worker, English in the ``muster`` commands).

    ``problem`` is already translated by the raiser; ``file`` (the file's name, or the file and its
    sheet) and ``problem`` are kept apart for a caller that shows them apart."""

    def __init__(self, file: str, problem: str):
        self.file = file
        self.problem = problem
        super().__init__(gettext("%(file)s: %(problem)s") % {"file": file, "problem": problem})


@dataclass(frozen=True)
class Problem:
    row: int
    submission_id: str
    field: str
    message: str
    member: int | None = None  # 1-based position in the household
    member_row: int | None = None  # the member's row on its own sheet or CSV

    def __str__(self) -> str:
        where = [gettext("row %(row)s") % {"row": self.row}]
        if self.member:
            where.append(gettext("member %(member)s") % {"member": self.member})
        if self.field:
            where.append(self.field)
        return gettext("%(where)s: %(problem)s") % {
            "where": gettext(", ").join(where),
            "problem": self.message,
        }


@dataclass
class Submission:
    """One household as submitted: where it sits in the file, its id, its members (head first)."""

    row: int
    submission_id: str
    reception_point: str = ""
    members: list[dict] = field(default_factory=list)
    member_rows: list[int | None] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    cleaned: list[dict] | None = None  # set by check_submissions when Muster's validation passes
    duplicate: str = ""  # why it is a duplicate (earlier in the file, already imported)
    household: str = ""  # the household's number once imported (or the one it duplicates)

    @property
    def ok(self) -> bool:
        """Still to be registered: neither refused nor a duplicate."""
        return not self.problems and not self.duplicate

    @property
    def status(self) -> str:
        if self.problems:
            return REFUSED
        if self.duplicate:
            return DUPLICATE
        return IMPORTED if self.household else OK

    def refuse(self, field_name: str, message: str, member: int | None = None) -> None:
        member_row = (
            self.member_rows[member - 1] if member and member <= len(self.member_rows) else None
        )
        self.problems.append(
            Problem(self.row, self.submission_id, field_name, message, member, member_row)
        )


@dataclass
class ImportBatch:
    source: str
    submissions: list[Submission] = field(default_factory=list)
    orphans: list[Problem] = field(default_factory=list)  # member rows of no submission
    written: bool = False  # registered in the database (not a dry run)

    @property
    def accepted(self) -> list[Submission]:
        return [s for s in self.submissions if s.ok]

    @property
    def refused(self) -> list[Submission]:
        return [s for s in self.submissions if s.problems]

    @property
    def duplicates(self) -> list[Submission]:
        return [s for s in self.submissions if s.duplicate and not s.problems]

    @property
    def imported(self) -> list[Submission]:
        return [s for s in self.submissions if s.status == IMPORTED]

    def summary(self) -> str:
        done = self.imported if self.written else self.accepted
        n = {"n": len(done), "persons": sum(len(s.members) for s in done)}
        if self.written:
            counted = gettext("%(n)s imported (%(persons)s person(s))") % n
        else:
            counted = gettext("%(n)s accepted (%(persons)s person(s))") % n
        text = gettext("%(n)s submission(s) read (%(source)s): %(counted)s") % {
            "n": len(self.submissions),
            "source": self.source,
            "counted": counted,
        }
        if self.duplicates:
            text += gettext(", %(n)s duplicate(s)") % {"n": len(self.duplicates)}
        text += gettext(", %(n)s refused") % {"n": len(self.refused)}
        if self.orphans:
            text += gettext("; %(n)s member row(s) belong to no submission") % {
                "n": len(self.orphans)
            }
        return text
