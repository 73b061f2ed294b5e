"""The situation by facility as an HXL-tagged table (Humanitarian Exchange Language, hxlstandard.org):
a header row, a row of hashtags under it, one row per facility. Figures only, never a name.

Partners' tools (HDX, HXL Proxy, their spreadsheets) read the hashtags, not our column names: the
tags follow the HXL core schema (``#adm1+code``, ``#loc+name``, ``#affected+ind``, attributes ``+f``,
``+m``, ``+children`` …).

A tool picks a column by a tag pattern, which matches every column whose tag has the pattern's
attributes and more: ``#affected+f`` picks the girls with the women and girls. So no column's tag is
another's with attributes added (:func:`tags_overlap`): a column summed over all ages carries
``+total`` as HDX's population tables do (``#affected+ind+f+total`` women and girls,
``#affected+ind+f+children`` girls), the figure of a row that is not a facility is an
``#indicator+value``, and where a place lies says whose place it is (``+current`` where the persons
are now, ``+dest`` where a departure took them).

HXL tags a column, never a row, and its tools add a column up over every row. So a P-code goes
under the hashtag of its level (``#adm1+code+current`` governorate, ``#adm2+code+current`` district,
``#adm3+code+current`` sub-district, read from the code's shape by
:func:`~muster.reports.filters.admin_codes`), a departure's destination under its own
(``#adm1+code+dest`` …), and the table has no total row: a tool summing ``#affected+ind+current``
counted every facility twice.
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Collection
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone, translation

from muster.custody.models import Facility, Placement
from muster.departures.models import SITREP_KEYS
from muster.people.models import Person
from muster.protection.rules import ADULT_AGE, adult_born_by, child_condition
from muster.reports import counters
from muster.reports.exports import safe_cell
from muster.reports.filters import ADMIN_LEVELS, Filters, admin_codes, selected_facilities
from muster.screening.models import Category

# A facility's P-code at each administrative level, a column each under its level's hashtag; a
# departure's destination in columns of its own, never summed or counted with the facilities'.
ADMIN_COLUMNS = [(f"adm{n}_pcode", f"#adm{n}+code+current") for n in ADMIN_LEVELS]
DESTINATION_COLUMNS = [(f"dest_adm{n}_pcode", f"#adm{n}+code+dest") for n in ADMIN_LEVELS]


def admin_columns(pcode: str, columns=ADMIN_COLUMNS) -> dict[str, str]:
    """The ``columns`` (:data:`ADMIN_COLUMNS` or :data:`DESTINATION_COLUMNS`) of a place's P-code:
    its code at each level it can be read at (``SY090301`` -> ``SY09``, ``SY0903``,
    ``SY090301``), blank at the others."""
    codes = admin_codes(pcode)
    return {column: codes.get(n, "") for n, (column, _) in zip(ADMIN_LEVELS, columns, strict=True)}


def tags_overlap(a: str, b: str) -> bool:
    """Whether a tool's pattern for one of the hashtags ``a`` and ``b`` also picks the other: the
    same hashtag, and the attributes of one all among the other's (``#affected+f`` and
    ``#affected+f+children``)."""
    (tag_a, *attrs_a), (tag_b, *attrs_b) = a.split("+"), b.split("+")
    return tag_a == tag_b and (set(attrs_a) <= set(attrs_b) or set(attrs_b) <= set(attrs_a))


# (column, hashtag): the order of the file's columns.
COLUMNS = [
    ("date", "#date+reported"),
    *ADMIN_COLUMNS,
    ("facility", "#loc+name"),
    ("kind", "#loc+type"),
    ("population", "#affected+ind+current"),
    # Of every age (+total), of one sex or one age group, or both: no tag another's with more
    # attributes (:func:`tags_overlap`).
    ("women_and_girls", "#affected+ind+f+total"),
    ("men_and_boys", "#affected+ind+m+total"),
    ("children", "#affected+ind+children+total"),
    ("girls", "#affected+ind+f+children"),
    ("boys", "#affected+ind+m+children"),
    # Recorded sex unknown: without it, women and men did not add up to the population.
    ("sex_unknown", "#affected+ind+sex_unknown+total"),
    ("capacity", "#capacity+ind"),
    ("expected", "#affected+ind+transit"),
]
# A hashtag: '#' and a name, then attributes each '+' and a name (lowercase letters, digits, '_').
HASHTAG = re.compile(r"^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$")


def joined_figures(facility_ids, today: date) -> dict[int, dict[str, int]]:
    """The HXL table's figures by a direct join of every current placement to its person (what the
    export computed before the population counter): the reference the counter is checked against
    (tests/reports/test_counters.py, bench/sitrep.py). Seconds at a million; never on a page."""
    child = child_condition(today, "person__")
    rows = (
        Placement.objects.filter(is_current=True, state="placed", facility_id__in=facility_ids)
        .values("facility_id")
        .annotate(
            f=Count("id", filter=Q(person__sex="F")),
            m=Count("id", filter=Q(person__sex="M")),
            girls=Count("id", filter=Q(person__sex="F") & child),
            boys=Count("id", filter=Q(person__sex="M") & child),
            other=Count("id", filter=~Q(person__sex__in=["F", "M"])),
            children=Count("id", filter=child),
        )
        .order_by()
    )
    return {r.pop("facility_id"): r for r in rows}


def by_sex_and_age(facility_ids, today: date) -> dict[int, Counter]:
    """Facility id -> the persons placed there now: ``f``, ``m``, ``children``, ``girls``,
    ``boys`` (children as :func:`child_condition` says), without joining every placement to its
    person.

    From the population counter (by sex, year of birth, date known): a year of birth after today's
    year less 18 is a child's, one before it an adult's, 0 (unknown) a child's. In that one year a
    year alone is an adult's, and for a date of birth the birthday decides: the dated persons of
    that year born after :func:`adult_born_by` are counted from the dates of birth's index, or
    those born by it, taken from the year's dated total, when that part of the year is shorter
    (at most half a year's births either way)."""
    ids = list(facility_ids)
    year = today.year - ADULT_AGE
    born_by = adult_born_by(today)
    out: dict[int, Counter] = {}
    dated_in_year: Counter = Counter()  # (facility id, sex) -> persons with a date in that year
    for facility_id, sex, born, dated, n in counters.population_by_birth(ids):
        row = out.setdefault(facility_id, Counter())
        row[_SEXES.get(sex, "other")] += n
        if born == 0 or born > year:
            _add_children(row, sex, n)
        elif born == year and dated:
            dated_in_year[facility_id, sex] += n
    if (date(year, 12, 31) - born_by) <= (born_by - date(year, 1, 1)):
        children = _placed_born_between(ids, born_by + timedelta(days=1), date(year, 12, 31))
    else:
        adults = _placed_born_between(ids, date(year, 1, 1), born_by)
        children = {k: n - adults.get(k, 0) for k, n in dated_in_year.items()}
    for (facility_id, sex), n in children.items():
        _add_children(out.setdefault(facility_id, Counter()), sex, n)
    return out


_SEXES, _CHILDREN = {"F": "f", "M": "m"}, {"F": "girls", "M": "boys"}


def _add_children(row: Counter, sex: str, n: int) -> None:
    row["children"] += n
    if sex in _CHILDREN:
        row[_CHILDREN[sex]] += n


def _placed_born_between(facility_ids: list, first: date, last: date) -> dict[tuple, int]:
    """(facility id, sex) -> persons placed there now born from ``first`` to ``last`` (dates of
    birth), read from the dates of birth's index."""
    born = Person.objects.filter(date_of_birth__gte=first, date_of_birth__lte=last).values("id")
    rows = (
        Placement.objects.filter(is_current=True, state=Placement.State.PLACED)
        .filter(facility_id__in=facility_ids, person_id__in=born)
        .values_list("facility_id", "person__sex")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(facility_id, sex): n for facility_id, sex, n in rows}


def facility_table(report: dict, filters: Filters) -> list[dict]:
    """One row per facility (of the filter's selection): population by sex and age group,
    capacity, expected."""
    today = timezone.localdate()
    chosen = {f.pk: f for f in selected_facilities(filters)}
    by_facility = by_sex_and_age(chosen, today)
    kinds = dict(Facility.Kind.choices)
    out = []
    for f in report["facilities"]:
        if f["id"] not in chosen:
            continue
        r = by_facility.get(f["id"], {})
        out.append(
            {
                "date": today.isoformat(),
                **admin_columns(f["pcode"]),
                "facility": f["name"],
                "kind": str(kinds.get(f["kind"], f["kind"])),
                "population": f["population"],
                "women_and_girls": r.get("f", 0),
                "men_and_boys": r.get("m", 0),
                "children": r.get("children", 0),
                "girls": r.get("girls", 0),
                "boys": r.get("boys", 0),
                "sex_unknown": r.get("other", 0),
                "capacity": f["capacity"] if f["capacity"] is not None else "",
                "expected": f["expected"],
            }
        )
    return out


# A facility's persons by sex and age group (:func:`by_sex_and_age`), as columns of its row.
BREAKDOWN = ("women_and_girls", "men_and_boys", "children", "girls", "boys", "sex_unknown")


def _breakdown(r) -> dict:
    keys = ("f", "m", "children", "girls", "boys", "other")
    return dict(zip(BREAKDOWN, (r.get(k, 0) for k in keys), strict=True))


# One table, one figure per row: the facilities (occupancy against capacity), the headline
# figures, the categories and the daily arrivals, told apart by ``section`` and ``item``, so a
# partner's spreadsheet can filter them (no figures stuffed into a name cell). No total row: HXL
# tags columns, not rows, and a tool summing the facilities' population counted them twice.
SITREP_FIELDS = [
    "facility",
    "kind",
    "pcode",
    "population",
    "capacity",
    "occupancy",
    "expected",
    "section",
    "item",
    "date",
    "persons",
    # A facility's population by sex and age (what `muster sitrep --hxl` printed alone).
    *BREAKDOWN,
    # The place's P-code at each level, under that level's hashtag (``pcode`` is untagged: it
    # holds codes of any level, a facility's sub-district beside a destination's district): a
    # facility's, then a departure's destination's.
    *(column for column, _ in ADMIN_COLUMNS),
    *(column for column, _ in DESTINATION_COLUMNS),
    # Always the last column, whatever is added before it: what a figure holds where a reader
    # would otherwise add it up wrong (unaccounted is inside in transit).
    "note",
]
SITREP_HXL = {
    "facility": "#loc+name",
    "kind": "#loc+type",
    "population": "#affected+ind+current",
    "capacity": "#capacity+ind",
    "occupancy": "#capacity+pct",
    "expected": "#affected+ind+transit",
    "section": "#meta+section",
    "item": "#indicator+name",
    "date": "#date",
    # The figure of every row but a facility's (a headline figure, departures, a category, a
    # day's arrivals), named by ``item``: HXL's narrow table, #indicator+name beside
    # #indicator+value. As #affected+ind, a tool's pattern picked the facilities' population and
    # expected with it (:func:`tags_overlap`).
    "persons": "#indicator+value+num",
    "note": "#description",
    **{c: tag for c, tag in COLUMNS if c in BREAKDOWN},
    **dict(ADMIN_COLUMNS),
    **dict(DESTINATION_COLUMNS),
}


def sitrep_rows(report: dict, chosen: Collection[int] | None = None) -> list[dict]:
    """The situation report as one table for partners, one figure per row (the fields
    :data:`SITREP_FIELDS`, tagged :data:`SITREP_HXL`): the facilities (those ``chosen``, or all)
    with occupancy against capacity, their persons by sex and age and their P-code at each level
    (no total row), the headline figures with what each holds (``note``), departures, categories,
    the last 14 days' arrivals, when it was taken. The web's CSV/XLSX and `muster sitrep --hxl`
    write this one table."""
    # A partners' data file: readable, and in one language whatever the reader's (the kind and
    # the categories came out in Arabic beside English keys and facility names).
    with translation.override("en"):
        kinds = {k: str(v) for k, v in Facility.Kind.choices}
        labels = {k: str(v) for k, v in Category.choices}
    today = timezone.localdate()
    facilities = [f for f in report["facilities"] if chosen is None or f["id"] in chosen]
    by_facility = by_sex_and_age([f["id"] for f in facilities], today)
    rows: list[dict] = [
        {
            **f,
            "facility": f["name"],
            "kind": kinds.get(f["kind"], f["kind"]),
            "occupancy": f["occupancy"] if f["occupancy"] is not None else "",
            "section": "facility",
            **_breakdown(by_facility.get(f["id"], {})),
            **admin_columns(f["pcode"]),
        }
        for f in facilities
    ]
    # Registered = at facilities + in transit + departed; unaccounted is a part of in transit,
    # not a further bucket.  "at facilities" comes last, so that the rows partners' spreadsheets
    # read keep their places.
    figures = {
        "registered": report["registered"],
        "in transit": report["in_transit"],
        "unaccounted": report["unaccounted"],
        "departed": report["departed"],
        "separated or unaccompanied children": report["separated_or_unaccompanied_children"],
        "at facilities": report["at_facilities"],
        # Added after the rows partners already read; the children figure above is unchanged.
        "children lost in transit": report["children_lost_in_transit"],
        "children needing protection": report["children_needing_protection"],
    }
    hours = f"{report['unaccounted_after_hours']:g}"
    notes = {
        ("figure", "in transit"): "transfers and departures not yet received; includes the "
        "unaccounted",
        ("figure", "unaccounted"): "part of in transit (overdue more than "
        f"{hours} hours, or reported not arrived), not in addition to it",
        ("figure", "separated or unaccompanied children"): "children in our care, also counted in "
        "the figures above: not those whose departure is confirmed (departed), those on a "
        "departure not yet confirmed still",
        ("figure", "at facilities"): "registered = at facilities + in transit + departed",
        ("figure", "children lost in transit"): "children not received off a transfer or a "
        "departure (overdue, reported not arrived or not presented at a handover, or left in "
        "transit while their family was received); part of in transit, flagged separated or "
        "unaccompanied or not",
        ("figure", "children needing protection"): "separated or unaccompanied children and "
        "children lost in transit together, a child who is both counted once",
        ("departures", "unaccounted"): "part of leaving, not in addition to it",
    }
    rows += [
        {"section": "figure", "item": k, "persons": v, "note": notes.get(("figure", k), "")}
        for k, v in figures.items()
    ]
    exits = report["departures"]
    rows += [
        {
            "section": "departures",
            "item": key,
            "persons": exits[key],
            "note": notes.get(("departures", key), ""),
        }
        for key in (*SITREP_KEYS.values(), "leaving", "not_presented", "refused", "unaccounted")
    ]
    rows += [
        {
            "section": "departures by destination",
            "item": f"{d['kind']}: " + " ".join(x for x in (d["destination"], d["country"]) if x),
            "pcode": d["pcode"],
            **admin_columns(d["pcode"], DESTINATION_COLUMNS),
            "persons": d["persons"],
        }
        for d in exits["by_destination"]
    ]
    rows += [
        {"section": "departures by nationality", "item": nat, "persons": n}
        for nat, n in exits["by_nationality"].items()
    ]
    rows += [
        {"section": "category", "item": labels.get(k, k), "persons": v}
        for k, v in report["by_category"].items()
    ]
    rows += [
        {"section": "arrivals", "item": "registered", "date": d["date"], "persons": d["registered"]}
        for d in report["arrivals_last_14_days"]
    ]
    # When the figures were taken, in the operation's local time with its offset.
    rows.append(
        {
            "section": "generated",
            "item": str(timezone.get_current_timezone()),
            "date": timezone.localtime().isoformat(timespec="seconds"),
        }
    )
    return rows


def hxl_csv(rows: list[dict]) -> str:
    """The HXL file of :func:`sitrep_rows`: header, hashtag row, the rows. Cells a spreadsheet
    would run as a formula (a facility named "=…") are neutralised as in every export."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SITREP_FIELDS)
    writer.writerow([SITREP_HXL.get(c, "") for c in SITREP_FIELDS])
    for row in rows:
        writer.writerow([safe_cell(_blank(row.get(c))) for c in SITREP_FIELDS])
    return out.getvalue()


def _blank(value):
    return "" if value is None else value
