"""A roll call's mark at the largest camp: the time of a scan's request and its statements.

    muster demo --persons 140000 --no-serve   (with DATABASE_URL=postgres://... for PostgreSQL;
                                               Al-Hol then holds some 70,000)
    nice -n 10 python bench/roll_call.py --marks 200

Starts a roll call at the facility where most are placed (its list: everyone there; on PostgreSQL
its lines are then analysed, as autovacuum would soon do, unless ``--no-analyze``: the lines as the
start left them, the planner's statistics those from before it, as when the camp manager scans and
closes before autovacuum has come round), timed; with ``--left N``, N of its list (none of those
scanned) then leave on a departure, half of them confirmed departed (untimed: those the close
settles as *left*); then scans ``--marks`` wristbands of its
list one by one through Django's test client as its camp manager would (the htmx request the scan
box sends: mark, answer, figures, audit), timing each, and one of someone placed elsewhere (not on
the list); then closes it, timed. Prints the list's size, the median, p95 and max time of a scan,
the statements one scan sends (savepoints and the audit log's lock apart), those among them that
count the roll call's lines, and the start's and the close's times. It writes (a roll call taken and closed, a
camp manager "bench-roll-call", their audit events, which cannot be removed): run it on a database
made for measuring. It runs the code beside it (../src): a copy of another version's tree, with
this file in its bench/, measures that version on the same database.
"""

import argparse
import os
import statistics
import sys
import time


def _setup() -> None:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
    import django

    django.setup()


def measure(marks: int, analyze: bool = True, left: int = 0) -> dict:
    _setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from muster.access import services as access
    from muster.access.middleware import SECOND_FACTOR_OK
    from muster.custody import services as custody
    from muster.custody.models import Facility, Placement
    from muster.custody.services import exits

    top = (
        Placement.objects.filter(is_current=True, state="placed")
        .values("facility")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    camp = Facility.objects.get(pk=top["facility"])
    out: dict = {"database": connection.vendor, "facility": camp.name}
    manager = get_user_model().objects.filter(username="bench-roll-call").first()
    manager = manager or access.create_user(
        "bench-roll-call",
        "bench roll call password 2026",
        roles=["camp_manager"],
        facility_names=[camp.name],
        check_password=False,
    )
    client = Client(HTTP_HX_REQUEST="true")
    client.force_login(manager)
    session = client.session
    session[SECOND_FACTOR_OK] = True
    session.save()
    started = time.perf_counter()
    roll_call = custody.start_roll_call(camp, by=manager)
    out["start_s"] = round(time.perf_counter() - started, 4)
    out["on_the_list"] = roll_call.expected
    out["analyzed_by_the_bench"] = analyze and connection.vendor == "postgresql"
    if out["analyzed_by_the_bench"]:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE custody_rollcallline")
    url = reverse("roll-call-mark", kwargs={"number": roll_call.number})
    drawn = list(
        roll_call.lines.order_by("?").values_list("person_id", "person__number")[: marks + 1 + left]
    )
    numbers = [number for _pid, number in drawn[: marks + 1]]
    leaving = [pid for pid, _number in drawn[marks + 1 :]]
    if leaving:
        started = time.perf_counter()
        half = len(leaving) // 2
        exits.start_exit(leaving[half:], ref="BENCH-LEAVE", from_facility=camp, by=manager)
        exits.exit_at_once(
            leaving[:half], ref="BENCH-GONE", from_facility=camp, by=manager, note="bench"
        )
        out["left_setup_s"] = round(time.perf_counter() - started, 4)
    client.post(url, {"number": numbers.pop()})  # warm-up
    times = []
    statements = counting = 0
    for number in numbers:
        with CaptureQueriesContext(connection) as scan:
            started = time.perf_counter()
            response = client.post(url, {"number": number})
            times.append(time.perf_counter() - started)
        assert b'data-code="marked"' in response.content, response.content[:300]
        statements = len(
            [
                q
                for q in scan.captured_queries
                if q["sql"].split(" ", 1)[0] in ("SELECT", "INSERT", "UPDATE", "DELETE")
                and "pg_advisory" not in q["sql"]
            ]
        )
        counting = len(
            [
                q
                for q in scan.captured_queries
                if "custody_rollcallline" in q["sql"]
                and ("COUNT(" in q["sql"] or "EXISTS" in q["sql"])
            ]
        )
    stranger = (
        Placement.objects.filter(is_current=True, state="placed")
        .exclude(facility=camp)
        .values_list("person__number", flat=True)
        .first()
    )
    started = time.perf_counter()
    response = client.post(url, {"number": stranger})
    out["not_on_list_s"] = round(time.perf_counter() - started, 4)
    started = time.perf_counter()
    custody.close_roll_call(roll_call, by=manager)
    out["close_s"] = round(time.perf_counter() - started, 4)
    roll_call.refresh_from_db()
    out["closed_left"] = roll_call.left
    times.sort()
    out |= {
        "marks": len(times),
        "median_s": round(statistics.median(times), 4),
        "p95_s": round(times[int(0.95 * (len(times) - 1))], 4),
        "max_s": round(times[-1], 4),
        "statements_per_scan": statements,
        "of_which_count_the_lines": counting,
        "load": "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg()),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--marks", type=int, default=200, help="scans timed (default 200)")
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="do not ANALYZE the lines after the start (PostgreSQL): scan and close as it left them",
    )
    parser.add_argument(
        "--left",
        type=int,
        default=0,
        help="this many of the list leave on a departure before the close (default 0)",
    )
    args = parser.parse_args()
    marks = max(1, min(args.marks, 5000))
    for key, value in measure(marks, not args.no_analyze, max(0, args.left)).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
