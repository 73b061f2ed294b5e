from django.apps import AppConfig


class DeparturesConfig(AppConfig):
    name = "muster.departures"
    label = "departures"
