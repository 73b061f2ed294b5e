from django.urls import path

from muster.reports import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/sitrep.pdf", views.dashboard_pdf, name="dashboard-pdf"),
    path("sitrep.csv", views.sitrep_export, {"fmt": "csv"}, name="export-sitrep-csv"),
    path("sitrep.xlsx", views.sitrep_export, {"fmt": "xlsx"}, name="export-sitrep-xlsx"),
    path(
        "facilities/<int:pk>/roll.csv",
        views.facility_roll_export,
        {"fmt": "csv"},
        name="export-roll-csv",
    ),
    path(
        "facilities/<int:pk>/roll.xlsx",
        views.facility_roll_export,
        {"fmt": "xlsx"},
        name="export-roll-xlsx",
    ),
    path(
        "roll-calls/<str:number>/not-seen.csv",
        views.roll_call_not_seen_export,
        {"fmt": "csv"},
        name="export-roll-call-not-seen-csv",
    ),
    path(
        "roll-calls/<str:number>/not-seen.xlsx",
        views.roll_call_not_seen_export,
        {"fmt": "xlsx"},
        name="export-roll-call-not-seen-xlsx",
    ),
    path(
        "movements/<str:number>/manifest.csv",
        views.manifest_export,
        {"fmt": "csv"},
        name="export-manifest-movement-csv",
    ),
    path(
        "movements/<str:number>/manifest.xlsx",
        views.manifest_export,
        {"fmt": "xlsx"},
        name="export-manifest-movement-xlsx",
    ),
]
