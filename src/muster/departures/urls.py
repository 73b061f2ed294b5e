"""Departure pages under /departures/, and the person pages they add (nationality, death)."""

from django.urls import path

from muster.departures import views

urlpatterns = [
    path("departures/", views.departure_list, name="departure-list"),
    path("departures/new/", views.departure_new, name="departure-new"),
    path("departures/discrepancies/", views.discrepancy_list, name="departure-discrepancies"),
    path("departures/<str:number>/", views.departure_detail, name="departure-detail"),
    path("departures/<str:number>/approve/", views.departure_approve, name="departure-approve"),
    path("departures/<str:number>/dispatch/", views.departure_dispatch, name="departure-dispatch"),
    path("departures/<str:number>/cancel/", views.departure_cancel, name="departure-cancel"),
    path("departures/<str:number>/confirm/", views.departure_confirm, name="departure-confirm"),
    path("departures/<str:number>/import/", views.departure_import, name="departure-import"),
    path(
        "departures/<str:number>/manifest.csv",
        views.manifest_export,
        {"fmt": "csv"},
        name="export-manifest-departure-csv",
    ),
    path(
        "departures/<str:number>/manifest.xlsx",
        views.manifest_export,
        {"fmt": "xlsx"},
        name="export-manifest-departure-xlsx",
    ),
    path(
        "departures/<str:number>/manifest.pdf",
        views.manifest_pdf,
        name="export-manifest-departure-pdf",
    ),
    path("people/<str:number>/nationality/", views.person_nationality, name="person-nationality"),
    path("people/<str:number>/death/", views.person_death, name="person-death"),
]
