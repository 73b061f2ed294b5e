"""Reception pages. URL names are relied on by the navigation, templates and tests: keep them."""

from django.urls import path

from muster.intake import views

urlpatterns = [
    path("reception/", views.reception, name="reception"),
    path("reception/matches/", views.reception_matches, name="reception-matches"),
    path("reception/mrz/", views.reception_mrz, name="reception-mrz"),
    path("reception/import/", views.submissions_import, name="intake-import"),
    path("reception/import/form.xlsx", views.submissions_form, name="intake-import-form"),
    path(
        "reception/import/<int:pk>/", views.submissions_import_detail, name="intake-import-detail"
    ),
    path(
        "reception/import/<int:pk>/report.csv",
        views.submissions_import_report,
        name="intake-import-report",
    ),
    path(
        "people/<str:number>/add-member/", views.household_add_member, name="household-add-member"
    ),
]
