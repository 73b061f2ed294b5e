"""The home page. The stages' pages have their URLs in their apps' ``urls.py``."""

from django.urls import path

from muster.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
