"""Access: roles, the one policy (role -> actions, fields, scope) and its checks."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "muster.access"
    label = "access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from muster.access.middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="muster_session_clock")
