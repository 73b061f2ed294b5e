"""The situation by facility as an HXL-tagged table (Humanitarian Exchange Language, hxlstandard.org):
a header row, a row of hashtags under it, one row per facility. Figures only, never a name.

Partners' tools (HDX, HXL Proxy, their spreadsheets) read the hashtags, not our column names: the
tags follow the HXL core schema (``#adm1+code``, ``#loc+name``, ``#affected+idps``, attributes ``+f``,
``+m``, ``+children`` …).
"""

import csv
import io
import re
from collections import Counter
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from muster.custody.models import Facility, Placement
from muster.people.models import Person
from muster.reports import counters
from muster.reports.exports import safe_cell
from muster.reports.filters import Filters, governorate_of, selected_facilities

ADULT_AGE = 18
# (column, hashtag): the order of the file's columns.
COLUMNS = [
    ("date", "#date+reported"),
    ("governorate", "#adm1+code"),
    ("pcode", "#adm2+code"),
    ("facility", "#loc+name"),
    ("kind", "#loc+type"),
    ("population", "#affected+idps"),
    ("women_and_girls", "#affected+idps+f"),
    ("men_and_boys", "#affected+idps+m"),
    ("children", "#affected+idps+children"),
    ("girls", "#affected+f+children"),
    ("boys", "#affected+m+children"),
    ("capacity", "#capacity"),
    ("expected", "#affected+idps+expected"),
]
# A hashtag: '#' and a name, then attributes each '+' and a name (lowercase letters, digits, '_').
HASHTAG = re.compile(r"^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$")


def adult_born_by(today: date) -> date:
    """The last date of birth of a person 18 or older today."""
    if today.month == 2 and today.day == 29:
        return date(today.year - ADULT_AGE, 2, 28)
    return today.replace(year=today.year - ADULT_AGE)


def child_condition(today: date, prefix: str = "") -> Q:
    """Under 18 today, or of unknown age (counted as a child until shown otherwise, as the
    protection rules do): a date of birth after :func:`adult_born_by`; without one, a year of
    birth after today's year less 18; neither known."""
    born_by = adult_born_by(today)
    return (
        Q(**{f"{prefix}date_of_birth__gt": born_by})
        | Q(
            **{
                f"{prefix}date_of_birth__isnull": True,
                f"{prefix}birth_year__gt": today.year - ADULT_AGE,
            }
        )
        | Q(**{f"{prefix}date_of_birth__isnull": True, f"{prefix}birth_year__isnull": True})
    )


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
                "governorate": governorate_of(f["pcode"]),
                "pcode": f["pcode"],
                "facility": f["name"],
                "kind": str(kinds.get(f["kind"], f["kind"])),
                "population": f["population"],
                "women_and_girls": r.get("f", 0),
                "men_and_boys": r.get("m", 0),
                "children": r.get("children", 0),
                "girls": r.get("girls", 0),
                "boys": r.get("boys", 0),
                "capacity": f["capacity"] if f["capacity"] is not None else "",
                "expected": f["expected"],
            }
        )
    return out


def hxl_csv(rows: list[dict]) -> str:
    """The HXL file: header, hashtag row, the rows. Cells a spreadsheet would run as a formula
    (a facility named "=…") are neutralised as in every export."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c for c, _ in COLUMNS])
    writer.writerow([t for _, t in COLUMNS])
    for row in rows:
        writer.writerow([safe_cell(row[c]) for c, _ in COLUMNS])
    return out.getvalue()
