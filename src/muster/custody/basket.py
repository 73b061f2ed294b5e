"""The dispatch basket: the persons an officer has chosen to dispatch from a facility, kept on the
server in the officer's session (one basket a facility) while they search and page through those
there, so that 30 people out of 980 spread over ten pages go on one movement.

What a page sends is a *sync*: the ids the page showed (``shown``) and those ticked among them
(``person``); the ticked are added, the shown and not ticked taken out, and what other pages put
in stays. An id no longer among ``allowed`` (dispatched meanwhile, received elsewhere, out of the
officer's scope) is dropped when the basket is read.
"""

from django.db.models import QuerySet

KEY = "dispatch_basket"


def _all(request) -> dict[str, list[int]]:
    return request.session.get(KEY) or {}


def ids(request, facility_id: int) -> list[int]:
    """The basket's ids, in the order they were put in."""
    return list(_all(request).get(str(facility_id), []))


def put(request, facility_id: int, chosen: list[int]) -> None:
    baskets = dict(_all(request))
    if chosen:
        baskets[str(facility_id)] = list(dict.fromkeys(chosen))
    else:
        baskets.pop(str(facility_id), None)
    request.session[KEY] = baskets


def sync(request, facility_id: int, shown: set[int], ticked: set[int]) -> list[int]:
    """Apply a page's ticks (see the module's doc); the basket after it."""
    chosen = [i for i in ids(request, facility_id) if i not in shown or i in ticked]
    chosen += sorted(ticked - set(chosen))
    put(request, facility_id, chosen)
    return chosen


def remove(request, facility_id: int, gone: set[int]) -> list[int]:
    chosen = [i for i in ids(request, facility_id) if i not in gone]
    put(request, facility_id, chosen)
    return chosen


def valid(request, facility_id: int, allowed: QuerySet) -> tuple[list[int], int]:
    """(the basket's ids still among ``allowed``, how many were dropped); the basket is kept so."""
    chosen = ids(request, facility_id)
    if not chosen:
        return [], 0
    present = set(allowed.filter(pk__in=chosen).values_list("pk", flat=True))
    kept = [i for i in chosen if i in present]
    if len(kept) != len(chosen):
        put(request, facility_id, kept)
    return kept, len(chosen) - len(kept)
