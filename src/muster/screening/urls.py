"""Screening pages, under /screening/. URL names are relied on by the navigation and tests."""

from django.urls import path

from muster.screening import views

urlpatterns = [
    path("", views.queue, name="screening-queue"),
    path("hits/<int:pk>/", views.hit_detail, name="screening-hit"),
    path("hits/<int:pk>/held/", views.propose_held, name="screening-propose-held"),
    path("rescreen/", views.rescreen, name="screening-rescreen"),
    path("lists/", views.lists, name="screening-lists"),
    path("approvals/", views.approvals, name="category-approvals"),
]
