"""The audit actions audit records. The values are stored in the audit log and covered by its
hash chain: never change one; add a new member for a new action (and its label in
``muster.audit.labels``)."""

from enum import StrEnum


class AuditAction(StrEnum):
    AUDIT_SEARCH = "audit.search"
    BACKUP_CREATE = "backup.create"
    BACKUP_RESTORE = "backup.restore"
    EXPORT = "export"
    PERSON_LIST = "person.list"
    REQUEST_DENIED = "request.denied"
    SCENARIO_LOAD = "scenario.load"
