"""Person pages. URL names are relied on by the navigation, templates and tests: keep them."""

from django.urls import path

from muster.people import slips, views

urlpatterns = [
    path("people/", views.person_search, name="person-search"),
    path("people/<str:number>/", views.person_detail, name="person-detail"),
    path("people/<str:number>/correct/", views.person_correct, name="person-correct"),
    path("people/<str:number>/make-head/", views.person_make_head, name="person-make-head"),
    path("people/<str:number>/category/", views.person_category, name="person-category"),
    path(
        "people/<str:number>/household/categories/",
        views.household_categories,
        name="household-categories",
    ),
    path("people/<str:number>/slip/", slips.slip, name="person-slip"),
    path("people/<str:number>/photo/", slips.photo, name="person-photo"),
    path("people/<str:number>/photo/upload/", slips.photo_upload, name="person-photo-upload"),
]
