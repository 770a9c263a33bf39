"""Settings for the test run: the app's own settings, read from a test environment.

pytest-django imports this before any conftest, so the environment is prepared here.
"""

import os
import tempfile
from pathlib import Path

os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="workout-api-tests-")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("CACHE_KEY_PREFIX", f"workout-api-test-{os.getpid()}")
os.environ.setdefault("LOG_FORMAT", "text")

from backend.config.settings import *  # noqa: E402,F403

# Hashing passwords at full strength makes registration-heavy tests slow and proves nothing more.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STATIC_ROOT = Path(os.environ["DATA_DIR"]) / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The manifest exists only after collectstatic; the live-server tests cover the collected build.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
