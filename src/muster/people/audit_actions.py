"""The audit actions people records. The values are stored in the audit log and covered by its
hash chain: never change one; add a new member for a new action (and its label in
``muster.audit.labels``)."""

from enum import StrEnum


class PeopleAction(StrEnum):
    HOUSEHOLD_ADD_MEMBER = "household.add_member"
    HOUSEHOLD_HEAD_CHANGE = "household.head_change"
    HOUSEHOLD_MEMBERS_LIST = "household.members.list"
    HOUSEHOLD_REGISTER = "household.register"
    PERSON_CORRECT = "person.correct"
    PERSON_DOCUMENT_ADD = "person.document.add"
    PERSON_MERGE = "person.merge"
    PERSON_PHOTO_ADD = "person.photo.add"
    PERSON_PHOTO_READ = "person.photo.read"
    PERSON_READ = "person.read"
    PERSON_REGISTER = "person.register"
    PERSON_SEARCH = "person.search"
    PERSON_SLIP_PRINT = "person.slip.print"
    PERSON_UNMERGE = "person.unmerge"
