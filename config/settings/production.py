"""Settings for a council's production service. Every secret comes from the environment."""

from config.env import env

from .base import *  # noqa: F403

SECRET_KEY = env("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise RuntimeError("Set DJANGO_SECRET_KEY to a random value of at least 50 characters.")
DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The service runs behind one TLS-terminating proxy (hence the header above): the worker's own
# address is the last one it adds to X-Forwarded-For. Used by the lockout and the audit trail.
ONESTORY_PROXY_COUNT = int(env("ONESTORY_PROXY_COUNT", "1"))
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    **STORAGES,  # noqa: F405 (keeps "documents": the disk, or the bucket when one is named)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
