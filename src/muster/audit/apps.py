from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "muster.audit"
    label = "audit"

    def ready(self) -> None:
        from muster.audit import guard

        guard.install()
