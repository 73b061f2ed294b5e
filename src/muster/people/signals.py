"""Events of registration that other apps may follow (screening screens each new person)."""

from django.dispatch import Signal

#: Sent at the end of ``register_household``, inside its transaction, with ``household`` and
#: ``persons``; also by the bulk import once per chunk, with ``household=None`` and the chunk's
#: persons (of several households). Receivers that do slow work must defer it with ``transaction.on_commit``.
household_registered = Signal()
