"""docker-compose.yml: valid under the Compose specification, wired to the settings the app reads,
and its start-up command rehearsed against this checkout."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.deploy.tools import ROOT, load_yaml, run, tool, variables_the_app_reads

COMPOSE = ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose():
    return load_yaml(COMPOSE)


def test_valid_under_the_compose_specification():
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_config_accepts_it():
    """The Compose CLI's own check, where the compose plugin is installed (it needs no engine)."""
    docker = shutil.which("docker")
    if not docker or run(docker, "compose", "version").returncode != 0:
        pytest.skip("the `docker compose` plugin is not installed here; the Compose-specification schema check covers "
                    "the file")
    result = run(docker, "compose", "-f", COMPOSE, "config", "--quiet", env={**os.environ, "DJANGO_SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr


def test_databases_are_the_versions_the_app_is_tested_on_and_health_checked(compose):
    services = compose["services"]
    assert services["postgres"]["image"] == "postgres:16"
    assert services["mongo"]["image"] == "mongo:7"
    assert services["redis"]["image"] == "redis:7"
    for name in ("postgres", "mongo", "redis"):
        assert services[name]["healthcheck"]["test"], name


def test_the_app_waits_for_healthy_databases_and_for_migrations(compose):
    app = compose["services"]["app"]
    assert app["depends_on"] == {
        "init": {"condition": "service_completed_successfully"},
        "postgres": {"condition": "service_healthy"},
        "mongo": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    init = compose["services"]["init"]
    assert init["depends_on"] == {"postgres": {"condition": "service_healthy"}, "mongo": {"condition": "service_healthy"}}
    command = " ".join(init["command"])
    assert "python manage.py migrate --noinput" in command and "python manage.py seed_exercises" in command
    assert app["ports"] == ["${PORT:-8000}:8000"]
    assert app["build"] == {"context": "."} and app["image"] == init["image"]


def test_named_volumes_hold_the_data(compose):
    assert set(compose["volumes"]) == {"postgres-data", "mongo-data", "app-data"}
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    assert "mongo-data:/data/db" in compose["services"]["mongo"]["volumes"]
    assert "app-data:/data" in compose["services"]["app"]["volumes"]


def test_environment_names_are_settings_the_app_reads(compose):
    """A misspelt variable would silently fall back to the embedded defaults."""
    read = variables_the_app_reads()
    environment = compose["services"]["app"]["environment"]
    assert set(environment) <= read, set(environment) - read
    assert environment["DATABASE_URL"].endswith("@postgres:5432/workout_auth")
    assert environment["MONGODB_URI"] == "mongodb://mongo:27017/workoutdb"
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["DJANGO_SECRET_KEY_FILE"] == "/data/secret_key"
    postgres = compose["services"]["postgres"]["environment"]
    assert environment["DATABASE_URL"] == (
        f"postgres://{postgres['POSTGRES_USER']}:${{POSTGRES_PASSWORD:-workout}}@postgres:5432/{postgres['POSTGRES_DB']}"
    )


def _init_script(compose, data_dir) -> str:
    """The init service's shell command as the container runs it, with /data pointed elsewhere."""
    script = compose["services"]["init"]["command"][2]
    return script.replace("$$", "$").replace("/data/", f"{data_dir}/")


def test_the_init_command_generates_a_key_once_migrates_and_seeds(compose, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "DATABASE_URL", "MONGODB"))}
    env.update(
        {
            "DJANGO_SECRET_KEY": "",
            "DJANGO_SECRET_KEY_FILE": str(tmp_path / "secret_key"),
            "DATA_DIR": str(tmp_path),
            "PATH": f"{os.path.dirname(sys.executable)}:{env['PATH']}",
        }
    )
    first = subprocess.run(["sh", "-c", _init_script(compose, tmp_path)], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "generated a secret key" in first.stdout and "Exercise library:" in first.stdout
    key = (tmp_path / "secret_key").read_text().strip()
    assert len(key) >= 50 and oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"

    again = subprocess.run(["sh", "-c", _init_script(compose, tmp_path)], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "generated" not in again.stdout and "0 created" in again.stdout
    assert (tmp_path / "secret_key").read_text().strip() == key
