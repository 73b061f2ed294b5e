from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "muster.screening"
    label = "screening"
