"""Settings of ulm-servicepoint, read from the environment (README: "Configuration").

Every variable has a safe default for production except SECRET_KEY, which must be set when DEBUG
is off. django-helpdesk captures its own settings at import time, so the HELPDESK_* values below
are decided here once and cannot be changed per test.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import sso
from config.env import env_bool, env_int, env_list, env_str
from config.hooks import public_view_protector

BASE_DIR = Path(__file__).resolve().parent.parent
ADDONS_DIR = BASE_DIR / "addons"
if str(ADDONS_DIR) not in sys.path:
    sys.path.insert(0, str(ADDONS_DIR))
VAR_DIR = Path(env_str("ULM_VAR_DIR", str(BASE_DIR / "var")))

# --- Core -----------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: export a long random SECRET_KEY for production, "
            "or DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_ID = 1
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # our addons first: their templates and translations take precedence over the host's
    "ulm_servicepoint",
    "ulm_knowledge",
    "ulm_routing",
    "ulm_channels",
    "ulm_kpi",
    "ulm_privacy",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "procrastinate.contrib.django",
    "axes",
    "helpdesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CSP (script nonces) and Permissions-Policy on every response, refusals included
    "ulm_servicepoint.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # NUL bytes, body size, JSON depth: refused in German before any view or CSRF check reads
    "ulm_servicepoint.input_limits.InputLimitsMiddleware",
    # until `manage.py init_city` (or the demo) has set the city up, a page that needs it
    # answers a German 503 saying so
    "ulm_servicepoint.city.CitySetupMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # DSGVO Art. 16: a citizen's data changed while serving a request is recorded as its user's
    "ulm_privacy.rights.ActingUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ulm_servicepoint.host_text.HostTextMiddleware",
    # the audit log: who viewed, searched, exported or changed personal data (ulm_privacy);
    # after authentication, around the view
    "ulm_privacy.middleware.AuditMiddleware",
    # login throttling (django-axes): last, as its documentation asks
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "OPTIONS": {
            # every inline <script> of a template source gets the request's CSP nonce
            # (ulm_servicepoint.template_loaders): no 'unsafe-inline' for scripts
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "ulm_servicepoint.template_loaders.FilesystemLoader",
                        "ulm_servicepoint.template_loaders.AppDirectoriesLoader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ulm_servicepoint.context_processors.city",
                "ulm_servicepoint.context_processors.security",
            ],
        },
    },
]

# --- Database: DATABASE_URL, or the embedded PostgreSQL under var/pg -------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except Exception as exc:  # dj_database_url raises several kinds
        raise ImproperlyConfigured(
            f"DATABASE_URL cannot be read ({exc}); expected postgres://USER:PASSWORD@HOST:PORT/NAME."
        ) from None
    if "postgresql" not in DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_URL must point to PostgreSQL (postgres://…); "
            "other databases are not supported."
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "config.db",
            "NAME": env_str("ULM_DB_NAME", "ulm"),
            "USER": "postgres",
            "HOST": "",
            "CONN_MAX_AGE": 60,
        }
    }
DATABASES["default"]["TEST"] = {"NAME": "test_" + str(DATABASES["default"]["NAME"])}
# a kept connection is checked before a request uses it: after a database restart the next
# request reconnects instead of failing (make test-production, PostgreSQL restart)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ulm_cache",
    }
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account or address first
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after LOGIN_FAILURE_LIMIT failed attempts for one account, or from one
# address, logins are refused for LOGIN_LOCKOUT_MINUTES (German page; admins unlock early by
# deleting the entry under "Axes › Zugriffsversuche"). Successful logins are not logged.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "ulm_servicepoint/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "ulm_servicepoint.security.client_ip"
AXES_VERBOSE = False
LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "ulm_servicepoint:worklist"  # the work list is the landing page
# Single sign-on, optional and off by default (README "Single sign-on"): LDAP while ULM_LDAP_URI
# is set, OpenID Connect while ULM_OIDC_CLIENT_ID is; the local login above stays. Neither
# library is imported while its variable is unset.
ULM_OIDC_ENABLED = False
# external group (lower case) → role group names; config.sso fills them from the environment
ULM_LDAP_GROUP_ROLE_MAP: dict[str, tuple[str, ...]] = {}
ULM_OIDC_GROUP_ROLE_MAP: dict[str, tuple[str, ...]] = {}
ULM_OIDC_USERNAME_CLAIM = "preferred_username"
ULM_OIDC_GROUPS_CLAIM = "groups"
SSO_SETTINGS = {**sso.ldap_settings(), **sso.oidc_settings()}
globals().update(SSO_SETTINGS)
if "AUTH_LDAP_SERVER_URI" in SSO_SETTINGS:
    AUTHENTICATION_BACKENDS.append(sso.LDAP_BACKEND)
if ULM_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append(sso.OIDC_BACKEND)

# --- German first ---------------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "de")
LANGUAGES = [("de", _("German")), ("en", _("English"))]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploads (ticket attachments) hold personal data: never published as media; their URLs point
# to a view that checks access (ulm_servicepoint.storage).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/dateien/"
STORAGES = {
    "default": {"BACKEND": "ulm_servicepoint.storage.ProtectedFileStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail ---------------------------------------------------------------------------------
# Every mail goes through the outbox: recorded with the change that caused it, delivered by the
# worker to EMAIL_HOST (read there at call time), retried, visible when it fails (ulm_channels).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "ulm_channels.mail.backend.OutboxBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Servicecenter Stadt Ulm <servicecenter@ulm.example>"
)
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Security: safe by default, relaxed only with DEBUG --------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # CSP frame-ancestors (ulm_servicepoint.security) is the control
SILENCED_SYSTEM_CHECKS = [
    "security.W019",  # X-Frame-Options SAMEORIGIN: the citizen form is embeddable (CSP decides)
    "security.W021",  # HSTS preload is for the owners of the city's domain to decide
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)  # one working day
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container's health check speaks plain http
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# how many reverse proxies stand in front of the web server (their X-Forwarded-For is trusted
# for the client's address: login throttling, the forms' rate limit); 0: REMOTE_ADDR
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- django-helpdesk, chosen deliberately (DESIGN.md §3) --------------------------------------
HELPDESK_TEAMS_MODE_ENABLED = False  # decided before the first migration (baked into 0043)
HELPDESK_KB_ENABLED = True
HELPDESK_ENABLE_PER_QUEUE_STAFF_PERMISSION = True  # department isolation
HELPDESK_API_ENABLED = True
HELPDESK_USE_CDN = False  # no third-party calls from citizens' or agents' browsers
HELPDESK_TICKETS_TIMELINE_ENABLED = False  # its timeline library comes from a CDN
HELPDESK_EMAIL_FALLBACK_LOCALE = "de"  # German mail templates even for a queue without locale
HELPDESK_REDIRECT_TO_LOGIN_BY_DEFAULT = False
HELPDESK_SUBMIT_A_TICKET_PUBLIC = True
# Citizens use our form (ulm_channels); the host's public submission pages redirect there. No
# queue has allow_public_submission: the host lists public queues' tickets to every clerk.
HELPDESK_PUBLIC_VIEW_PROTECTOR = public_view_protector
# The queue our form's tickets land in (read by the host's PublicTicketForm, which we reuse).
HELPDESK_PUBLIC_TICKET_QUEUE = env_str("ULM_SERVICE_CENTER_QUEUE", "servicecenter")
HELPDESK_PUBLIC_TICKET_PRIORITY = 3
HELPDESK_VIEW_A_TICKET_PUBLIC = True
HELPDESK_SHOW_DELETE_BUTTON_SUPERUSER_FOLLOW_UP = False
HELPDESK_STAFF_ONLY_TICKET_OWNERS = True
HELPDESK_STAFF_ONLY_TICKET_CC = True
HELPDESK_USE_HTTPS_IN_EMAIL_LINK = SITE_URL.startswith("https")
HELPDESK_MAX_EMAIL_ATTACHMENT_SIZE = env_int("HELPDESK_MAX_EMAIL_ATTACHMENT_SIZE", 10 * 1024 * 1024)

REST_FRAMEWORK = {
    # the session only: no HTTP Basic (a second way to guess passwords, past the throttling)
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ulm-servicepoint API",
    "DESCRIPTION": "Request types with their capture schemas; capturing typed requests.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAdminUser"],  # staff only, like the API
    "DEFAULT_GENERATOR_CLASS": "ulm_servicepoint.api.SchemaGenerator",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ulm_servicepoint.api.document_refusals",
    ],
}

# --- Task queue (procrastinate on the same PostgreSQL) ---------------------------------------
PROCRASTINATE_ON_APP_READY = "config.worker.on_app_ready"
# Our jobs live in each addon's jobs.py: autodiscovering "tasks" would import the host's
# helpdesk/tasks.py, which needs Celery (not installed: procrastinate runs our jobs).
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "jobs"

# --- Logging: to stderr, picked up by the process manager -------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "procrastinate": {"level": env_str("PROCRASTINATE_LOG_LEVEL", "WARNING")},
        # warns on every web request that no queue is public: deliberate here (README)
        "helpdesk.forms": {"level": "ERROR"},
    },
}

# --- Our addons -----------------------------------------------------------------------------
# the audit log's own retention (ulm_privacy): older events are deleted nightly
ULM_PRIVACY_AUDIT_RETENTION_MONTHS = env_int("ULM_PRIVACY_AUDIT_RETENTION_MONTHS", 24)
# true: a page view's audit event waits for the disk on commit (default: not, see ulm_privacy)
ULM_PRIVACY_AUDIT_SYNCHRONOUS = env_bool("ULM_PRIVACY_AUDIT_SYNCHRONOUS", False)
ULM_SERVICEPOINT_CITY_NAME = env_str("ULM_CITY_NAME", "Stadt Ulm (Demo)")
ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE = env_str("ULM_SERVICE_CENTER_QUEUE", "servicecenter")
# where packages for the city archive are written before archive-worthy cases are erased
ULM_SERVICEPOINT_ARCHIVE_DIR = env_str("ULM_ARCHIVE_DIR", "")
ULM_CHANNELS_PHONE_TOKEN = env_str("ULM_CHANNELS_PHONE_TOKEN")
# the phone integration opens ulm_servicepoint's capture screen and knows its citizens
ULM_CHANNELS_CALLER_LOOKUP = "ulm_servicepoint.services.ticket_ids_of_phone"
ULM_CHANNELS_CAPTURE_URL = "/helpdesk/erfassen/?telefon={number}&anruf={call}"
ULM_CHANNELS_EMBED_ORIGINS = env_list("ULM_CHANNELS_EMBED_ORIGINS", [])
# CA bundle the IMAP servers' certificates are checked against (empty: the system's)
ULM_CHANNELS_MAIL_CAFILE = env_str("ULM_CHANNELS_MAIL_CAFILE")
# per address and hour before further submissions are kept aside for review (README)
ULM_CHANNELS_RATE_LIMIT_PER_EMAIL = env_int("ULM_CHANNELS_RATE_LIMIT_PER_EMAIL", 5)
ULM_CHANNELS_RATE_LIMIT_PER_IP = env_int("ULM_CHANNELS_RATE_LIMIT_PER_IP", 20)
# the outbox: first wait after a failed attempt (doubled each time up to the maximum), attempts
# before a mail is given up, and the largest attachment a mail may carry
ULM_CHANNELS_OUTBOX_RETRY_SECONDS = env_int("ULM_CHANNELS_OUTBOX_RETRY_SECONDS", 60)
ULM_CHANNELS_OUTBOX_RETRY_MAX_SECONDS = env_int("ULM_CHANNELS_OUTBOX_RETRY_MAX_SECONDS", 3600)
ULM_CHANNELS_OUTBOX_MAX_ATTEMPTS = env_int("ULM_CHANNELS_OUTBOX_MAX_ATTEMPTS", 50)
ULM_CHANNELS_OUTBOX_MAX_ATTACHMENT_BYTES = HELPDESK_MAX_EMAIL_ATTACHMENT_SIZE
