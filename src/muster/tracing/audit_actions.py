"""The audit actions tracing records. The values are stored in the audit log and covered by its
hash chain: never change one; add a new member for a new action (and its label in
``muster.audit.labels``)."""

from enum import StrEnum


class TracingAction(StrEnum):
    TRACING_BEST_INTERESTS = "tracing.best_interests"
    TRACING_CANDIDATE_CONFIRM = "tracing.candidate.confirm"
    TRACING_CANDIDATE_CONFIRM_PROPOSE = "tracing.candidate.confirm_propose"
    TRACING_CANDIDATE_REJECT = "tracing.candidate.reject"
    TRACING_CANDIDATES_FIND = "tracing.candidates.find"
    TRACING_CANDIDATES_READ = "tracing.candidates.read"
    TRACING_EXPORT = "tracing.export"
    TRACING_IMPORT = "tracing.import"
    TRACING_REGISTRATION_CHECK = "tracing.registration.check"
    TRACING_REQUEST_CLOSE = "tracing.request.close"
    TRACING_REQUEST_LIST = "tracing.request.list"
    TRACING_REQUEST_OPEN = "tracing.request.open"
    TRACING_REQUEST_PHOTO_READ = "tracing.request.photo.read"
    TRACING_REQUEST_READ = "tracing.request.read"
    TRACING_REQUEST_UPDATE = "tracing.request.update"
    TRACING_REUNIFY = "tracing.reunify"
    TRACING_REUNIFY_RECEIPT = "tracing.reunify.receipt"
    TRACING_VERIFICATION = "tracing.verification"
