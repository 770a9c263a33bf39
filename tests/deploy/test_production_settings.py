"""Production settings as the chart and compose set them: Django's deployment checks, HTTPS behind a
proxy, health probes exempt from the redirect, the secret key from a file, JSON logs."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client, override_settings

from tests.deploy.tools import CHART, ROOT, helm, load_yaml_documents

# Operator decisions about the whole domain rather than this app (values https.hstsIncludeSubdomains
# and https.hstsPreload turn them on): Django warns while they are off.
DOMAIN_POLICY_WARNINGS = {"security.W005", "security.W021"}


def chart_environment(values: dict | None = None) -> dict:
    result = helm("template", str(CHART), values=values or {}, check=False)
    if result.returncode == 77:
        pytest.skip(f"Helm's engine (helm-python-sdk, test extra) cannot be loaded: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    config_map = next(doc for doc in load_yaml_documents(result.stdout) if doc["kind"] == "ConfigMap")
    return config_map["data"]


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def clean_environment(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "LOG_", "SECURE_"))}
    for name in ("DATABASE_URL", "MONGODB_URI", "REDIS_URL", "ALLOWED_HOSTS", "STATIC_ROOT"):
        env.pop(name, None)
    env["DATA_DIR"] = str(tmp_path)
    return env


def deploy_check_warnings(result: subprocess.CompletedProcess) -> set[str]:
    output = result.stdout + result.stderr
    return {token.strip("():") for token in output.split() if token.startswith("(security.")}


def test_the_charts_settings_pass_djangos_deployment_checks(tmp_path):
    env = {**clean_environment(tmp_path), **chart_environment({"ingress": {"enabled": True}})}
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    result = manage(env, "check", "--deploy")
    assert result.returncode == 0, result.stderr
    assert deploy_check_warnings(result) <= DOMAIN_POLICY_WARNINGS, result.stdout + result.stderr

    strict = {"ingress": {"enabled": True}, "https": {"hstsIncludeSubdomains": True, "hstsPreload": True}}
    env.update(chart_environment(strict))
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path):
    env = clean_environment(tmp_path)
    env["DJANGO_SECRET_KEY_FILE"] = str(tmp_path / "secret_key")
    refused = manage(env, "check")
    assert refused.returncode != 0 and "DJANGO_SECRET_KEY must be set" in refused.stderr
    (tmp_path / "secret_key").write_text(secrets.token_urlsafe(50) + "\n")
    assert manage(env, "check").returncode == 0
    env["DJANGO_SECRET_KEY"] = "x" * 40  # the variable wins over the file
    probe = "from django.conf import settings; print(settings.SECRET_KEY)"
    shown = subprocess.run([sys.executable, "manage.py", "shell", "-c", probe], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    assert shown.stdout.strip().splitlines()[-1] == "x" * 40, shown.stderr


def test_logs_are_json_lines_unless_debugging(tmp_path):
    env = clean_environment(tmp_path)
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    probe = "import logging; logging.getLogger('backend.probe').warning('hello %s', 'there')"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", probe], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    line = (result.stdout + result.stderr).strip().splitlines()[-1]
    record = json.loads(line)
    assert record["message"] == "hello there" and record["level"] == "WARNING" and record["logger"] == "backend.probe"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_the_proxy_http_is_redirected_but_health_probes_are_not():
    client = Client()
    assert client.get("/api/health/", HTTP_HOST="localhost").status_code == 200
    redirected = client.get("/api/auth/profile/", HTTP_HOST="localhost")
    assert redirected.status_code == 301 and redirected["Location"] == "https://localhost/api/auth/profile/"
    proxied = client.get("/api/auth/profile/", HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 401  # served (over "HTTPS"), the token is what is missing


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_hsts_is_sent_on_proxied_https_responses():
    response = Client().get("/api/health/", HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
