"""The audit actions protection records. The values are stored in the audit log and covered by its
hash chain: never change one; add a new member for a new action (and its label in
``muster.audit.labels``)."""

from enum import StrEnum


class ProtectionAction(StrEnum):
    HOUSEHOLD_SEPARATE = "household.separate"
    PROTECTION_REVIEW = "protection.review"
