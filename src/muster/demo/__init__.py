"""Loading the synthetic scenario into the database for ``muster demo`` (and tests, benchmarks).

The scenario is shifted so its last arrival day is today. Households that arrived more than two days
ago have been screened, categorised and moved (with a received movement) to a camp or holding
facility by category; recent arrivals are still at their reception point, some not yet categorised;
a few buses are in transit, one of them overdue so that the unaccounted list is not empty. Loading
uses bulk inserts (60,000 persons in well under two minutes) and writes one audit event for the
whole load.

``users`` makes one demo user per role, ``population`` the facilities, persons and buses, ``lists``
the reference lists and the first screening, ``duplicates`` the persons registered twice,
``tracing`` the abducted among the evacuees and their families' tracing requests;
``loading`` puts them together (:func:`load_demo`)."""

from muster.demo.duplicates import (
    RE_REGISTRATION_FIELDS,
)
from muster.demo.lists import (
    DEMO_LISTS,
)
from muster.demo.loading import (
    DemoLoadFailed,
    load_demo,
)
from muster.demo.users import (
    BATCH,
    DEMO_PASSWORD_SUFFIX,
    DESTINATION_KIND,
    DemoSummary,
    demo_users,
)

__all__ = [
    "DESTINATION_KIND",
    "DEMO_PASSWORD_SUFFIX",
    "BATCH",
    "DemoLoadFailed",
    "DemoSummary",
    "demo_users",
    "DEMO_LISTS",
    "RE_REGISTRATION_FIELDS",
    "load_demo",
]
