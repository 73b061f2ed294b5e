"""Tracing pages, under /tracing/. URL names are relied on by the navigation and tests."""

from django.urls import path

from muster.tracing import views

urlpatterns = [
    path("", views.request_list, name="tracing-requests"),
    path("new/", views.request_new, name="tracing-request-new"),
    path("requests/<str:number>/", views.request_detail, name="tracing-request"),
    path("requests/<str:number>/photo/", views.request_photo, name="tracing-request-photo"),
    path("requests/<str:number>/edit/", views.request_edit, name="tracing-request-edit"),
    path("requests/<str:number>/close/", views.request_close, name="tracing-request-close"),
    path("requests/<str:number>/search/", views.request_search, name="tracing-request-search"),
    path(
        "requests/<str:number>/best-interests/", views.best_interests, name="tracing-best-interests"
    ),
    path("requests/<str:number>/reunify/", views.reunify, name="tracing-reunify"),
    path("requests/<str:number>/receipt/", views.receipt, name="tracing-receipt"),
    path("candidates/<int:pk>/", views.candidate_detail, name="tracing-candidate"),
    path("import/", views.import_file, name="tracing-import"),
    path("import/report.csv", views.import_report, name="tracing-import-report"),
    path("export.xml", views.export_pfif, name="tracing-export"),
]
