from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "muster.custody"
    label = "custody"
