"""The audit actions departures record. The values are stored in the audit log and covered by its
hash chain: never change one; add a new member for a new action (and its label in
``muster.audit.labels``)."""

from enum import StrEnum


class DeparturesAction(StrEnum):
    DEPARTURE_APPROVE = "departure.approve"
    DEPARTURE_CANCEL = "departure.cancel"
    DEPARTURE_CANDIDATES_LIST = "departure.candidates.list"
    DEPARTURE_CONFIRM = "departure.confirm"
    DEPARTURE_DEATH = "departure.death"
    DEPARTURE_DISCREPANCIES_LIST = "departure.discrepancies.list"
    DEPARTURE_DISPATCH = "departure.dispatch"
    DEPARTURE_IMPORT = "departure.import"
    DEPARTURE_LIST = "departure.list"
    DEPARTURE_MANIFEST_READ = "departure.manifest.read"
    DEPARTURE_PLAN = "departure.plan"
    PERSON_DEPART_CONFIRM = "person.depart.confirm"
    PERSON_DEPART_DEATH = "person.depart.death"
    PERSON_DEPART_DISPATCH = "person.depart.dispatch"
    PERSON_NATIONALITY_VERIFY = "person.nationality.verify"
