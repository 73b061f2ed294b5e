"""Events of registration that other apps may follow (screening screens each new person, tracing
checks new and corrected records against its open requests)."""

from django.dispatch import Signal

#: Sent at the end of ``register_household``, inside its transaction, with ``household`` and
#: ``persons``; also by the bulk import once per chunk, with ``household=None`` and the chunk's
#: persons (of several households). Receivers that do slow work must defer it with ``transaction.on_commit``.
household_registered = Signal()

#: Sent at the end of ``correct_person``, inside its transaction, with ``person`` and ``fields`` (the
#: names of the fields that changed), when a correction changed anything. Tracing checks the
#: corrected record against the open requests again, as it does a new registration.
person_corrected = Signal()

#: Sent by an import before it registers many households in a row, chunk after chunk, each chunk
#: committed on its own; ``registrations_finished`` after the last (also when it stopped on an
#: error). In between, a receiver may do what it defers on ``household_registered`` beside the
#: import instead of in its way (screening scores each chunk in a second process while the next is
#: written); once ``registrations_finished`` has returned, that work is done.
registrations_started = Signal()
registrations_finished = Signal()
