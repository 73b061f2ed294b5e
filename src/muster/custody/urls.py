"""Custody pages. URL names are relied on by the navigation, templates and tests: keep them."""

from django.urls import path

from muster.custody import views

urlpatterns = [
    path("facilities/", views.facility_list, name="facility-list"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility-detail"),
    path("facilities/<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("facilities/<int:pk>/dispatch/basket/", views.dispatch_basket, name="dispatch-basket"),
    path("facilities/<int:pk>/receive/", views.receive, name="receive"),
    path("facilities/<int:pk>/roll-calls/", views.facility_roll_calls, name="roll-calls"),
    path("roll-calls/<str:number>/", views.roll_call_detail, name="roll-call"),
    path("roll-calls/<str:number>/mark/", views.roll_call_mark, name="roll-call-mark"),
    path("roll-calls/<str:number>/close/", views.roll_call_close, name="roll-call-close"),
    path("movements/<str:number>/", views.movement_detail, name="movement-detail"),
    path("unaccounted/", views.unaccounted, name="unaccounted"),
    path("unaccounted/figures/", views.unaccounted_figures, name="unaccounted-figures"),
]
