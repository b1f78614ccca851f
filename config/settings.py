"""Settings for tuquan, read from the environment only.

Every variable is documented in `.env.example`. A malformed value stops the
start with the variable's name (see config/env.py).
"""

import base64
import binascii
import datetime
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import env, timeouts

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = env.string("SECRET_KEY")
DEBUG = env.boolean("DEBUG", default=False)
ALLOWED_HOSTS = env.string_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", default=[])
# Web-based apps (a Zalo Mini App, a ward's own site) call the public intake API from
# their own origin: those listed here may, and only that API, without cookies. Staff
# APIs stay same-origin or token-based from servers and native apps.
CORS_ALLOWED_ORIGINS = env.string_list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/v1/public/"
CORS_ALLOW_CREDENTIALS = False


def _fernet_keys(name: str) -> list[str]:
    """Comma-separated Fernet keys, newest first; older ones only decrypt."""
    keys = env.string_list(name, default=[])
    if not keys:
        raise ImproperlyConfigured(f"{name} must be set (see .env.example)")
    for key in keys:
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated url-safe base64 keys of 32 bytes"
            )
    return keys


FIELD_ENCRYPTION_KEYS = _fernet_keys("FIELD_ENCRYPTION_KEY")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "corsheaders",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "treebeard",
    "import_export",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_prometheus",
    "groups",
    "reports",
    "patrols",
    "mediation",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    # Outermost: request counts and latency for Prometheus (config/metrics.py).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # First: a body too large, truncated or not in UTF-8 is refused before anything reads it.
    "config.request_body.RequestBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before CommonMiddleware, so that its redirects carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Lets the audit trail (groups/audit.py) name the user and session of the request.
    "groups.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.user.is_verified(): the session passed a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Idle timeout, absolute lifetime, the second factor staff must have
    # (groups/staff_sessions.py); after the messages, which say why one was signed out.
    "groups.staff_sessions.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # request.htmx: whether htmx asked for a part of a page (groups/htmx.py).
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a sign-in refused by the lock into our page with the time to wait.
    "axes.middleware.AxesMiddleware",
    # Dashboard and export reads go to the replica when there is one (config/replica.py).
    "config.replica.ReplicaReadsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "groups.identity.identity",
            ],
        },
    },
]

# Seconds to wait for PostgreSQL (config/timeouts.py): a connection, and a
# statement of a web request or of a worker / management command; 0: no limit.
DATABASE_CONNECT_TIMEOUT = env.integer("DATABASE_CONNECT_TIMEOUT", default=3)
DATABASE_STATEMENT_TIMEOUT = env.integer("DATABASE_STATEMENT_TIMEOUT", default=15)
WORKER_DATABASE_STATEMENT_TIMEOUT = env.integer("WORKER_DATABASE_STATEMENT_TIMEOUT", default=240)
if min(DATABASE_STATEMENT_TIMEOUT, WORKER_DATABASE_STATEMENT_TIMEOUT) < 0:
    raise ImproperlyConfigured("DATABASE_STATEMENT_TIMEOUT settings must be 0 or more")
if DATABASE_CONNECT_TIMEOUT < 2:
    # libpq reads anything below 2 as 2; 0 would mean wait forever.
    raise ImproperlyConfigured("DATABASE_CONNECT_TIMEOUT must be 2 or more")
DATABASES = {
    "default": timeouts.with_timeouts(
        env.database("DATABASE_URL"),
        connect_seconds=DATABASE_CONNECT_TIMEOUT,
        statement_seconds=DATABASE_STATEMENT_TIMEOUT,
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.integer("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The intake's few hot queries run as prepared statements (groups/compiled_queries.py):
# PostgreSQL plans them once per connection. Every other query binds on the client
# and is never prepared. Off (0) behind PgBouncer in transaction mode older than
# 1.21, which cannot keep a statement prepared on one connection for the next.
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
    0 if env.boolean("DATABASE_PREPARED_STATEMENTS", default=True) else None
)
# A streaming replica (hot standby) for the dashboard's and exports' reads
# (config/replica.py); every write and every other read goes to the primary.
# Reads fall back to the primary while the replica is down or lags more than
# REPLICA_MAX_LAG_SECONDS behind it.
if env.string("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = timeouts.with_timeouts(
        env.database("DATABASE_REPLICA_URL"),
        connect_seconds=DATABASE_CONNECT_TIMEOUT,
        statement_seconds=DATABASE_STATEMENT_TIMEOUT,
    )
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests run against the primary's test database under this name.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env.integer("REPLICA_MAX_LAG_SECONDS", default=30)
# After a user's write (any POST), their reads stay on the primary this long,
# so that they see what they just did even on a lagging replica.
REPLICA_PIN_SECONDS = env.integer("REPLICA_PIN_SECONDS", default=max(REPLICA_MAX_LAG_SECONDS, 15))
if REPLICA_MAX_LAG_SECONDS < 1 or REPLICA_PIN_SECONDS < REPLICA_MAX_LAG_SECONDS:
    raise ImproperlyConfigured(
        "REPLICA_MAX_LAG_SECONDS must be 1 or more and REPLICA_PIN_SECONDS at least as large"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.redis_url("REDIS_URL")
# Seconds to wait for Redis: connecting, and any answer. The cache and the rate
# limits of the public pages (reports/ratelimit.py) use these.
REDIS_CONNECT_TIMEOUT = env.integer("REDIS_CONNECT_TIMEOUT", default=2)
REDIS_SOCKET_TIMEOUT = env.integer("REDIS_SOCKET_TIMEOUT", default=2)
if min(REDIS_CONNECT_TIMEOUT, REDIS_SOCKET_TIMEOUT) < 1:
    raise ImproperlyConfigured("REDIS_CONNECT_TIMEOUT and REDIS_SOCKET_TIMEOUT must be 1 or more")
CACHES = {
    "default": {
        "BACKEND": "config.redis_cache.PooledRedisCache",
        "LOCATION": REDIS_URL,
        # The test suite's pytest-xdist workers share one Redis: each keeps its keys
        # apart (a process a test starts inherits PYTEST_XDIST_WORKER, so it agrees).
        "KEY_PREFIX": "tuquan" + os.environ.get("PYTEST_XDIST_WORKER", ""),
        "OPTIONS": {
            "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
        },
    }
}

AUTH_USER_MODEL = "groups.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# The lock on guessing (django-axes) sits in front of every password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Our own list: Vietnamese words and names people make passwords of (groups/passwords.py).
    {"NAME": "groups.passwords.VietnamesePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sign-in (docs/security.md). The second factor (django-otp: TOTP and one-time
# recovery codes) is required of ward police, province administrators, superusers and
# anyone with is_staff, and optional for leaders and members (groups/second_factor.py).
OTP_TOTP_ISSUER = env.string("OTP_TOTP_ISSUER", default="tuquan")
# Nobody reads a user's authenticator key or its QR code back from the admin: whoever
# sees it can make that user's codes (django-otp then refuses those admin pages).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Seconds a password-checked sign-in waits for its second factor before starting over.
SECOND_FACTOR_PENDING_SECONDS = 300

# django-axes: failed sign-ins are counted per username and per client address; five
# lock that username or address for a cool-off, and each further failure locks it
# again for twice as long (groups/sign_in_lock.py), up to a ceiling: never for good.
AXES_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
LOGIN_COOLOFF_MINUTES = env.integer("LOGIN_COOLOFF_MINUTES", default=5)
LOGIN_COOLOFF_MAX_MINUTES = env.integer("LOGIN_COOLOFF_MAX_MINUTES", default=60)
if AXES_FAILURE_LIMIT < 1 or not 1 <= LOGIN_COOLOFF_MINUTES <= LOGIN_COOLOFF_MAX_MINUTES:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_LIMIT must be 1 or more and "
        "1 <= LOGIN_COOLOFF_MINUTES <= LOGIN_COOLOFF_MAX_MINUTES"
    )
AXES_COOLOFF_TIME = "groups.sign_in_lock.cool_off"
AXES_LOCKOUT_CALLABLE = "groups.sign_in_lock.lockout_response"
AXES_CLIENT_IP_CALLABLE = "groups.sign_in_lock.client_address"
AXES_HANDLER = "groups.sign_in_lock.LockHandler"
AXES_RESET_ON_SUCCESS = True
# Attempts while locked neither count nor extend the lock: the lock ends when announced.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
# Axes keeps the posted form of a failure; a mistyped recovery code is nearly a real one.
AXES_SENSITIVE_PARAMETERS = ["token", "csrfmiddlewaretoken"]
# Who signed in when is the audit trail's business; axes keeps only what the lock needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Sessions: signed out after this many minutes without a request (police and
# administrators, and leaders and members, who may be out on a patrol), and after
# SESSION_ABSOLUTE_HOURS whatever they do (groups/staff_sessions.py).
STAFF_IDLE_MINUTES = env.integer("STAFF_IDLE_MINUTES", default=30)
COMMUNITY_IDLE_MINUTES = env.integer("COMMUNITY_IDLE_MINUTES", default=480)
SESSION_ABSOLUTE_HOURS = env.integer("SESSION_ABSOLUTE_HOURS", default=12)
if min(STAFF_IDLE_MINUTES, COMMUNITY_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS) < 1:
    raise ImproperlyConfigured(
        "STAFF_IDLE_MINUTES, COMMUNITY_IDLE_MINUTES and SESSION_ABSOLUTE_HOURS must be 1 or more"
    )
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600

LANGUAGE_CODE = env.string("LANGUAGE_CODE", default="vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured("LANGUAGE_CODE must be one of: vi, en")
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date and time format on every page and in every e-mail, "06/12/2026 00:12"
# (Django's Vietnamese default is "00:12 06-12-2026"): groups/formats/.
FORMAT_MODULE_PATH = ["groups.formats"]
TIME_ZONE = env.string("TIME_ZONE", default="Asia/Ho_Chi_Minh")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE is not a known time zone: {TIME_ZONE!r}") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `manage.py collectstatic` writes here; nginx serves it (deploy/nginx/).
STATIC_ROOT = Path(env.string("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
# Uploaded files (photos, group documents) are private: they live outside the
# static tree and are only ever served through views that check visibility.
MEDIA_ROOT = Path(env.string("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Where uploads are kept: "local" (MEDIA_ROOT, on one machine or a shared mount)
# or "s3" (an S3-compatible bucket, for several web machines; django-storages).
MEDIA_STORAGE = env.string("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured("MEDIA_STORAGE must be local or s3")
# Read by reports/storage.py and the default storage below. Objects stay private:
# no public ACL, and no URL is ever handed out (views stream them after checking
# visibility).
MEDIA_S3_OPTIONS = {
    "bucket_name": env.string("MEDIA_S3_BUCKET", default=""),
    "endpoint_url": env.string("MEDIA_S3_ENDPOINT_URL", default="") or None,
    "region_name": env.string("MEDIA_S3_REGION", default="") or None,
    "access_key": env.string("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
    "secret_key": env.string("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
    "default_acl": None,
    "querystring_auth": True,
    "file_overwrite": False,
}
if MEDIA_STORAGE == "s3" and not MEDIA_S3_OPTIONS["bucket_name"]:
    raise ImproperlyConfigured("MEDIA_S3_BUCKET must be set when MEDIA_STORAGE=s3")
STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": MEDIA_S3_OPTIONS}
        if MEDIA_STORAGE == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

_email = env.email("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
    # The same, printed decoded: readable notices in the worker's output.
    EMAIL_BACKEND = "config.console_mail.EmailBackend"
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", default="tuquan <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production-safe unless DEBUG is on; `manage.py check --deploy` is clean.
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/web)?$", r"^metrics$"]
BEHIND_TLS_PROXY = env.boolean("BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# How many proxies of ours append to X-Forwarded-For in front of gunicorn; the
# rate limit of the public pages reads the client's address from there
# (reports/ratelimit.py). 0: REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", default=1 if BEHIND_TLS_PROXY else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Our page for a failed CSRF check, rendered without reading the request.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
# Request bodies: the whole body (uploads included) is refused with 413 above
# MAX_REQUEST_BODY_BYTES (config/request_body.py; nginx's client_max_body_size
# should match); the non-file part above Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
# The default admits the report form's 5 photos of 10 MB each.
MAX_REQUEST_BODY_BYTES = env.integer("MAX_REQUEST_BODY_BYTES", default=60 * 1024 * 1024)
if MAX_REQUEST_BODY_BYTES < 1024 * 1024:
    raise ImproperlyConfigured("MAX_REQUEST_BODY_BYTES must be at least 1048576 (1 MB)")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, named here
X_FRAME_OPTIONS = "DENY"
# The dashboard map's background tiles (Leaflet URL template) and their credit line.
MAP_TILE_URL = env.http_url(
    "MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILE_ATTRIBUTION = env.string("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")
# Strict CSP: scripts and styles from our own origin only; the map's tile
# server is the one outside source, derived from MAP_TILE_URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", env.csp_source(MAP_TILE_URL)],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The API (docs/api.md): sessions for the browser, hashed tokens for other
# systems; what every part's API shares is in groups/api/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "groups.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Ordering is each view's choice: a filterset's `ordering`, or OrderingFilter
    # with its `ordering_fields`.
    "DEFAULT_FILTER_BACKENDS": ["groups.api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "groups.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "groups.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "groups.api.throttles.UserRateThrottle",
        "groups.api.throttles.AnonRateThrottle",
    ],
    # Requests per client: a signed-in user or token owner ("user"), else the
    # client's address ("anon"). Counted in the Redis cache.
    "DEFAULT_THROTTLE_RATES": {
        "user": env.string("API_THROTTLE_USER", default="1200/hour"),
        "anon": env.string("API_THROTTLE_ANON", default="120/hour"),
    },
}

# API tokens (django-rest-knox): only a hash is stored; a token lives
# API_TOKEN_DAYS unless its owner chose a shorter life, and is never renewed by use.
API_TOKEN_DAYS = env.integer("API_TOKEN_DAYS", default=90)
# Creating a token for ward police, an administrator or staff needs a session
# whose second factor was passed at most this many minutes ago.
API_TOKEN_SECOND_FACTOR_MINUTES = env.integer("API_TOKEN_SECOND_FACTOR_MINUTES", default=15)
# knox's own migrations would create its token table although ours replaces it.
MIGRATION_MODULES = {"knox": None}
KNOX_TOKEN_MODEL = "groups.ApiToken"  # noqa: S105 (a model, not a secret)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_DAYS),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_MODEL": "groups.ApiToken",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "tuquan API",
    "DESCRIPTION": "The portal's REST API, version 1 (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar), within the CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "reports.models.Status",
        "HotspotKindEnum": "patrols.models.hotspots.HotspotKind",
        "LogStatusEnum": "patrols.models.logs.LogStatus",
        "DisputeKindEnum": "mediation.models.DisputeKind",
        "CaseStatusEnum": "mediation.models.Status",
        "GroupDocumentKindEnum": "groups.models.GroupDocument.Kind",
    },
    "PREPROCESSING_HOOKS": ["groups.api.schema.only_version_1"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "groups.api.schema.error_answers",
    ],
}

# django-import-export: a batch with any bad row is rolled back as a whole.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Off: it drops a leading "=" from the data. The admin's formats keep formulas from
# running without changing a value (groups/spreadsheet_cells.py).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_IGNORE_RESULT = True
# Tasks are short; a time limit far below the visibility timeout keeps a
# slow task from being handed to a second worker while it still runs.
# Publishing waits for the broker at most REDIS_CONNECT_TIMEOUT to connect and
# CELERY_BROKER_SOCKET_TIMEOUT for an answer. The latter must stay above the
# 1 s BRPOP with which kombu's workers wait for tasks.
CELERY_BROKER_SOCKET_TIMEOUT = env.integer("CELERY_BROKER_SOCKET_TIMEOUT", default=5)
if CELERY_BROKER_SOCKET_TIMEOUT < 2:
    raise ImproperlyConfigured("CELERY_BROKER_SOCKET_TIMEOUT must be 2 or more")
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": CELERY_BROKER_SOCKET_TIMEOUT,
}
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat keeps its schedule in Redis and holds a lock there (celery-redbeat): a
# second beat started by mistake waits for the lock instead of doubling every
# job, and takes over within CELERY_REDBEAT_LOCK_TIMEOUT when the first dies.
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_REDBEAT_REDIS_URL = REDIS_URL
CELERY_REDBEAT_KEY_PREFIX = "tuquan:redbeat:"
CELERY_BEAT_MAX_LOOP_INTERVAL = 5
CELERY_REDBEAT_LOCK_TIMEOUT = env.integer("BEAT_LOCK_TIMEOUT", default=30)
if CELERY_REDBEAT_LOCK_TIMEOUT <= CELERY_BEAT_MAX_LOOP_INTERVAL:
    raise ImproperlyConfigured(f"BEAT_LOCK_TIMEOUT must be above {CELERY_BEAT_MAX_LOOP_INTERVAL}")
# Seconds between two escalation sweeps (config/celery.py). /healthz turns
# unhealthy when no sweep has finished for three of them (reports/heartbeat.py).
ESCALATION_SWEEP_SECONDS = env.integer("ESCALATION_SWEEP_SECONDS", default=10)
if ESCALATION_SWEEP_SECONDS < 1:
    raise ImproperlyConfigured("ESCALATION_SWEEP_SECONDS must be 1 or more")
# Celery's Django fixup otherwise closes the database connection around every
# task: a new PostgreSQL session per notice cost more than sending the notice
# (bench/bench_escalation.py). Reused for this many tasks, then opened afresh.
CELERY_DB_REUSE_MAX = env.integer("CELERY_DB_REUSE_MAX", default=100)

# A patrol log still open this many hours after it started is closed
# automatically and flagged to the group's leaders (patrols/logbook.py).
PATROL_AUTO_CLOSE_HOURS = env.integer("PATROL_AUTO_CLOSE_HOURS", default=6)
if PATROL_AUTO_CLOSE_HOURS < 1:
    raise ImproperlyConfigured("PATROL_AUTO_CLOSE_HOURS must be 1 or more")

# Per-client limits on the public report form and tracking page: (attempts,
# window in seconds), counted in Redis under a keyed hash of the client's
# address (reports/ratelimit.py).
PUBLIC_RATE_LIMITS = {
    "report": (
        env.integer("REPORT_RATE_LIMIT", default=10),
        env.integer("REPORT_RATE_WINDOW", default=3600),
    ),
    "track": (
        env.integer("TRACK_RATE_LIMIT", default=20),
        env.integer("TRACK_RATE_WINDOW", default=900),
    ),
}
for _scope, _numbers in PUBLIC_RATE_LIMITS.items():
    if min(_numbers) < 1:
        _prefix = _scope.upper()
        raise ImproperlyConfigured(
            f"{_prefix}_RATE_LIMIT and {_prefix}_RATE_WINDOW must be 1 or more"
        )

# Seconds a new report's receipt waits in Redis for the receipt page that shows it
# once (reports/receipt_handoff.py); it is gone after that even if never shown.
RECEIPT_HANDOFF_SECONDS = env.integer("RECEIPT_HANDOFF_SECONDS", default=600)
if not 30 <= RECEIPT_HANDOFF_SECONDS <= 3600:
    raise ImproperlyConfigured("RECEIPT_HANDOFF_SECONDS must be between 30 and 3600")

# Argon2id for a tipster's passphrase (reports/receipts.py): memory in KiB, passes,
# lanes. The defaults are OWASP's first recommendation (19 MiB, 2 passes, 1 lane),
# the floor: lower values are refused. Hashes made with other values are
# rehashed when their tipster next opens the tip (docs/reports.md).
PASSPHRASE_ARGON2_MEMORY_KIB = env.integer("PASSPHRASE_ARGON2_MEMORY_KIB", default=19456)
PASSPHRASE_ARGON2_TIME_COST = env.integer("PASSPHRASE_ARGON2_TIME_COST", default=2)
PASSPHRASE_ARGON2_PARALLELISM = env.integer("PASSPHRASE_ARGON2_PARALLELISM", default=1)
if (
    PASSPHRASE_ARGON2_MEMORY_KIB < 19456
    or PASSPHRASE_ARGON2_TIME_COST < 2
    or PASSPHRASE_ARGON2_PARALLELISM < 1
):
    raise ImproperlyConfigured(
        "PASSPHRASE_ARGON2_MEMORY_KIB must be 19456 or more, PASSPHRASE_ARGON2_TIME_COST "
        "2 or more and PASSPHRASE_ARGON2_PARALLELISM 1 or more (OWASP's minimum)"
    )

# After a report is closed, its receipt opens the thread for this many days more;
# then it opens nothing, as a wrong code (reports/tracking.py).
RECEIPT_DAYS_AFTER_CLOSING = env.integer("RECEIPT_DAYS_AFTER_CLOSING", default=90)
if RECEIPT_DAYS_AFTER_CLOSING < 0:
    raise ImproperlyConfigured("RECEIPT_DAYS_AFTER_CLOSING must be 0 or more")

# Error reports (admin emails, the technical 500 page) of the public report
# pages carry nothing about the sender (reports/privacy.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "reports.privacy.ReporterPrivacyFilter"
DEFAULT_EXCEPTION_REPORTER = "reports.privacy.ReporterPrivacyExceptionReporter"

# Absolute address of the portal, for links in emails and notices.
# `make run` sets it to the address it serves on (its PORT).
SITE_URL = env.string("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Escalation channels (reports/escalation/channels.py). Unset: that channel's notices fail
# with a clear reason and show up for administrators.
# Hosts the worker may reach even when they resolve to an internal address (a
# gateway inside the network); every other webhook, SMS or Zalo URL must resolve
# to public addresses only (reports/escalation/outbound.py).
OUTBOUND_ALLOWED_HOSTS = env.string_list("OUTBOUND_ALLOWED_HOSTS", default=[])
SMS_GATEWAY_URL = env.string("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.string("SMS_GATEWAY_TOKEN", default="")
ZALO_ZNS_URL = env.string(
    "ZALO_ZNS_URL", default="https://business.openapi.zalo.me/message/template"
)
ZALO_OAUTH_URL = env.string(
    "ZALO_OAUTH_URL", default="https://oauth.zaloapp.com/v4/oa/access_token"
)
ZALO_APP_ID = env.string("ZALO_APP_ID", default="")
ZALO_SECRET_KEY = env.string("ZALO_SECRET_KEY", default="")
ZALO_ZNS_TEMPLATE_ID = env.string("ZALO_ZNS_TEMPLATE_ID", default="")

# Reports by SMS and Zalo (reports/inbound/, docs/inbound.md). A webhook whose secret
# is unset answers 404: nothing is taken in unless it can be verified.
# The SMS gateway signs each POST: X-Signature: sha256=<HMAC-SHA256 of the body>.
SMS_INBOUND_SECRET = env.string("SMS_INBOUND_SECRET", default="")
# The number (or short number) and keyword residents write to; printed on the posters.
SMS_INBOUND_NUMBER = env.string("SMS_INBOUND_NUMBER", default="")
SMS_INBOUND_KEYWORD = env.string("SMS_INBOUND_KEYWORD", default="")
# The Official Account's secret key (OA settings, not the app's): Zalo signs each event
# with X-ZEvent-Signature: mac=sha256(app id + body + timestamp + OA secret key).
ZALO_OA_SECRET_KEY = env.string("ZALO_OA_SECRET_KEY", default="")
ZALO_OA_NAME = env.string("ZALO_OA_NAME", default="")
ZALO_OA_MESSAGE_URL = env.string(
    "ZALO_OA_MESSAGE_URL", default="https://openapi.zalo.me/v3.0/oa/message/cs"
)
# The category a message is filed under (a handler re-files it), by its name.
INBOUND_REPORT_CATEGORY = env.string("INBOUND_REPORT_CATEGORY", default="Khác")
# How long a message without a place waits for the sender to name it.
INBOUND_CONVERSATION_MINUTES = env.integer("INBOUND_CONVERSATION_MINUTES", default=30)
# Seconds the webhook waits for the gateway or Zalo to take the answer.
INBOUND_REPLY_TIMEOUT = env.integer("INBOUND_REPLY_TIMEOUT", default=5)
# An answer the provider could not take at once is tried again after each of these
# delays (reports/inbound/answers.py): about 20 minutes in all, then given up.
INBOUND_REPLY_RETRY_SECONDS = (30, 120, 300, 900)
if INBOUND_CONVERSATION_MINUTES < 1 or not 1 <= INBOUND_REPLY_TIMEOUT <= 30:
    raise ImproperlyConfigured(
        "INBOUND_CONVERSATION_MINUTES must be 1 or more and INBOUND_REPLY_TIMEOUT 1 to 30"
    )

# Who runs this deployment, shown on every public page and poster (groups/identity.py).
# Plain text in the deployment's language; empty name: the portal's generic one.
SERVICE_NAME = env.string("SERVICE_NAME", default="")
SERVICE_AUTHORITY = env.string("SERVICE_AUTHORITY", default="")
SERVICE_EMBLEM = env.string("SERVICE_EMBLEM", default="")
SERVICE_CONTACT = env.string("SERVICE_CONTACT", default="")

DEMO_PASSWORD = env.string("DEMO_PASSWORD", default="tuquan-demo")

# "json" (default): one JSON object a line, without personal data
# (config/logging.py); "plain" for reading in a terminal (`make run`).
LOG_FORMAT = env.string("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "config.logging.NoPersonalData"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["no_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # axes reports every failed sign-in at INFO; the locks (WARNING) are what matter.
        "axes": {"level": "WARNING"},
    },
}
