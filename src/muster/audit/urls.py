from django.urls import path

from muster.audit import views

urlpatterns = [
    path("", views.audit_log, name="audit-log"),
    path("verify/", views.audit_verify, name="audit-verify"),
]
