"""Person pages: search, a person's page, correcting their details, deciding their category.

Access is decided only by :mod:`muster.access.policy`: an action the role lacks is a 403; a person
outside the user's facility scope is a 404 (:mod:`muster.access.lookup`). URL names are in
``people/urls.py``.

``person_page`` (a person's page, the category decided from it), ``correction_page``,
``search_page``; ``urls`` reads the package.
"""

from muster.people.views.correction_page import person_correct
from muster.people.views.household_categories import household_categories
from muster.people.views.make_head import person_make_head
from muster.people.views.person_page import person_category, person_detail
from muster.people.views.search_page import person_search

__all__ = [
    "household_categories",
    "person_category",
    "person_correct",
    "person_detail",
    "person_make_head",
    "person_search",
]
