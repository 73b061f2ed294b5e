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
        from muster.core import rows
        from muster.reports.counter_triggers import BULK_TABLES, BulkInsertCounts

        for table in BULK_TABLES:  # an import's persons and placements counted once per insert
            rows.BULK_INSERT_HOOKS[table] = BulkInsertCounts(table)
