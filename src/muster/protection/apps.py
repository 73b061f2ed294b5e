from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "muster.protection"
    label = "protection"
