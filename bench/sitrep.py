"""Timings of the situation report and the dashboard on the configured database.

    MUSTER_DATA=/tmp/muster-1m python bench/bulk_load.py --persons 1000000
    MUSTER_DATA=/tmp/muster-1m nice -n 10 python bench/sitrep.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench nice -n 10 python bench/sitrep.py

Prints, for each step, the best and the median of ``--runs`` runs (after one warm-up run): the
sitrep (``situation_report``), the dashboard's series (``dashboard.build``, default filters: the
last 14 days), the dashboard page and the ``/api/sitrep/`` feed through Django's test client as a
coordinator (rendering, policy and audit included), and the HXL table. Also checks the dashboard's
headline figures against direct counts.
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


def _time(fn, runs: int) -> tuple[float, float]:
    fn()
    seen = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        seen.append(time.perf_counter() - t)
    return min(seen), statistics.median(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    _setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from muster.access import services as access
    from muster.custody.models import ManifestLine, Placement
    from muster.people.models import Person
    from muster.reports import dashboard, hxl
    from muster.reports.sitrep import situation_report

    settings.ALLOWED_HOSTS = ["*"]
    User = get_user_model()
    user = User.objects.filter(username="bench-coordinator").first() or access.create_user(
        "bench-coordinator", "bench coordinator pass 2026", roles=["coordinator"],
        check_password=False,
    )  # fmt: skip
    client = Client()
    client.force_login(user)
    session = client.session
    session["muster_2fa_ok"] = True
    session.save()

    def page():
        response = client.get("/reports/dashboard/")
        assert response.status_code == 200, response.status_code

    def feed():
        response = client.get("/api/sitrep/")
        assert response.status_code == 200, response.status_code

    filters = dashboard.default_filters()
    report = situation_report()
    persons = Person.objects.count()
    print(
        f"{connection.vendor}: {persons} persons, {Placement.objects.count()} placements, "
        f"{ManifestLine.objects.count()} manifest lines"
    )
    direct = Person.objects.filter(merged_into__isnull=True).count()
    assert report["registered"] == direct, (report["registered"], direct)
    steps = [
        ("sitrep (situation_report)", situation_report),
        ("dashboard series (build)", lambda: dashboard.build(filters)),
        ("dashboard page (HTTP)", page),
        ("sitrep feed /api/sitrep/ (HTTP)", feed),
        ("HXL table", lambda: hxl.facility_table(situation_report(), filters)),
    ]
    for name, fn in steps:
        best, median = _time(fn, args.runs)
        print(f"  {name:34} best {best * 1000:7.0f} ms   median {median * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
