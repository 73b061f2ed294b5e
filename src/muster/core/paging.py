"""The one way a list page is cut into pages: every list says how many there are and pages through
them (templates/_pager.html), so nothing is cut silently."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, items, size: int = PAGE_SIZE) -> Page:
    """The page of ``items`` (a queryset or a list) that ``?page=`` asks for; an out-of-range or
    malformed page number gives the nearest page rather than an error. The object list is read
    once here, so the template and the audit detail see the same rows."""
    page = Paginator(items, size).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page
