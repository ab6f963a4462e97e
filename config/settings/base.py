"""Settings shared by every environment.

DATABASE_URL, when set, chooses the database under every settings module; the default is an
SQLite file under var/ so that a fresh clone runs with no set-up.
"""

from pathlib import Path

import dj_database_url

from config.env import env, env_bool

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env("ONESTORY_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "pgtrigger",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "onestory.core",
    "onestory.workforce",
    "onestory.people",
    "onestory.frontdoor",
    "onestory.earlyhelp",
    "onestory.pathways",
    "onestory.socialcare",
    "onestory.access",
    "onestory.familyhubs",
    "onestory.recording",
    "onestory.notify",
    "onestory.documents",
    "onestory.sar",
    "onestory.retention",
    "onestory.returns",
    "onestory.insight",
    "onestory.synthetic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onestory.core.drafts.FormDraftMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "onestory.access.middleware.SignInRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "onestory" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onestory.core.context_processors.service",
                "onestory.access.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'onestory.sqlite3'}",
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # PostgreSQL's JIT compiles any query whose estimated cost passes jit_above_cost; a page's
    # short queries then spend hundreds of milliseconds compiling and a few running (the search
    # of a caseload at scale 1: 610 ms of JIT, 50 ms of work). Off for the service's sessions,
    # as the PostgreSQL manual advises for short queries (docs/adr/0022-postgresql-jit-off.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "workforce.Worker"
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
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "access:sign-in"
LOGIN_REDIRECT_URL = "access:home"
LOGOUT_REDIRECT_URL = "access:sign-in"

# Sessions end after 30 minutes without a request (idle time-out), and with the browser.
SESSION_COOKIE_AGE = int(env("ONESTORY_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
# However active, a session ends this many hours after signing in (a shift, not a week).
ONESTORY_ABSOLUTE_SESSION_HOURS = int(env("ONESTORY_ABSOLUTE_SESSION_HOURS", "10"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Lock out a username, and separately an address, for 15 minutes after five failures in a row.
# Behind a reverse proxy every request comes from the proxy's address: set ONESTORY_PROXY_COUNT
# to the number of proxies in front of the service so that the address is the worker's own
# (it is also what the audit trail records as "from where").
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "onestory.access.audit.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "onestory.access.views.locked_out"
AXES_VERBOSE = False

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "onestory" / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Uploaded documents: on this machine's disk unless an S3-compatible bucket is named.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(VAR_DIR / "documents"),
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    },
}
if env("ONESTORY_DOCUMENTS_BUCKET", ""):
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("ONESTORY_DOCUMENTS_BUCKET", ""),
            "endpoint_url": env("ONESTORY_DOCUMENTS_ENDPOINT", "") or None,
            "region_name": env("ONESTORY_DOCUMENTS_REGION", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# The largest document that may be uploaded (bytes).
ONESTORY_DOCUMENT_MAX_BYTES = int(env("ONESTORY_DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# E-mails and texts: GOV.UK Notify when a key is set, else written to the console (the demo).
ONESTORY_NOTIFY_API_KEY = env("ONESTORY_NOTIFY_API_KEY", "")
# The council's Notify templates for the prompt: each one's body is ((message)).
ONESTORY_NOTIFY_EMAIL_TEMPLATE_ID = env("ONESTORY_NOTIFY_EMAIL_TEMPLATE_ID", "")
ONESTORY_NOTIFY_SMS_TEMPLATE_ID = env("ONESTORY_NOTIFY_SMS_TEMPLATE_ID", "")
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: no browsable HTML API pages outside the GOV.UK templates.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "onestory API",
    "DESCRIPTION": "Read API for people and families, scoped to the signed-in worker.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema names no person, but it maps the service: signed-in workers only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# The council this installation serves.
ONESTORY_COUNCIL_NAME = env("ONESTORY_COUNCIL_NAME", "Luton Borough Council (synthetic)")
# How long a break-the-glass opening lasts, in hours.
ONESTORY_BREAK_GLASS_HOURS = int(env("ONESTORY_BREAK_GLASS_HOURS", "8"))
# Every worker passes a second factor (an authenticator app or a backup code) before any page
# (onestory.workforce.rules.MUST_USE_SECOND_FACTOR says who). Off only for a demo on a laptop.
ONESTORY_REQUIRE_SECOND_FACTOR = env_bool("ONESTORY_REQUIRE_SECOND_FACTOR", True)
# The daily audit report names a worker who opened at least this many records outside their
# caseload in one day (onestory audit_report).
ONESTORY_AUDIT_REPORT_THRESHOLD = int(env("ONESTORY_AUDIT_REPORT_THRESHOLD", "40"))
# How many reverse proxies in front of the service append to X-Forwarded-For (0: none, trust
# only the connection's own address).
ONESTORY_PROXY_COUNT = int(env("ONESTORY_PROXY_COUNT", "0"))
# The sector's return validators, each in its own virtual environment (`make validators`).
ONESTORY_VALIDATORS_DIR = Path(env("ONESTORY_VALIDATORS_DIR", str(BASE_DIR / ".validators")))
# How long the performance hub's headline figures are kept once worked out, in seconds (0 works
# them out on every request). They are kept in the cache below, which every process of one
# server shares, so one process works them out for all.
ONESTORY_FIGURES_CACHE_SECONDS = int(env("ONESTORY_FIGURES_CACHE_SECONDS", "300"))
# Files under var/ rather than each process's memory: gunicorn's processes share them (no other
# service to run). A council running several servers points this at a cache they share.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("ONESTORY_LOG_LEVEL", "INFO")},
    # Request lines carry URLs only; URLs never carry personal data (ids are UUIDs, searches POST).
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
