from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "muster.screening"
    label = "screening"

    def ready(self) -> None:
        # Every new registration is screened once its transaction has committed.
        from muster.people.signals import household_registered
        from muster.screening import services

        household_registered.connect(
            services.on_household_registered, dispatch_uid="screening.on_registration"
        )
