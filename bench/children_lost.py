"""Time the sitrep's children-lost figures, the situation report, and the home and dashboard pages
as a coordinator, on MUSTER_DATA; --open N first dispatches N more placed persons (half overdue)
so that thousands of transfer lines are open (it changes the database: run it on a copy).

    muster demo --persons 20000 --no-serve; cp -r $MUSTER_DATA /tmp/open
    MUSTER_DATA=/tmp/open python bench/children_lost.py --open 6000
    (before a change: the same with PYTHONPATH at an export of the older tree, without --open)
"""

import argparse
import os
import statistics
import time

ap = argparse.ArgumentParser()
ap.add_argument("--open", type=int, default=0)
ap.add_argument("--runs", type=int, default=5)
args = ap.parse_args()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
import django  # noqa: E402

django.setup()
from datetime import timedelta  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

import muster  # noqa: E402
from muster.access import services as access  # noqa: E402
from muster.custody import services as custody  # noqa: E402
from muster.custody.models import Facility, ManifestLine, Movement, Placement  # noqa: E402
from muster.reports import dashboard  # noqa: E402
from muster.reports.sitrep import situation_report  # noqa: E402

print("code:", os.path.dirname(muster.__file__))
User = get_user_model()
if args.open:
    src = Facility.objects.get(name__startswith="Al-Hol")
    dst = Facility.objects.get(name__startswith="Roj")
    Facility.objects.filter(pk=dst.pk).update(capacity=10**6)
    dst.refresh_from_db()
    by = User.objects.get(username="camp-manager")
    ids = list(
        Placement.objects.filter(is_current=True, state="placed", facility=src).values_list(
            "person_id", flat=True
        )[: args.open]
    )
    from muster.people.models import Person

    for i in range(0, len(ids), 500):
        persons = list(Person.objects.filter(pk__in=ids[i : i + 500]))
        m = custody.dispatch(
            persons,
            from_facility=src,
            to_facility=dst,
            by=by,
            separation_reason="bench: thousands of open transfer lines",
        )
        if (i // 500) % 2 == 0:
            Movement.objects.filter(pk=m.pk).update(
                dispatched_at=timezone.now() - timedelta(hours=30)
            )
    print(f"dispatched {len(ids)} more persons")
print(
    "open transfer lines:", ManifestLine.objects.filter(outcome__in=["pending", "missing"]).count()
)
from muster.departures.models import DepartureLine  # noqa: E402

print(
    "open departure lines:",
    DepartureLine.objects.filter(outcome__in=["pending", "not_presented"]).count(),
)
settings.ALLOWED_HOSTS = ["*"]
user = User.objects.filter(username="bench-coordinator").first() or access.create_user(
    "bench-coordinator", "bench coordinator pass 2026", roles=["coordinator"], check_password=False
)
client = Client()
client.force_login(user)
s = client.session
s["muster_2fa_ok"] = True
s.save()


def timed(name, fn):
    fn()
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as q:
        fn()
    print(
        f"{name:34s} best {min(times):8.1f} ms  median {statistics.median(times):8.1f} ms  queries {len(q)}"
    )


def page(url):
    def f():
        r = client.get(url)
        assert r.status_code == 200, r.status_code

    return f


r = situation_report()
print(
    "figures:",
    {
        k: r[k]
        for k in (
            "in_transit",
            "unaccounted",
            "separated_or_unaccompanied_children",
            "children_lost_in_transit",
            "children_needing_protection",
        )
    },
)
from muster.departures import queries as departure_queries  # noqa: E402

both = getattr(departure_queries, "children_lost_lines", None)
lost = getattr(custody, "children_lost_lines", None)
if both:  # off a transfer or a departure, each child once (ports 04c3af2)
    timed("children lost figures", lambda: dashboard.children_lost_figures(0, *both()))
elif lost:
    timed("children lost figures", lambda: dashboard.children_lost_figures(0, lost()))
else:
    timed(
        "children lost figures",
        lambda: dashboard.children_lost_figures(0, custody.children_unaccounted()),
    )
timed("situation_report()", situation_report)
timed("GET / (home, coordinator)", page("/"))
from django.urls import reverse  # noqa: E402

timed("GET dashboard", page(reverse("dashboard")))
