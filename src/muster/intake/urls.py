"""Reception pages. URL names are relied on by the navigation, templates and tests: keep them."""

from django.urls import path

from muster.intake import views

urlpatterns = [
    path("reception/", views.reception, name="reception"),
    path("reception/matches/", views.reception_matches, name="reception-matches"),
    path(
        "people/<str:number>/add-member/", views.household_add_member, name="household-add-member"
    ),
]
