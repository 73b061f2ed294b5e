"""Logging filters for the server's output."""

import logging


class OneLineForbidden(logging.Filter):
    """A refused request (403) is routine: the policy said no, and the refusal is already in the
    audit log. Log it as one line, without the traceback of the PermissionDenied behind it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
