"""The verbs of access: users, role grants (with separation of duties), sign-in throttling, sessions,
TOTP.

One module per sub-domain: ``grants`` (users, role grants, separation of duties), ``sessions``
(deactivation, sign-in throttling), ``totp`` (two-factor authentication) and ``tokens`` (API
tokens). Import the verbs from here: ``from muster.access import services as access``."""

from muster.access.services.grants import (
    Account,
    accounts,
    check_role,
    create_user,
    facility_named,
    grant_role,
    grants_in_force,
    new_user_problems,
    revoke_role,
    revoke_roles,
    user_named,
)
from muster.access.services.sessions import (
    deactivate_user,
    end_sessions,
    lock_window,
    locked_until,
    note_login_attempt,
    password_change_required,
    reactivate_user,
    sessions_valid_after,
    set_own_password,
    set_temporary_password,
)
from muster.access.services.tokens import (
    api_token_refusal,
    new_api_token,
    revoke_api_token,
    token_id,
)
from muster.access.services.totp import (
    confirm_totp_enrolment,
    confirmed_device,
    provisioning_uri,
    reset_totp,
    second_factor_needed,
    start_totp_enrolment,
    totp_required,
    verify_totp,
)

__all__ = [
    "user_named",
    "facility_named",
    "grants_in_force",
    "grant_role",
    "revoke_role",
    "revoke_roles",
    "Account",
    "accounts",
    "check_role",
    "create_user",
    "new_user_problems",
    "end_sessions",
    "sessions_valid_after",
    "deactivate_user",
    "reactivate_user",
    "set_own_password",
    "set_temporary_password",
    "password_change_required",
    "lock_window",
    "locked_until",
    "note_login_attempt",
    "totp_required",
    "confirmed_device",
    "second_factor_needed",
    "start_totp_enrolment",
    "provisioning_uri",
    "confirm_totp_enrolment",
    "verify_totp",
    "reset_totp",
    "token_id",
    "new_api_token",
    "revoke_api_token",
    "api_token_refusal",
]
