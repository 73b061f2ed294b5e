"""The audit actions intake records. The values are stored in the audit log and covered by its
hash chain: never change one; add a new member for a new action (and its label in
``muster.audit.labels``)."""

from enum import StrEnum


class IntakeAction(StrEnum):
    IMPORT = "intake.import"
    IMPORT_READ = "intake.import.read"
    IMPORT_START = "intake.import.start"
