"""A URL map of decorated views, so the decorators are tested apart from the real pages."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from django.views import View

from muster.access.decorators import public, requires, signed_in


@requires("person.view")
def person_page(request):
    return HttpResponse("person page")


@requires({"GET": "person.view", "POST": "person.register"})
def register_page(request):
    return HttpResponse(request.method)


@public
def open_page(request):
    return HttpResponse("open")


@signed_in
def own_page(request):
    return HttpResponse("own")


@requires("report.view")
class ReportView(View):
    def get(self, request):
        return HttpResponse("report")


@signed_in
def refused_inside_transaction(request):
    from muster.audit.services import record_denied

    with transaction.atomic():
        record_denied(request, "out of scope")
        raise PermissionDenied


urlpatterns = [
    path("person/", person_page, name="t-person"),
    path("register/", register_page, name="t-register"),
    path("open/", open_page, name="t-open"),
    path("own/", own_page, name="t-own"),
    path("report/", ReportView.as_view(), name="t-report"),
    path("rolled-back/", refused_inside_transaction, name="t-rolled-back"),
    path("account/", include("muster.access.urls")),
]
