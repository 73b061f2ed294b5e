from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _counters_in_place(using="default", **kwargs) -> None:
    """After any migration: the counters' triggers must still be there. SQLite rebuilds a table
    to alter it, which drops its triggers; they are put back and the counters recounted."""
    from django.db import connections

    from muster.reports import counters

    counters.ensure_installed(connections[using])


class ReportsConfig(AppConfig):
    name = "muster.reports"
    label = "reports"

    def ready(self) -> None:
        post_migrate.connect(_counters_in_place, sender=self)
