"""Events of registration that other apps may follow (screening screens each new person)."""

from django.dispatch import Signal

#: Sent at the end of ``register_household``, inside its transaction, with ``household`` and
#: ``persons``. Receivers that do slow work must defer it with ``transaction.on_commit``.
household_registered = Signal()
