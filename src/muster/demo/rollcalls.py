"""The demo's roll call: one at the largest camp, taken and closed, most of its list seen and a few
not, so the camp manager's home and the camp's page show a last roll call to open."""

import random

from muster.custody import services as custody
from muster.custody.models import Facility, RollCall, RollCallLine

# Of those on the list, the share seen (the others are the not-seen list to follow up).
SEEN_SHARE = 0.97
_CHUNK = 5000


def load_roll_call(camp: Facility | None, manager, seed: int) -> None:
    """Start a roll call at ``camp``, mark a seeded share seen (written at once, as the demo's
    other history is: one update, not a mark and its event per person) and close it."""
    if camp is None or manager is None:
        return
    roll_call = custody.start_roll_call(camp, by=manager)
    r = random.Random(seed)
    lines = roll_call.lines.order_by("pk").values_list("pk", flat=True)
    seen = [pk for pk in lines if r.random() < SEEN_SHARE]
    for i in range(0, len(seen), _CHUNK):
        RollCallLine.objects.filter(pk__in=seen[i : i + _CHUNK]).update(
            seen_at=roll_call.started_at,
            seen_by=manager,
            how=RollCallLine.How.TICK,
            outcome=RollCallLine.Outcome.SEEN,
        )
    # Kept on the roll call as the marks keep it (the close checks it against the lines).
    RollCall.objects.filter(pk=roll_call.pk).update(seen_on_list=len(seen))
    custody.close_roll_call(roll_call, by=manager)
