from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "muster.intake"
    label = "intake"
