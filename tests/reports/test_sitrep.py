"""The situation report's figures as a coordinator reads them on every surface."""

import io
import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from muster.reports import sitrep
from tests.reports.test_export_views import read_csv


def _last_14_days() -> list[str]:
    today = timezone.localdate()
    return [(today - timedelta(days=n)).isoformat() for n in range(13, -1, -1)]


def test_arrivals_of_the_last_14_days_list_every_day_a_day_without_arrivals_as_0(registered):
    # The household of three came today; nobody on the 13 days before it.
    arrivals = sitrep.situation_report()["arrivals_last_14_days"]
    assert [d["date"] for d in arrivals] == _last_14_days()
    assert [d["registered"] for d in arrivals] == [0] * 13 + [3]


def test_home_page_lists_14_days_of_arrivals(registered, make_user, login):
    html = login(make_user("coordinator")).get(reverse("home")).content.decode()
    card = html.split('data-testid="arrivals-last-14-days"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<tr><td>([0-9-]+)</td><td class="num">(\d+)</td></tr>', card)
    assert [d for d, _ in rows] == _last_14_days()
    assert [n for _, n in rows] == ["0"] * 13 + ["3"]


def _arrival_rows(rows: list[list[str]]) -> list[tuple[str, str]]:
    header = rows[0]
    section, day, persons = (header.index(k) for k in ("section", "date", "persons"))
    return [(r[day], r[persons]) for r in rows[2:] if r[section] == "arrivals"]


def test_sitrep_csv_has_a_row_for_each_of_the_14_days_under_its_hxl_tags(
    registered, make_user, login
):
    rows = read_csv(login(make_user("coordinator")).get(reverse("export-sitrep-csv")))
    assert rows[1][rows[0].index("date")] == "#date"
    assert rows[1][rows[0].index("persons")] == "#indicator+value+num"
    assert _arrival_rows(rows) == [(d, "0") for d in _last_14_days()[:-1]] + [
        (_last_14_days()[-1], "3")
    ]


def test_sitrep_xlsx_has_a_row_for_each_of_the_14_days(registered, make_user, login):
    from openpyxl import load_workbook

    response = login(make_user("coordinator")).get(reverse("export-sitrep-xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    arrivals = _arrival_rows(rows)
    assert [d[:10] for d, _ in arrivals] == _last_14_days()
    assert [n for _, n in arrivals] == ["0"] * 13 + ["3"]


def test_api_feed_lists_every_day_of_the_14(registered, make_user, login):
    feed = login(make_user("coordinator")).get("/api/sitrep/").json()
    assert feed["arrivals_last_14_days"] == [
        {"date": d, "registered": 0} for d in _last_14_days()[:-1]
    ] + [{"date": _last_14_days()[-1], "registered": 3}]
