from django.urls import path

from muster.audit import views

urlpatterns = [
    path("", views.audit_log, name="audit-log"),
]
