"""URL names here are relied on by other apps' templates and tests: keep them stable."""

from django.urls import path

from muster.web import slips, views

urlpatterns = [
    path("", views.home, name="home"),
    path("reception/", views.reception, name="reception"),
    path("reception/matches/", views.reception_matches, name="reception-matches"),
    path("people/", views.person_search, name="person-search"),
    path("people/<str:number>/", views.person_detail, name="person-detail"),
    path("people/<str:number>/correct/", views.person_correct, name="person-correct"),
    path(
        "people/<str:number>/add-member/", views.household_add_member, name="household-add-member"
    ),
    path("people/<str:number>/category/", views.person_category, name="person-category"),
    path("people/<str:number>/slip/", slips.slip, name="person-slip"),
    path("people/<str:number>/photo/", slips.photo, name="person-photo"),
    path("people/<str:number>/photo/upload/", slips.photo_upload, name="person-photo-upload"),
    path("facilities/", views.facility_list, name="facility-list"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility-detail"),
    path("facilities/<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("facilities/<int:pk>/receive/", views.receive, name="receive"),
    path("movements/<str:number>/", views.movement_detail, name="movement-detail"),
    path("unaccounted/", views.unaccounted, name="unaccounted"),
    path("unaccounted/figures/", views.unaccounted_figures, name="unaccounted-figures"),
]
