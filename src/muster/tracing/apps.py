from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "muster.tracing"
    label = "tracing"

    def ready(self) -> None:
        # Every new registration is checked against the open tracing requests once it has committed
        # (people's signal; screening and intake never learn that anyone is sought).
        from muster.departures.signals import departure_confirmed
        from muster.people.signals import household_registered, person_corrected
        from muster.tracing import services

        household_registered.connect(
            services.on_household_registered, dispatch_uid="tracing.on_registration"
        )
        # So is a corrected record (its name may now be the one the family gave).
        person_corrected.connect(services.on_person_corrected, dispatch_uid="tracing.on_correction")
        # A reunification's receipt, recorded here or on the departure's pages, reunites.
        departure_confirmed.connect(
            services.on_departure_confirmed, dispatch_uid="tracing.on_departure_confirmed"
        )
