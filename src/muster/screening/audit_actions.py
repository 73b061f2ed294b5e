"""The audit actions screening records. The values are stored in the audit log and covered by its
hash chain: never change one; add a new member for a new action (and its label in
``muster.audit.labels``)."""

from enum import StrEnum


class ScreeningAction(StrEnum):
    CATEGORY_APPROVE = "category.approve"
    CATEGORY_DECIDE = "category.decide"
    CATEGORY_PROPOSE = "category.propose"
    CATEGORY_REFUSE = "category.refuse"
    SCREENING_ADJUDICATE = "screening.adjudicate"
    SCREENING_APPROVALS_READ = "screening.approvals.read"
    SCREENING_BATCH_START = "screening.batch.start"
    SCREENING_HIT = "screening.hit"
    SCREENING_HIT_LIST = "screening.hit.list"
    SCREENING_LIST_IMPORT = "screening.list.import"
    SCREENING_QUEUE_READ = "screening.queue.read"
    SCREENING_RUN = "screening.run"
    SCREENING_UNDO_MERGE = "screening.undo_merge"
