"""Settings for `make demo` and development on one machine."""

from config.env import env

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env("DJANGO_DEBUG", "0") == "1"
SECRET_KEY = env("DJANGO_SECRET_KEY", "onestory-local-only-not-a-secret")
VAR_DIR.mkdir(parents=True, exist_ok=True)
STATIC_ROOT = None  # served from the finders; production runs collectstatic
# A demo on a laptop with synthetic people: the second factor is offered, not forced
# (ONESTORY_REQUIRE_SECOND_FACTOR=1 to try it as a council runs it).
ONESTORY_REQUIRE_SECOND_FACTOR = env("ONESTORY_REQUIRE_SECOND_FACTOR", "0") == "1"
