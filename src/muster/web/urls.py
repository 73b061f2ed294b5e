from django.urls import path

from muster.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
