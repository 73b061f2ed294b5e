"""The adapter between Django records and :mod:`muster.identity`, and the in-memory screening indexes.

``person_record`` / ``entry_record`` turn a Person or a reference-list entry into a plain record in
the person-record layout (DESIGN.md). One process-wide :class:`~muster.identity.ScreeningIndex` of
the registry (and one of the current reference lists) is built lazily from the database and kept in
step cheaply before each query: persons registered or corrected since the last look are (re)added, a
changed set of current lists rebuilds the list index. Merged records are filtered out by the caller
against the database, so an index that is a few seconds stale can only propose, never decide.
"""

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from muster.core.conf import MusterSettings, conf
from muster.core.countries import country_name
from muster.identity import PERSON_ATTRIBUTES, Candidate, ScreeningIndex, is_arabic
from muster.people.models import Person, PersonCorrection, Sex
from muster.screening.models import ReferenceEntry, ReferenceList

# Match probability thresholds: muster.core.conf (SCREENING_LIKELY, SCREENING_POSSIBLE), chosen on
# bench/screening.py; the figures behind them are in bench/RESULTS.md. Re-measure when the model
# changes.
DEFAULT_LIKELY = MusterSettings.SCREENING_LIKELY
DEFAULT_POSSIBLE = MusterSettings.SCREENING_POSSIBLE
PERSON_FIELDS = ("id", *PERSON_ATTRIBUTES)
ENTRY_FIELDS = PERSON_FIELDS


def thresholds() -> tuple[float, float]:
    """(likely, possible): at or above ``likely`` a hit is "likely"; below ``possible`` not shown."""
    current = conf()
    return float(current.SCREENING_LIKELY), float(current.SCREENING_POSSIBLE)


def band_of(probability: float) -> str | None:
    likely, possible = thresholds()
    if probability >= likely:
        return "likely"
    if probability >= possible:
        return "possible"
    return None


def _value(row: Mapping, field: str) -> str:
    value = row.get(field) if isinstance(row, Mapping) else getattr(row, field, "")
    return "" if value is None else str(value)


def person_record(person) -> dict[str, str]:
    """A Person (model instance or ``values()`` row) as a record of the person-record layout."""
    row = person if isinstance(person, Mapping) else {f: getattr(person, f) for f in PERSON_FIELDS}
    dob = row.get("date_of_birth")
    year = row.get("birth_year")
    if dob:
        dob_text = dob.isoformat() if hasattr(dob, "isoformat") else str(dob)
        year_text = dob_text[:4]
    else:
        dob_text, year_text = "", (str(year) if year else "")
    sex = _value(row, "sex")
    return {
        "record_id": str(row["id"]),
        "source": "registry",
        "given_name": _value(row, "given_name"),
        "father_name": _value(row, "father_name"),
        "grandfather_name": _value(row, "grandfather_name"),
        "family_name": _value(row, "family_name"),
        "mother_name": _value(row, "mother_name"),
        "alias": _value(row, "alias"),
        "sex": sex if sex in ("M", "F") else "",  # "U" (unknown) is an empty cell to the library
        "date_of_birth": dob_text,
        "birth_year": year_text,
        "place_of_origin": _value(row, "place_of_origin"),
        "nationality": _value(row, "nationality"),
    }


def entry_record(entry) -> dict[str, str]:
    """A ReferenceEntry (instance or ``values()`` row) as a record; record_id is ``e<pk>``."""
    row = entry if isinstance(entry, Mapping) else {f: getattr(entry, f) for f in ENTRY_FIELDS}
    record = {f: _value(row, f) for f in ENTRY_FIELDS if f != "id"}
    if record["date_of_birth"]:
        record["birth_year"] = record["date_of_birth"][:4]
    return {"record_id": f"e{row['id']}", "source": "reference_list", **record}


def blank_record(record_id: str) -> dict[str, str]:
    # A record with no names has no blocking key: replacing an entry with it takes it out of play.
    return {"record_id": record_id}


class _Registry:
    """The process-wide registry index, with the watermarks that keep it in step with the DB."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.index: ScreeningIndex | None = None
            self.person_mark = 0
            self.correction_mark = 0
            self.lists_signature: tuple = ()
            self.lists_index: ScreeningIndex | None = None
            self.lists_building: tuple | None = None  # the signature a background build is making
            self.stale_screened: set[int] = set()  # persons screened against the previous lists

    # -- registry -------------------------------------------------------------------------
    def _load_persons(self, qs) -> None:
        for row in qs.values(*PERSON_FIELDS).order_by("id").iterator(chunk_size=5000):
            self.index.add(person_record(row))
            self.person_mark = max(self.person_mark, row["id"])

    def sync(
        self, registered: Sequence[Person] = (), records: Mapping[int, Mapping] | None = None
    ) -> ScreeningIndex:
        """The index, brought up to date with the database. ``registered``: persons whose
        registration has just committed, as written (the bulk import's chunk): taken in as they
        are, not read back; the database is asked only which others came meanwhile. ``records``:
        their person records by pk, if already made."""
        with self.lock:
            if self.index is None:
                self.index = ScreeningIndex()
                self.person_mark = 0
                last = PersonCorrection.objects.order_by("-id").values_list("id", flat=True).first()
                self.correction_mark = last or 0
                self._load_persons(Person.objects.filter(merged_into__isnull=True))
                return self.index
            for row in self.changes(registered, records or {}, self):
                self.index.add(row)
            return self.index

    @staticmethod
    def changes(
        registered: Sequence[Person], records: Mapping[int, object], marks
    ) -> list[dict[str, str]]:
        """The records an index in step up to ``marks`` (``person_mark``, ``correction_mark``:
        this registry, or an index kept elsewhere) takes in now, in the order :meth:`sync` adds
        them; the marks move past them. ``registered``: taken as they are, each given as
        ``records`` gives it (its record; the screening beside an import gives its id and makes
        the record over there), else made; the database is asked only which other persons came
        meanwhile, and which were corrected."""
        since = Person.objects.filter(id__gt=marks.person_mark)
        new = {p.pk: p for p in registered if p.pk > marks.person_mark}
        rows = {pk: records.get(pk) or person_record(p) for pk, p in new.items()}
        others = set(since.values_list("id", flat=True)) - set(new) if new else None
        if others or others is None:
            read = since if others is None else Person.objects.filter(id__in=others)
            for row in read.values(*PERSON_FIELDS).iterator(chunk_size=5000):
                rows[row["id"]] = person_record(row)
        if rows:
            marks.person_mark = max(marks.person_mark, *rows)
        out = [rows[pk] for pk in sorted(rows)]
        corrected = list(
            PersonCorrection.objects.filter(id__gt=marks.correction_mark).values_list(
                "id", "person_id"
            )
        )
        if corrected:
            marks.correction_mark = max(i for i, _ in corrected)
            ids = {pid for _, pid in corrected}
            out += [
                person_record(r) for r in Person.objects.filter(id__in=ids).values(*PERSON_FIELDS)
            ]
        return out

    def add(self, persons: Iterable) -> None:
        """Add just-registered persons (after their transaction committed)."""
        with self.lock:
            if self.index is None:
                return  # built from the database on first use, these included
            for p in persons:
                self.index.add(person_record(p))

    def remove(self, person_id: int) -> None:
        with self.lock:
            if self.index is not None:
                self.index.add(blank_record(str(person_id)))

    # -- reference lists ------------------------------------------------------------------
    @staticmethod
    def current_signature() -> tuple:
        return tuple(
            ReferenceList.objects.filter(is_current=True)
            .order_by("id")
            .values_list("id", flat=True)
        )

    @staticmethod
    def _build_lists(signature: tuple) -> ScreeningIndex:
        index = ScreeningIndex()
        rows = ReferenceEntry.objects.filter(reference_list_id__in=signature).values(*ENTRY_FIELDS)
        for row in rows.iterator(chunk_size=5000):
            index.add(entry_record(row))
        return index

    def lists(self, *, stale_ok: bool = False, person_ids: Iterable[int] = ()) -> ScreeningIndex:
        """The index of the current lists.

        A changed set of lists is rebuilt here, unless ``stale_ok`` and an index exists: then the
        rebuild runs on a background thread (a large list takes minutes; a registration must not
        wait), the previous index answers meanwhile, and ``person_ids`` (screened against it) are
        handed to ``after_lists_rebuilt`` once the new index is in place, so nobody escapes the
        new list.
        """
        signature = self.current_signature()
        with self.lock:
            if self.lists_index is not None and signature == self.lists_signature:
                return self.lists_index
            if stale_ok and self.lists_index is not None:
                self.stale_screened.update(person_ids)
                building = self.lists_building == signature
                self.lists_building = signature
                if not building:
                    threading.Thread(
                        target=self._build_in_background,
                        args=(signature,),
                        name="muster-list-index",
                        daemon=True,
                    ).start()
                return self.lists_index
            index = self._build_lists(signature)
            self.lists_index, self.lists_signature = index, signature
            if self.lists_building == signature:
                self.lists_building = None  # a background build of the same lists is moot
            return index

    def rebuild_in_background(self) -> None:
        """Start building the current lists' index on a background thread (after an import)."""
        signature = self.current_signature()
        with self.lock:
            if signature in (self.lists_signature, self.lists_building):
                return
            self.lists_building = signature
        threading.Thread(
            target=self._build_in_background,
            args=(signature,),
            name="muster-list-index",
            daemon=True,
        ).start()

    def _build_in_background(self, signature: tuple) -> None:
        from django.db import connection

        try:
            index = self._build_lists(signature)
            with self.lock:
                if self.lists_building != signature:
                    return  # a newer set of lists is being built
                self.lists_index, self.lists_signature = index, signature
                self.lists_building = None
                pending, self.stale_screened = self.stale_screened, set()
            if pending and self.after_lists_rebuilt is not None:
                self.after_lists_rebuilt(sorted(pending))
        except Exception as exc:  # noqa: BLE001 - a thread's error would be lost: log it
            import logging

            logging.getLogger(__name__).error("list index rebuild failed (%s)", type(exc).__name__)
            with self.lock:
                self.lists_building = None
        finally:
            connection.close()

    #: Called with the ids of persons screened against the previous lists while a rebuild ran.
    after_lists_rebuilt = None


REGISTRY = _Registry()


def reset() -> None:
    """Forget the in-memory indexes (tests; after a restore from backup)."""
    REGISTRY.reset()


def registry_candidates(
    record: Mapping, limit: int = 10, index: ScreeningIndex | None = None
) -> list[Candidate]:
    """Registered persons who may be this record (``index``: an already synced registry index)."""
    return registry_candidates_many([record], limit=limit, index=index)[0]


def registry_candidates_many(
    records: Sequence[Mapping], limit: int = 10, index: ScreeningIndex | None = None
) -> list[list[Candidate]]:
    """:func:`registry_candidates` of each record, scored in one pass (a chunk of registrations)."""
    _, possible = thresholds()
    index = index if index is not None else REGISTRY.sync()
    return index.candidates_many(records, limit=limit, min_score=possible)


def list_candidates(
    record: Mapping, limit: int = 10, index: ScreeningIndex | None = None
) -> list[Candidate]:
    """Reference-list entries that may be this record (``index``: the current lists' index)."""
    return list_candidates_many([record], limit=limit, index=index)[0]


def list_candidates_many(
    records: Sequence[Mapping], limit: int = 10, index: ScreeningIndex | None = None
) -> list[list[Candidate]]:
    """:func:`list_candidates` of each record, scored in one pass."""
    _, possible = thresholds()
    index = index if index is not None else REGISTRY.lists()
    if not len(index):
        return [[] for _ in records]
    return index.candidates_many(records, limit=limit, min_score=possible)


def family_links(household_a: list[Mapping], household_b: list[Mapping]) -> dict[str, object]:
    """How many of one person's household members have a likely counterpart in the other's.

    Both arguments are records of the *other* members (the two persons themselves left out).
    """
    if not household_a or not household_b:
        return {"level": "missing", "matched": 0, "of": len(household_a)}
    index = ScreeningIndex(household_b)
    _, possible = thresholds()
    matched = sum(1 for r in household_a if index.candidates(r, limit=1, min_score=possible))
    return {
        "level": "agree" if matched else "disagree",
        "matched": matched,
        "of": len(household_a),
    }


# -- explanations a person can read in a few seconds ---------------------------------------------

FIELD_LABELS = {
    "given_name": _("Given name"),
    "father_name": _("Father's name"),
    "grandfather_name": _("Grandfather's name"),
    "family_name": _("Family name"),
    "mother_name": _("Mother's name"),
    "alias": _("Alias"),
    "place_of_origin": _("Place of origin"),
    "date_of_birth": _("Date of birth"),
    "sex": _("Sex"),
    "nationality": _("Nationality"),
    "family": _("Family links"),
}
LEVEL_TEXT = {
    "exact": _("exact"),
    "transliteration": _("same name, another transliteration"),
    "arabic_script_equivalent": _("same name in Arabic script"),
    "typo": _("typo"),
    "partial": _("partly (year only, or one year apart)"),
    "disagree": _("different"),
    "missing": _("not known on one side"),
    "agree": _("household members match"),
}
AGREEING = {"exact", "transliteration", "arabic_script_equivalent", "typo", "partial", "agree"}


@dataclass(frozen=True)
class ExplainedField:
    field: str
    label: str
    level: str
    how: str
    a: str
    b: str
    # The values as compared, where the index read them otherwise than written (a given name
    # with the father's after it, a kunya, a town with its governorate); None where as written.
    a_read: str | None = None
    b_read: str | None = None

    @property
    def agrees(self) -> bool:
        return self.level in AGREEING

    @property
    def strength(self) -> str:
        """CSS hook: strong (exact/transliteration/script), weak (typo/partial), none."""
        if self.level in {"exact", "transliteration", "arabic_script_equivalent", "agree"}:
            return "strong"
        if self.level in {"typo", "partial"}:
            return "weak"
        return "none"


SEX_LABELS = dict(Sex.choices)


def readable(explanation: Mapping[str, Mapping]) -> list[ExplainedField]:
    """The explanation of a hit as rows: field, how it agreed, both values."""
    out = []
    for name, label in FIELD_LABELS.items():
        item = explanation.get(name)
        if not item:
            continue
        level = str(item.get("level", "missing"))
        how = str(LEVEL_TEXT.get(level, level))
        arabic = [is_arabic(str(item.get(side, ""))) for side in ("a", "b")]
        if level == "arabic_script_equivalent" and not any(arabic):
            # One name as another school writes it, both in Latin letters (Jasser / Yasser:
            # a German office's j for ya), which the library weighs as a script equivalent.
            how = str(_("same name, as another country spells it"))
        elif level in ("arabic_script_equivalent", "transliteration") and arabic[0] != arabic[1]:
            # One side in Arabic letters, the other in Latin (الكشمة / Al-Kishma): the library
            # reaches it by either level, and neither "in Arabic script" nor "another
            # transliteration" says what the officer sees.
            how = str(_("same name, one side in Arabic letters"))
        if name == "family" and item.get("of"):
            how = ngettext(
                "%(m)s of %(n)s other household member matches",
                "%(m)s of %(n)s other household members match",
                int(item.get("of") or 0),
            ) % {"m": item.get("matched", 0), "n": item.get("of")}
        crossed = item.get("b_field") or item.get("a_field")
        if crossed in FIELD_LABELS:
            # Father and grandfather compared crosswise (identity.internals.comparisons).
            how = _("%(how)s (one record gives it as the %(field)s)") % {
                "how": how,
                "field": str(FIELD_LABELS[crossed]).lower(),
            }
        a, b = str(item.get("a", "")), str(item.get("b", ""))
        if name == "sex":  # the codes the library compares, as the reader says them
            a, b = (str(SEX_LABELS.get(v, v)) for v in (a, b))
        elif name == "nationality":
            a, b = country_name(a), country_name(b)
        read = (item.get("a_read"), item.get("b_read"))
        out.append(ExplainedField(name, str(label), level, how, a, b, *read))
    return out


def summary(explanation: Mapping[str, Mapping]) -> str:
    """One line for the queue: the agreeing fields and how ("Given name: exact; Family name: …")."""
    parts = [f"{f.label}: {f.how}" for f in readable(explanation) if f.agrees]
    return pgettext("list separator", "; ").join(parts)
