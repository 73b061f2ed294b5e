"""The situation report: figures only, never names.

Who came out, where they are now, how many by group, occupancy against capacity, in transit and
unaccounted. Used by ``muster sitrep``, the dashboard and the exports.
"""

from django.utils import timezone

from muster.core.conf import conf
from muster.core.text import LOCAL_NAME_FIELDS
from muster.custody import services as custody
from muster.custody.models import Facility, Placement
from muster.departures import queries as departures
from muster.reports import counters, dashboard
from muster.reports.charts import occupancy_percent
from muster.screening.models import Category


def situation_report(arrivals_series: list[dict] | None = None) -> dict:
    """The figures. ``arrivals_series`` is the dashboard's series for the default window, when the
    caller has it already (it is not counted twice)."""
    # Kept by the database's triggers beside the rows they count (reports.counters): exact, and
    # read in a few rows whatever the size of the registry.
    counted = counters.registered_by_category()
    registered = sum(counted.values())
    by_category = {c: counted.get(c, 0) for c in Category.values}
    by_category["undecided"] = counted.get("", 0)

    populations = counters.populations()
    expected = custody.expected_by_facility()
    facilities = []
    for f in Facility.objects.order_by("kind", "name"):
        pop = populations.get(f.pk, 0)
        facilities.append(
            {
                "id": f.pk,
                "name": f.name,
                **{field: getattr(f, field) for field in LOCAL_NAME_FIELDS.values()},
                "kind": f.kind,
                "pcode": f.pcode,
                "population": pop,
                "capacity": f.capacity,
                "occupancy": round(pop / f.capacity, 3) if f.capacity else None,
                "occupancy_percent": occupancy_percent(pop, f.capacity),
                "expected": expected.get(f.pk, 0),
            }
        )
    # Registrations per local day, grouped in the database without a per-row date conversion:
    # every day of the window, oldest first, a day without arrivals as 0 (a 0 is information).
    arrivals = [
        {"date": d["date"], "registered": d["total"]}
        for d in arrivals_series
        or dashboard.arrivals_by_category(dashboard.default_filters(), None)
    ]
    departed = Placement.objects.filter(is_current=True, state=Placement.State.DEPARTED).count()
    # Dispatched on a departure and not confirmed by the receiving side: in transit, and unaccounted
    # once overdue or not presented, like a transfer.
    exits = departures.sitrep_counts()
    # The flagged children in our care (the counter's, as the dashboard's chart): not those whose
    # departure is confirmed; those leaving on a departure not yet confirmed are still ours.
    children_flags = dashboard.children(None)["total"]
    lost = dashboard.children_lost_figures(children_flags, *departures.children_lost_lines())
    # Every registered person has one current placement (placed at reception on registration):
    # registered = at facilities + in transit (transfers and departures not yet received) +
    # departed. Unaccounted is a part of in transit, not a further bucket.
    return {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "registered": registered,
        "by_category": by_category,
        "facilities": facilities,
        "at_facilities": sum(f["population"] for f in facilities),
        "in_transit": custody.in_transit_lines().count() + exits["leaving"],
        "unaccounted": custody.unaccounted_lines().count() + exits["unaccounted"],
        "unaccounted_after_hours": _hours(),
        "departed": departed,
        "departures": exits,
        "separated_or_unaccompanied_children": children_flags,
        **lost,
        "arrivals_last_14_days": arrivals,
    }


def _hours() -> float:

    return conf().UNACCOUNTED_AFTER_HOURS


def format_text(report: dict) -> str:
    lines = [
        f"Situation report — {report['generated_at']}",
        f"Registered: {report['registered']} = at facilities {report['at_facilities']} "
        f"+ in transit {report['in_transit']} + departed {report['departed']}",
        "By category: " + ", ".join(f"{k} {v}" for k, v in report["by_category"].items()),
        f"In transit: {report['in_transit']}, of them unaccounted "
        f"(> {report['unaccounted_after_hours']:g} h or reported not arrived): "
        f"{report['unaccounted']}",
        f"Departed: {report['departed']}   Separated/unaccompanied children in our care (counted "
        f"in the figures above too, not the departed): "
        f"{report['separated_or_unaccompanied_children']}",
        f"Children lost in transit (part of in transit): {report['children_lost_in_transit']}   "
        "Children needing protection (separated, unaccompanied or lost in transit, each once): "
        f"{report['children_needing_protection']}",
        "Departures: "
        + ", ".join(
            f"{k.replace('_', ' ')} {v}"
            for k, v in report["departures"].items()
            if not isinstance(v, (dict, list))
        ),
        "",
        f"{'Facility':40} {'Kind':20} {'Population':>10} {'Capacity':>9} {'Expected':>9}",
    ]
    for f in report["facilities"]:
        cap = "" if f["capacity"] is None else str(f["capacity"])
        lines.append(
            f"{f['name'][:40]:40} {f['kind']:20} {f['population']:>10} {cap:>9} {f['expected']:>9}"
        )
    return "\n".join(lines)
