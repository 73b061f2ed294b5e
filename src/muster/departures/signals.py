"""Events of departures that apps above may follow (tracing marks a request reunited)."""

from django.dispatch import Signal

#: Sent at the end of ``confirm`` (and so of ``import_receipt``), inside its transaction, with
#: ``departure``, ``outcomes`` (person id -> the outcome just recorded), ``by`` and ``request``. A receiver's writes
#: belong to the same transaction: a failure there refuses the whole confirmation.
departure_confirmed = Signal()
