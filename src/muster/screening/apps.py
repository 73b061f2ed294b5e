from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "muster.screening"
    label = "screening"

    def ready(self) -> None:
        # Every new registration is screened once its transaction has committed.
        from muster.people.signals import (
            household_registered,
            registrations_finished,
            registrations_started,
        )
        from muster.screening import services
        from muster.screening.services import beside

        household_registered.connect(
            services.on_household_registered, dispatch_uid="screening.on_registration"
        )
        # A long import's chunks are screened in a second process while the next is written.
        registrations_started.connect(beside.start, dispatch_uid="screening.beside_start")
        registrations_finished.connect(beside.finish, dispatch_uid="screening.beside_finish")
