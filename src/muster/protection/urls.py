"""Protection pages, under /screening/ beside the screening pages (their URLs predate the app)."""

from django.urls import path

from muster.protection import views

urlpatterns = [
    path("protection/<str:number>/", views.protection_review, name="protection-review"),
    path("separated-families/", views.separated_families, name="separated-families"),
    path("children/", views.children, name="children-list"),
]
