"""Muster's own settings, typed, with their defaults, read in one place.

``settings.MUSTER`` (filled from the environment by :mod:`muster.settings`) may leave any key out;
the default here applies. Read through :func:`conf` on each use, so ``override_settings`` in tests
and a changed environment are seen.
"""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class MusterSettings:
    # A person dispatched and not received after this many hours is listed as unaccounted.
    UNACCOUNTED_AFTER_HOURS: float = 12.0
    # Sessions end after this long without a request, and this long after sign-in whatever happens.
    SESSION_IDLE_MINUTES: float = 30.0
    SESSION_MAX_HOURS: float = 12.0
    # An account is locked from one source address for LOGIN_LOCK_MINUTES after LOGIN_LOCK_AFTER
    # failures in a row from there; a source address after LOGIN_IP_LIMIT failures (any accounts)
    # within the same window.
    LOGIN_LOCK_AFTER: int = 5
    LOGIN_LOCK_MINUTES: float = 15.0
    LOGIN_IP_LIMIT: int = 30
    # Failures in a row, from any addresses, that lock an account everywhere (see locked_until).
    LOGIN_ACCOUNT_LIMIT: int = 50
    # Roles that must sign in with a second factor (TOTP): every role, by default.
    TOTP_REQUIRED_ROLES: tuple[str, ...] = (
        "registration_officer",
        "screening_officer",
        "camp_manager",
        "tracing_caseworker",
        "repatriation_officer",
        "coordinator",
        "auditor",
        "administrator",
    )
    # Reverse proxies (their addresses) whose X-Forwarded-For is believed: behind one, every request
    # comes from the proxy, and the locks per source address would lock everyone together. Empty
    # (the default without MUSTER_TLS_PROXY): the header is ignored, a client could write anything.
    TRUSTED_PROXIES: tuple[str, ...] = ()
    # Token requests per source address (DRF rate syntax): password guessing through the API.
    API_TOKEN_RATE: str = "10/minute"
    # An API token dies this long after it was issued, and after this long unused (like a session).
    API_TOKEN_HOURS: float = 12.0
    API_TOKEN_IDLE_MINUTES: float = 60.0
    # Screening bands: a match probability at or above LIKELY is "likely", at or above POSSIBLE
    # "possible"; below it nothing is shown (the reasons for the values are in bench/RESULTS.md).
    SCREENING_LIKELY: float = 0.97
    SCREENING_POSSIBLE: float = 0.8
    # The most rows one reference-list file may hold; a bigger file is refused before it is imported.
    LIST_MAX_ROWS: int = 250_000
    # A file of Kobo / ODK submissions holding at most this many is imported while the officer
    # waits; a larger one goes to the background worker, its progress shown on the page.
    IMPORT_IN_REQUEST_MAX: int = 100
    # An import of at least this many households to register is screened beside the writing: each
    # chunk scored in a second process while the next is written (where the system can fork one);
    # a smaller one chunk after chunk, in the importing process.
    IMPORT_SCREEN_BESIDE_FROM: int = 1000
    # The domain of the PFIF person_record_ids this instance writes (domain/request number): one
    # name, whichever page, command or address the export is made from, so that a repository
    # importing it twice updates its records instead of adding them again.
    PFIF_DOMAIN: str = "muster.local"


_NAMES = frozenset(f.name for f in fields(MusterSettings))


def conf() -> MusterSettings:
    """The settings in force: ``settings.MUSTER`` over the defaults (unknown keys are refused)."""
    given = dict(getattr(settings, "MUSTER", None) or {})
    unknown = sorted(set(given) - _NAMES)
    if unknown:
        raise KeyError(f"unknown MUSTER setting(s): {', '.join(unknown)}")
    for key in ("TOTP_REQUIRED_ROLES", "TRUSTED_PROXIES"):
        if key in given:
            given[key] = tuple(given[key])
    return MusterSettings(**given)
