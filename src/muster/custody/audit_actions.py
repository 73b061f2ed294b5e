"""The audit actions custody records. The values are stored in the audit log and covered by its
hash chain: never change one; add a new member for a new action (and its label in
``muster.audit.labels``)."""

from enum import StrEnum


class CustodyAction(StrEnum):
    DISPATCH_PERSONS_LIST = "dispatch.persons.list"
    FACILITY_CREATE = "facility.create"
    FACILITY_PERSONS_LIST = "facility.persons.list"
    FACILITY_UPDATE = "facility.update"
    MOVEMENT_DISPATCH = "movement.dispatch"
    MOVEMENT_MANIFEST_READ = "movement.manifest.read"
    MOVEMENT_RECEIVE = "movement.receive"
    PERSON_DISPATCH = "person.dispatch"
    PERSON_RECEIVE = "person.receive"
    PERSON_REPORTED_MISSING = "person.reported_missing"
    PLACEMENT_CREATE = "placement.create"
    PLACEMENT_EXIT = "placement.exit"
    PLACEMENT_END_FOR_MERGE = "placement.end_for_merge"
    PLACEMENT_RESTORE_AFTER_UNMERGE = "placement.restore_after_unmerge"
    RECEIVE_PERSONS_LIST = "receive.persons.list"
    ROLL_CALL_CLOSE = "rollcall.close"
    ROLL_CALL_MARK = "rollcall.mark"
    ROLL_CALL_PERSONS_LIST = "rollcall.persons.list"
    ROLL_CALL_START = "rollcall.start"
    UNACCOUNTED_READ = "unaccounted.read"
