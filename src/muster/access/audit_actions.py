"""The audit actions access records. The values are stored in the audit log and covered by its
hash chain: never change one; add a new member for a new action (and its label in
``muster.audit.labels``)."""

from enum import StrEnum


class AccessAction(StrEnum):
    ACCOUNT_LOCK = "account.lock"
    API_TOKEN_EXPIRE = "api_token.expire"
    API_TOKEN_ISSUE = "api_token.issue"
    API_TOKEN_REVOKE = "api_token.revoke"
    API_TOKEN_ROTATE = "api_token.rotate"
    API_TOKEN_USE = "api_token.use"
    LOGIN_2FA_FAILURE = "login.2fa_failure"
    LOGIN_2FA_SUCCESS = "login.2fa_success"
    LOGIN_FAILURE = "login.failure"
    LOGIN_LOCKED = "login.locked"
    LOGIN_SUCCESS = "login.success"
    LOGOUT = "logout"
    PASSWORD_CHANGE = "password.change"
    PASSWORD_RESET = "password.reset"
    ROLE_GRANT = "role.grant"
    ROLE_REVOKE = "role.revoke"
    SESSION_EXPIRE = "session.expire"
    TOTP_ENROL = "totp.enrol"
    TOTP_RESET = "totp.reset"
    USER_CREATE = "user.create"
    USER_DEACTIVATE = "user.deactivate"
    USER_LIST = "user.list"
    USER_REACTIVATE = "user.reactivate"
