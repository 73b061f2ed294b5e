"""Timings of the situation report and the dashboard, on SQLite and PostgreSQL in one run.

    muster demo --persons 20000 --no-serve && python bench/registry_load.py --persons 1000000
    (the same with DATABASE_URL=postgres://... for PostgreSQL; see bench/registry_load.py)
    nice -n 10 python bench/sitrep.py --sqlite /tmp/m1 --postgres postgres://postgres@127.0.0.1/bench

``--sqlite DIR`` is a data directory (``MUSTER_DATA``), ``--postgres URL`` a database; each is
measured in its own process, one after the other, with the machine's load average (``uptime``)
before and after. With neither, the configured database is measured.

Prints, for each step, the best and the median of ``--runs`` runs (after one warm-up run): the
sitrep (``situation_report``), the dashboard's series (``dashboard.build``; default filters, the
last 14 days, and a governorate), the dashboard page and the ``/api/sitrep/`` feed through Django's
test client as a coordinator (rendering, policy and audit included), the CSV export, and the HXL
table (the function, ``muster sitrep --hxl`` in the process, audit included, and its figures as on
1 July, the day that reads the most dates of birth). Checks the headline figures against direct
counts, the counters against a direct count (``muster sitrep --recount``, timed once), and the HXL
table's figures against the join of every current placement to its person that computed them
before the counter (timed once).
"""

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
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


def _load() -> str:
    return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


HXL_FIGURES = ("f", "m", "children", "girls", "boys")


def _hxl_joined(facility_ids) -> dict:
    """The HXL table's figures the way the export computed them before the population counter:
    every current placement joined to its person (``hxl.joined_figures``)."""
    from django.utils import timezone

    from muster.reports import hxl

    return hxl.joined_figures(facility_ids, timezone.localdate())


def measure(runs: int, governorate: str) -> dict:
    """Measure the configured database; returns the figures (also printed as they come)."""
    _setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from muster import cli
    from muster.access import services as access
    from muster.custody.models import ManifestLine, Placement
    from muster.people.models import Person
    from muster.reports import counters, dashboard, hxl
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

    def get(url, **params):
        def fetch():
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code

        return fetch

    filters = dashboard.default_filters()
    narrowed = dashboard.parse_filters({"governorate": governorate})
    out = {
        "database": connection.vendor,
        "persons": Person.objects.count(),
        "placements": Placement.objects.count(),
        "manifest_lines": ManifestLine.objects.count(),
        "load_before": _load(),
        "steps": {},
    }
    print(
        f"{out['database']}: {out['persons']} persons, {out['placements']} placements, "
        f"{out['manifest_lines']} manifest lines (load {out['load_before']})",
        flush=True,
    )
    report = situation_report()
    direct = Person.objects.filter(merged_into__isnull=True).count()
    assert report["registered"] == direct, (report["registered"], direct)
    t = time.perf_counter()
    drift = counters.differences()
    out["recount_s"] = round(time.perf_counter() - t, 1)
    assert not drift, drift[:5]
    print(f"  counters equal a direct count (recount {out['recount_s']} s)", flush=True)
    ids = [f["id"] for f in report["facilities"]]
    t = time.perf_counter()
    joined = _hxl_joined(ids)
    out["hxl_joined_s"] = round(time.perf_counter() - t, 1)
    fast = hxl.by_sex_and_age(ids, timezone.localdate())
    for i in ids:
        want, have = joined.get(i, {}), fast.get(i, {})
        assert all(want.get(k, 0) == have.get(k, 0) for k in HXL_FIGURES), (i, want, have)
    print(f"  HXL figures equal the joined count ({out['hxl_joined_s']} s)", flush=True)

    july = timezone.localdate().replace(month=7, day=1)

    def hxl_cli():
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli.main(["sitrep", "--hxl"]) in (0, None)

    steps = [
        ("sitrep (situation_report)", situation_report),
        ("dashboard series (build)", lambda: dashboard.build(filters)),
        (f"dashboard series, {governorate}", lambda: dashboard.build(narrowed)),
        ("dashboard page (HTTP)", get("/reports/dashboard/")),
        (f"dashboard page, {governorate} (HTTP)", get("/reports/dashboard/", governorate=governorate)),
        ("sitrep feed /api/sitrep/ (HTTP)", get("/api/sitrep/")),
        ("sitrep CSV export (HTTP)", get("/reports/sitrep.csv")),
        ("HXL table", lambda: hxl.facility_table(situation_report(), filters)),
        ("muster sitrep --hxl (in process)", hxl_cli),
        # The boundary year's births read directly: the most on 1 July (half a year either side).
        ("HXL figures as on 1 July", lambda: hxl.by_sex_and_age(ids, july)),
    ]  # fmt: skip
    for name, fn in steps:
        best, median = _time(fn, runs)
        out["steps"][name] = [round(best * 1000), round(median * 1000)]
        print(
            f"  {name:38} best {best * 1000:7.0f} ms   median {median * 1000:7.0f} ms", flush=True
        )
    out["load_after"] = _load()
    print(f"  (load {out['load_after']})", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite", metavar="DIR", help="SQLite data directory (MUSTER_DATA)")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL database URL")
    parser.add_argument("--governorate", default="SY09", help="the narrowed dashboard's filter")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (args.sqlite or args.postgres):
        figures = measure(args.runs, args.governorate)
        if args.json:
            print("JSON " + json.dumps(figures))
        return
    results = []
    for engine, value in (("sqlite", args.sqlite), ("postgres", args.postgres)):
        if not value:
            continue
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MUSTER_DATA")}
        env.update({"MUSTER_DATA": value} if engine == "sqlite" else {"DATABASE_URL": value})
        cmd = [sys.executable, __file__, "--runs", str(args.runs), "--json"]
        cmd += ["--governorate", args.governorate]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        for line in done.stdout.splitlines():
            if line.startswith("JSON "):
                results.append(json.loads(line[5:]))
            else:
                print(line, flush=True)
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            raise SystemExit(f"{engine}: failed (exit {done.returncode})")
    names = list(results[0]["steps"])
    print("\n| step | " + " | ".join(f"{r['database']} {r['persons']:,}" for r in results) + " |")
    print("| --- |" + " ---: |" * len(results))
    for name in names:
        cells = [
            "{} / {} ms".format(*r["steps"][name]) if name in r["steps"] else "" for r in results
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| recount (once) | " + " | ".join(f"{r['recount_s']} s" for r in results) + " |")
    joined = " | ".join(f"{r['hxl_joined_s']} s" for r in results)
    print(f"| HXL figures by the old join (once) | {joined} |")
    loads = [f"{r['load_before']} → {r['load_after']}" for r in results]
    print("| load average (1, 5, 15 min) | " + " | ".join(loads) + " |")


if __name__ == "__main__":
    main()
