from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "muster.access"
    label = "access"
