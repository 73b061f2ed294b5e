"""Person search: the persons matching the query, closest first, paged."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import (
    documents_held,
    households_held,
    may_see_names,
    search_persons,
)
from muster.audit import services as audit
from muster.core.paging import paginate
from muster.people.audit_actions import PeopleAction
from muster.people.models import Person
from muster.people.search import (
    candidates,
    every_word_condition,
    partial_name_condition,
    rank,
)
from muster.people.validation import name_has_hidden_characters

# Search ranks at most this many candidates (each is scored in Python); beyond, it says so.
MAX_RANKED = 2000


@requires("person.search")
def person_search(request: HttpRequest) -> HttpResponse:
    """Persons matching the query, best first by the identity model (muster.people.search.rank),
    paged."""
    q = request.GET.get("q", "").strip()[:200]
    page, too_many = None, False
    if q:
        scoped = policy.scope_persons(request.user, Person.objects.all(), "person.search")
        # Ranked on the fields ranking reads; the persons on the page shown are read in full.
        # Read closest first (each word starting a name part; then any match, numbers and
        # documents included; then near misses), so that in a large registry the many loose
        # matches of a common name never crowd the close ones out of the ranked set.
        closest, near = every_word_condition(q), partial_name_condition(q)
        tiers = [
            scoped.filter(closest) if closest is not None else None,
            search_persons(request.user, scoped, q),
            scoped.filter(near) if near is not None else None,
        ]
        found, seen = [], set()
        for qs in (t for t in tiers if t is not None):  # not `if t`: that would run the query
            for c in candidates(qs, MAX_RANKED + 1 + len(seen)):
                if c.pk not in seen:
                    seen.add(c.pk)
                    found.append(c)
            if len(found) > MAX_RANKED:
                found = found[: MAX_RANKED + 1]
                break
        too_many = len(found) > MAX_RANKED
        shown_first = found[:MAX_RANKED]
        by_number = documents_held(request.user, shown_first, q) | households_held(
            request.user, shown_first, q
        )
        ranked = rank(shown_first, q, by_number)
        page = paginate(request, [{"person": p, "score": score} for score, p in ranked])
        shown = Person.objects.select_related("household", "merged_into").in_bulk(
            [row["person"].pk for row in page.object_list]
        )
        for row in page.object_list:
            row["person"] = shown[row["person"].pk]
            row["hidden_chars"] = name_has_hidden_characters(row["person"])
        # The query may be a name: only its length goes into the audit log.
        audit.record_list(
            request,
            [row["person"].pk for row in page.object_list],
            action=PeopleAction.PERSON_SEARCH,
            length=len(q),
            results=len(found),
        )
    context = {
        "q": q,
        "page": page,
        "results": page.object_list if page else [],
        "too_many": too_many,
        "max_ranked": MAX_RANKED,
        "show_names": may_see_names(request.user),
    }
    template = "people/_results.html" if request.headers.get("HX-Request") else "people/search.html"
    return render(request, template, context)
