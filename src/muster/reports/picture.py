"""The situation picture: the dashboard's figures drawn as charts with translated labels, shared by
the dashboard page and the printable sitrep (PDF)."""

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from muster.core.text import isolate
from muster.custody.models import Facility
from muster.reports import charts
from muster.reports.dashboard import UNDECIDED, Dashboard
from muster.screening.models import Category

DEPARTURE_LABELS = {
    "departed": lambda: _("Departed"),
    "returned": lambda: _("Returned home"),
    "repatriated": lambda: _("Repatriated"),
    "handed_over": lambda: _("Handed over"),
    "released": lambda: _("Released to a guarantor"),
    "transferred_for_treatment": lambda: _("Treated abroad"),
    "died": lambda: _("Died"),
    "reunified": lambda: _("Reunited with family"),
}
# The columns of the flow in reading order (from the right on a right-to-left page): where people come
# from, pass through and end.
FLOW_COLUMNS = [
    ["arrived"],
    [Facility.Kind.RECEPTION_POINT],
    [Facility.Kind.SCREENING_SITE],
    [
        Facility.Kind.DISPLACEMENT_CAMP,
        Facility.Kind.FAMILY_CAMP,
        Facility.Kind.HOLDING_FACILITY,
        Facility.Kind.HOSPITAL,
        Facility.Kind.OTHER,
    ],
    ["departed"],
]


def category_series() -> list[tuple[str, str]]:
    labels = dict(Category.choices)
    return [(k, str(labels[k])) for k in Category.values] + [(UNDECIDED, _("Not yet decided"))]


def departure_items(dash: Dashboard) -> list[tuple[str, int]]:
    return [
        (DEPARTURE_LABELS[k]() if k in DEPARTURE_LABELS else k.replace("_", " "), v)
        for k, v in dash.departures.items()
    ]


def headline_scope(dash: Dashboard) -> str:
    """What the headline figures count: the whole registry, or the facilities the filters chose."""
    f = dash.filters
    name = isolate(dash.facility.display_name) if dash.facility else ""
    if not f.narrowed:
        return _("Now, across the whole registry: the filters apply to the charts below.")
    if f.facility is not None and not dash.facilities:
        # A facility outside the governorate filtered on: nothing is chosen.
        return _(
            "%(facility)s is not in governorate %(governorate)s: no facility is chosen, every "
            "figure is 0."
        ) % {"facility": name, "governorate": isolate(f.governorate)}
    if f.facility is not None:
        return _("Now, at %(facility)s; the dates do not apply to these figures.") % {
            "facility": name
        }
    return _(
        "Now, at the facilities of governorate %(governorate)s; the dates do not apply to these "
        "figures."
    ) % {"governorate": isolate(f.governorate)}


def charts_for(dash: Dashboard) -> list[charts.Chart]:
    date = _("Date")
    arrivals_title = (
        _("Arrivals per day at the selected facilities, by category")
        if dash.filters.narrowed
        else _("Arrivals per day (registrations), by category")
    )
    kinds = dict(Facility.Kind.choices)
    columns = []
    for col in FLOW_COLUMNS:
        nodes = []
        for node in col:
            if node == "arrived":
                # The registered over the whole registry (the headline's figure), the arrivals at
                # the chosen facilities under a filter: to date, like the rest of the chart.
                label = _("Arrived") if dash.filters.narrowed else _("Registered")
                nodes.append((node, label, dash.flow["arrived"]))
            elif node == "departed":
                nodes.append((node, _("Departed"), dash.flow["departed"]))
            else:
                n = dash.flow["population_by_kind"].get(node, 0)
                linked = any(node in (lk["from"], lk["to"]) for lk in dash.flow["links"])
                if (
                    n
                    or linked
                    or node in (Facility.Kind.RECEPTION_POINT, Facility.Kind.SCREENING_SITE)
                ):
                    nodes.append((node, str(kinds[node]), n))
        columns.append(nodes)
    links = [("arrived", Facility.Kind.RECEPTION_POINT, dash.flow["arrived"], 0)] + [
        (lk["from"], lk["to"], lk["received"], lk["in_transit"]) for lk in dash.flow["links"]
    ]
    return [
        charts.stacked_bars("arrivals", arrivals_title, dash.arrivals, category_series(), date),
        charts.capacity_bars(
            "capacity",
            _("Population against capacity"),
            dash.facilities,
            {
                "facility": _("Facility"),
                "pcode": _("P-code"),
                "population": _("Population"),
                "capacity": _("Capacity"),
                "occupancy": _("Occupancy"),
                "expected": _("Expected"),
                "over": _("Over capacity"),
            },
        ),
        charts.flow_diagram(
            "flow",
            _(
                "From reception through screening to facilities and departures: to date, the "
                "populations now; the dates do not apply"
            ),
            columns,
            links,
            [_("From"), _("To"), _("Received"), _("In transit")],
            rtl=get_language_bidi(),
        ),
        charts.lines(
            "transit",
            _("In transit and unaccounted, end of each day"),
            dash.transit,
            [("in_transit", _("In transit")), ("unaccounted", _("Unaccounted"))],
            date,
        ),
        charts.hbars(
            "children",
            _("Unaccompanied and separated children"),
            [
                (_("Unaccompanied"), dash.children["unaccompanied"]),
                (_("Separated (accompanied by another adult)"), dash.children["separated"]),
                (_("Total"), dash.children["total"]),
            ],
            [_("Children"), _("Persons")],
        ),
        charts.hbars(
            "departures",
            _("Departures by kind from the selected facilities, to date")
            if dash.filters.narrowed
            else _("Departures by kind (whole registry, to date)"),
            departure_items(dash),
            [_("Kind"), _("Persons")],
        ),
    ]
