"""Django settings for Muster.

SQLite in a data directory is the embedded default (``MUSTER_DATA``, default ``./muster-data``);
``DATABASE_URL=postgres://...`` switches to PostgreSQL.
"""

import math
import os
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MUSTER_DATA", "muster-data")).resolve()


def _env_number(
    name: str,
    default: float | None,
    expected: str,
    valid: Callable[[float], bool] = lambda value: value > 0,
    *,
    whole: bool = False,
):
    """The number in environment variable ``name`` (``default`` when unset or empty).

    A value that is not a (whole) number, or not ``valid``, stops start-up with a message naming the
    variable, the value and what is ``expected``, instead of a bare ValueError.
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        kind = "a whole number" if whole else "a number"
        raise ImproperlyConfigured(f"{name}={text!r} is not {kind}; expected {expected}")
    if not valid(value):
        raise ImproperlyConfigured(f"{name}={text!r} is out of range; expected {expected}")
    return value


def _secret_key() -> str:
    """A per-installation secret kept in the data directory (never in the code)."""
    if key := os.environ.get("MUSTER_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    import secrets

    key = secrets.token_urlsafe(50)
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(key)
        path.chmod(0o600)
    except OSError:
        pass  # read-only location (e.g. a test runner): an ephemeral key is fine
    return key


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("MUSTER_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h
    for h in os.environ.get("MUSTER_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("MUSTER_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "muster.audit",
    "muster.access",
    "muster.people",
    "muster.protection",
    "muster.custody",
    "muster.screening",
    "muster.intake",
    "muster.departures",
    "muster.tracing",
    "muster.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "muster.core.middleware.SecurityHeadersMiddleware",
    "muster.core.middleware.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "muster.core.middleware.RefuseNulMiddleware",
    "muster.access.middleware.AuditRefusalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "muster.access.middleware.SessionExpiryMiddleware",
    "muster.access.middleware.TwoFactorMiddleware",
    "muster.access.middleware.PasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "muster.urls"
WSGI_APPLICATION = "muster.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "muster.web.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'muster.sqlite3'}",
        conn_max_age=_env_number(
            "MUSTER_CONN_MAX_AGE",
            0,
            "a whole number of seconds, 0 or more",
            lambda seconds: seconds >= 0,
            whole=True,
        ),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a background job writes; a busy timeout instead of
    # "database is locked" errors on a slow laptop.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }


def private_sqlite_file(path: Path) -> None:
    """The database holds everyone's record: its directory 0700, the file 0600 (SQLite gives its
    -wal and -shm files the database file's mode). The umask would otherwise leave it 0644."""
    try:
        if path.parent == DATA_DIR or not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.parent.chmod(0o700)
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        path.chmod(0o600)
    except OSError:
        pass  # read-only location or not ours: SQLite reports what matters when it opens it


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and str(
    DATABASES["default"].get("NAME", "")
) not in ("", ":memory:"):
    private_sqlite_file(Path(DATABASES["default"]["NAME"]))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    # The username (any case, with a digit or two added) is the first guess anyone makes.
    {
        "NAME": "muster.access.passwords.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username",), "max_similarity": 0.6},
    },
    {
        "NAME": "muster.access.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "muster.access.passwords.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# Sessions: the cookie dies after the absolute lifetime; SessionExpiryMiddleware also ends a session
# after MUSTER["SESSION_IDLE_MINUTES"] without a request, and when the user is deactivated.
_SESSION_MAX_HOURS = _env_number("MUSTER_SESSION_MAX_HOURS", 12.0, "a number of hours above 0")
SESSION_COOKIE_AGE = int(_SESSION_MAX_HOURS * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Outside the demo Muster is served behind TLS (README, "Serving behind TLS"): cookies only over
# HTTPS and HSTS. `muster demo` (MUSTER_DEMO=1) serves plain HTTP on 127.0.0.1 and turns both off;
# MUSTER_SECURE_COOKIES=0/1 overrides the cookie flag either way.
DEMO = os.environ.get("MUSTER_DEMO", "") == "1"
SESSION_COOKIE_SECURE = os.environ.get("MUSTER_SECURE_COOKIES", "0" if DEMO else "1") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = (
    0
    if DEMO
    else int(
        _env_number("MUSTER_HSTS_SECONDS", 31536000, "seconds >= 0", lambda v: v >= 0, whole=True)
    )
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # the proxy's other names are not ours to pin
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only behind a proxy that sets X-Forwarded-Proto itself (and strips the client's) may the header be
# believed; otherwise anyone could claim HTTPS.
TLS_PROXY = os.environ.get("MUSTER_TLS_PROXY", "") == "1"
if TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ar", "العربية"),
    ("ckb", "کوردی (سۆرانی)"),
    ("kmr", "Kurdî (Kurmancî)"),
]
# Django knows Sorani (ckb, right-to-left) but not Kurmanji: get_language_info("kmr") needs this.
LANG_INFO.setdefault(
    "kmr",
    {
        "bidi": False,
        "code": "kmr",
        "name": "Northern Kurdish (Kurmanji)",
        "name_local": "Kurdî (Kurmancî)",
    },
)
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats of the Kurdish UIs (locale/<lang>/formats.py): numbers, not Django's ckb month names.
FORMAT_MODULE_PATH = ["muster.locale"]
TIME_ZONE = os.environ.get("MUSTER_TIME_ZONE", "Asia/Damascus")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# No collected static directory by default: WhiteNoise serves straight from the package (finders).
STATIC_ROOT = os.environ.get("MUSTER_STATIC_ROOT") or None
# The package-wide static files (CSS, htmx, fonts) are not inside an app: tell the finders.
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = (
    True  # serve straight from the package: no collectstatic step on a field laptop
)
# Files browsers ask for at the site's root (/favicon.ico, asked by pages without an icon link such as
# the API's JSON and by some browsers regardless).
WHITENOISE_ROOT = BASE_DIR / "root"
MEDIA_ROOT = DATA_DIR / "media"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "muster.access.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "muster.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["muster.api.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Muster API",
    "DESCRIPTION": "Registration, screening and custody tracking for mass evacuations.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed package, never a CDN (offline, no unpinned script); the schema
    # and the docs describe every endpoint, so only a signed-in user reads them.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Several models have a "status", "kind" or "outcome": name the custody ones so the enums
    # in the schema keep stable, readable names.
    "ENUM_NAME_OVERRIDES": {
        "MovementStatusEnum": "muster.custody.models.Movement.Status",
        "FacilityKindEnum": "muster.custody.models.Facility.Kind",
        "ManifestOutcomeEnum": "muster.custody.models.ManifestLine.Outcome",
        "VerificationStepKindEnum": "muster.tracing.models.VerificationStep.Kind",
        "BestInterestsOutcomeEnum": "muster.tracing.models.BestInterestsDetermination.Outcome",
        "TracingRequestStatusEnum": "muster.tracing.models.TracingRequest.Status",
        "TracingCandidateStatusEnum": "muster.tracing.models.TracingCandidate.Status",
        "DepartureKindEnum": "muster.departures.models.Kind",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Muster's own settings
MUSTER = {
    # The most rows one reference-list file may hold (larger files are refused, naming the limit).
    "LIST_MAX_ROWS": _env_number(
        "MUSTER_LIST_MAX_ROWS", 250_000, "a whole number of rows, 1 or more", whole=True
    ),
    # A person dispatched and not received after this many hours is listed as unaccounted.
    "UNACCOUNTED_AFTER_HOURS": _env_number(
        "MUSTER_UNACCOUNTED_AFTER_HOURS", 12.0, "a number of hours above 0"
    ),
    # Sessions end after this long without a request, and this long after sign-in whatever happens.
    "SESSION_IDLE_MINUTES": _env_number(
        "MUSTER_SESSION_IDLE_MINUTES", 30.0, "a number of minutes above 0"
    ),
    "SESSION_MAX_HOURS": _SESSION_MAX_HOURS,
    # API tokens: the same two clocks (scripts run longer between requests than people click).
    "API_TOKEN_HOURS": _env_number("MUSTER_API_TOKEN_HOURS", 12.0, "a number of hours above 0"),
    "API_TOKEN_IDLE_MINUTES": _env_number(
        "MUSTER_API_TOKEN_IDLE_MINUTES", 60.0, "a number of minutes above 0"
    ),
    # An account is locked for LOGIN_LOCK_MINUTES after LOGIN_LOCK_AFTER failures in a row; a source
    # address is refused after LOGIN_IP_LIMIT failures (any accounts) within the same window.
    "LOGIN_LOCK_AFTER": _env_number(
        "MUSTER_LOGIN_LOCK_AFTER", 5, "a whole number of failures, 1 or more", whole=True
    ),
    "LOGIN_LOCK_MINUTES": _env_number(
        "MUSTER_LOGIN_LOCK_MINUTES", 15.0, "a number of minutes above 0"
    ),
    "LOGIN_ACCOUNT_LIMIT": _env_number(
        "MUSTER_LOGIN_ACCOUNT_LIMIT", 50, "a whole number of failures, 1 or more", whole=True
    ),
    "LOGIN_IP_LIMIT": _env_number(
        "MUSTER_LOGIN_IP_LIMIT", 30, "a whole number of failures, 1 or more", whole=True
    ),
    # The reverse proxies whose X-Forwarded-For names the client (for the sign-in locks and the
    # audit log): by default the proxy on this machine when MUSTER_TLS_PROXY=1, else none.
    "TRUSTED_PROXIES": [
        a.strip()
        for a in os.environ.get(
            "MUSTER_TRUSTED_PROXIES", "127.0.0.1,::1" if TLS_PROXY else ""
        ).split(",")
        if a.strip()
    ],
    # Roles that must sign in with a second factor (TOTP): by default every role (each reads
    # personal data, the audit log of it, or grants the roles that do). MUSTER_TOTP_REQUIRED_ROLES=""
    # turns the requirement off (users who enrolled anyway are still asked for their code).
    "TOTP_REQUIRED_ROLES": [
        r.strip()
        for r in os.environ.get(
            "MUSTER_TOTP_REQUIRED_ROLES",
            "registration_officer,screening_officer,camp_manager,tracing_caseworker,"
            "repatriation_officer,coordinator,auditor,administrator",
        ).split(",")
        if r.strip()
    ],
    # The domain of the PFIF person_record_ids (tracing exports): this deployment's own name.
    "PFIF_DOMAIN": os.environ.get("MUSTER_PFIF_DOMAIN", "").strip() or "muster.local",
}
# Screening hits: match probability at or above SCREENING_LIKELY is "likely", at or above
# SCREENING_POSSIBLE "possible"; below it nothing is shown.  The defaults, chosen from what
# bench/screening.py measures, live once in muster.screening.matching; these only override them.
for _key in ("SCREENING_LIKELY", "SCREENING_POSSIBLE"):
    _threshold = _env_number(
        f"MUSTER_{_key}", None, "a value between 0 and 1", lambda value: 0 <= value <= 1
    )
    if _threshold is not None:
        MUSTER[_key] = _threshold

# No personal data in logs: Person.__str__ is only the registration number, and the loggers that
# would echo request bodies or SQL parameters (names!) are held above DEBUG whatever MUSTER_LOG_LEVEL.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"one_line_forbidden": {"()": "muster.core.logfilters.OneLineForbidden"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MUSTER_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"filters": ["one_line_forbidden"], "propagate": True},
        "django.db.backends": {"level": "WARNING", "propagate": True},
        "django.template": {"level": "WARNING", "propagate": True},
    },
}
