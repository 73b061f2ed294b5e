"""The situation by facility as an HXL-tagged table (Humanitarian Exchange Language, hxlstandard.org):
a header row, a row of hashtags under it, one row per facility. Figures only, never a name.

Partners' tools (HDX, HXL Proxy, their spreadsheets) read the hashtags, not our column names: the
tags follow the HXL core schema (``#adm1+code``, ``#loc+name``, ``#affected+idps``, attributes ``+f``,
``+m``, ``+children`` …).
"""

import csv
import io
import re
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from muster.custody.models import Facility, Placement
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


def child_condition(today: date, prefix: str = "") -> Q:
    """Under 18 today, or of unknown age (counted as a child until shown otherwise, as the
    protection rules do)."""
    adult_born_by = (
        today.replace(year=today.year - ADULT_AGE)
        if not (today.month == 2 and today.day == 29)
        else date(today.year - ADULT_AGE, 2, 28)
    )
    return (
        Q(**{f"{prefix}date_of_birth__gt": adult_born_by})
        | Q(
            **{
                f"{prefix}date_of_birth__isnull": True,
                f"{prefix}birth_year__gt": today.year - ADULT_AGE,
            }
        )
        | Q(**{f"{prefix}date_of_birth__isnull": True, f"{prefix}birth_year__isnull": True})
    )


def facility_table(report: dict, filters: Filters) -> list[dict]:
    """One row per facility (of the filter's selection): population by sex and age group,
    capacity, expected."""
    today = timezone.localdate()
    chosen = {f.pk: f for f in selected_facilities(filters)}
    child = child_condition(today, "person__")
    rows = (
        Placement.objects.filter(is_current=True, state=Placement.State.PLACED)
        .filter(facility_id__in=list(chosen))
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
    by_facility = {r["facility_id"]: r for r in rows}
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
