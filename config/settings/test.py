"""Settings for the test suite."""

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS

SECRET_KEY = "onestory-tests-only"  # noqa: S105
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
AXES_ENABLED = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT = None  # files are served from the finders; no collectstatic needed
# Each test process its own cache: tests running side by side never see each other's figures.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Most tests sign in with force_login; the tests of signing in turn the second factor on.
ONESTORY_REQUIRE_SECOND_FACTOR = False
