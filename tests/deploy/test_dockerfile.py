"""The image: Dockerfile lint, its structure, what the build context lets in, and a rehearsal of its
build-time commands. (No Docker engine runs here; CI builds the image on every push.)"""

import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.tools import ROOT, run, tool

DOCKERFILE = ROOT / "Dockerfile"
LOCK = ROOT / "deploy" / "docker" / "requirements.lock"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    result, pending = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        pending += " " + stripped[:-1] if stripped.endswith("\\") else " " + stripped
        if not stripped.endswith("\\"):
            keyword, _, args = pending.strip().partition(" ")
            result.append((keyword.upper(), args.strip()))
            pending = ""
    return result


def stages() -> dict[str, list[tuple[str, str]]]:
    found, current = {}, None
    for keyword, args in instructions():
        if keyword == "FROM":
            current = args.split()[-1] if " AS " in args.upper() else args
            found[current] = []
        elif current:
            found[current].append((keyword, args))
    return found


def test_hadolint_finds_nothing():
    result = run(tool("hadolint"), "--no-color", "--failure-threshold", "style", DOCKERFILE)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_multi_stage_node_builds_the_pwa_and_a_slim_python_image_runs_it():
    found = stages()
    assert list(found) == ["python-deps", "openapi", "frontend", "runtime"]
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", DOCKERFILE.read_text(), flags=re.MULTILINE))
    assert args["PYTHON_IMAGE"].startswith("python:3.11-slim")
    assert args["NODE_IMAGE"].startswith("node:20")

    frontend = [args for keyword, args in found["frontend"] if keyword == "RUN"]
    assert any("npm ci" in command for command in frontend)
    assert any("OPENAPI_SCHEMA=/tmp/openapi.json npm run build" in command for command in frontend)
    assert ("COPY", "--from=openapi /tmp/openapi.json /tmp/openapi.json") in found["frontend"]
    assert any("export_openapi /tmp/openapi.json" in args for keyword, args in found["openapi"] if keyword == "RUN")

    runtime = found["runtime"]
    assert ("COPY", "--from=python-deps /opt/venv /opt/venv") in runtime
    assert ("COPY", "--from=frontend /src/frontend/dist frontend/dist") in runtime
    assert ("WORKDIR", "/app") in runtime
    # settings serve the PWA from BASE_DIR/frontend/dist, and BASE_DIR is /app in the image
    assert Path(settings.FRONTEND_DIST).relative_to(settings.BASE_DIR) == Path("frontend/dist")


def test_the_frontend_build_takes_the_schema_from_the_python_stage():
    package = ROOT / "frontend" / "package.json"
    if not package.exists():
        pytest.skip("frontend/package.json does not exist yet")
    assert '"build"' in package.read_text()
    assert (ROOT / "frontend" / "package-lock.json").exists(), "npm ci needs the lockfile"
    generator = ROOT / "frontend" / "scripts" / "gen-api.mjs"
    assert "OPENAPI_SCHEMA" in generator.read_text(), "the Node stage passes the schema as OPENAPI_SCHEMA"


def test_dependencies_come_from_the_lock_file():
    runtime_deps = [args for keyword, args in stages()["python-deps"] if keyword == "RUN"]
    assert any("pip install --no-deps" in args and "-r /tmp/requirements.lock" in args for args in runtime_deps)
    assert any("pip check" in args for args in runtime_deps)


def test_runs_as_a_non_root_user_serving_daphne_on_port():
    runtime = stages()["runtime"]
    users = [args for keyword, args in runtime if keyword == "USER"]
    assert users and re.fullmatch(r"[1-9]\d*:[1-9]\d*", users[-1]), users  # numeric: runAsNonRoot can verify it
    env = " ".join(args for keyword, args in runtime if keyword == "ENV")
    assert "PORT=8000" in env and "HOST=0.0.0.0" in env
    assert ("EXPOSE", "8000") in runtime
    assert runtime[-1] == ("CMD", '["python", "-m", "backend.config.serve"]')


def test_healthcheck_probes_api_health():
    checks = [args for keyword, args in stages()["runtime"] if keyword == "HEALTHCHECK"]
    assert len(checks) == 1 and "/app/deploy/docker/healthcheck.py" in checks[0]
    assert "/api/health/" in (ROOT / "deploy" / "docker" / "healthcheck.py").read_text()


def test_static_files_are_collected_at_build_time_without_a_secret():
    runs = [args for keyword, args in stages()["runtime"] if keyword == "RUN"]
    assert any("manage.py collectstatic --noinput" in args and "DJANGO_DEBUG=true" in args for args in runs)


def test_no_secret_is_baked_in():
    for keyword, args in instructions():
        if keyword in ("ENV", "ARG", "LABEL"):
            assert not re.search(r"(SECRET|PASSWORD|TOKEN|_KEY)\w*=", args, flags=re.IGNORECASE), args
        assert "DJANGO_SECRET_KEY" not in args, (keyword, args)
        assert not re.search(r"(DATABASE_URL|MONGODB_URI|REDIS_URL)=", args), (keyword, args)


# --- The build context --------------------------------------------------------------------------
def _dockerignore_rules() -> list[tuple[bool, re.Pattern]]:
    """(exclude, regex) per line of .dockerignore, as Docker's pattern matcher reads them."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exclude = not line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                regex, i = regex + pattern[i : end + 1], end + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((exclude, re.compile(f"^{regex}$")))
    return rules


RULES = _dockerignore_rules()


def excluded(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent directories decides."""
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for exclude, regex in RULES:
        if any(regex.match(candidate) for candidate in candidates):
            verdict = exclude
    return verdict


def _reincluded_below(directory: str) -> bool:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return any(line.startswith(f"!{directory}/") for line in lines)


def test_every_copied_path_is_in_the_build_context():
    for keyword, args in instructions():
        if keyword != "COPY" or args.startswith("--from"):
            continue
        *sources, _ = args.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not excluded(source), f"{source} is copied but .dockerignore leaves it out"
    for needed in ("backend/config/settings.py", "backend/config/serve.py", "manage.py", "frontend/package.json"):
        assert not excluded(needed), needed


def test_the_build_context_leaves_out_local_state_and_bulk():
    for path in (
        ".git/HEAD", ".venv/bin/python", "var/auth.sqlite3", "tests/conftest.py", "frontend/node_modules/vite/package.json",
        "frontend/dist/index.html", "backend/__pycache__/api.cpython-311.pyc", ".env", "frontend/.env.local",
        "staticfiles/admin/css/base.css", "README.md", "test-artifacts/trace.zip", "bench/run.py",
    ):
        assert excluded(path), f"{path} would be sent to the builder"
    # tsc type-checks frontend/tests too (tsconfig "include"), so those stay in
    assert not excluded("frontend/tests/sync.test.ts")


def test_the_build_context_is_small():
    total = 0
    for directory, dirnames, filenames in os.walk(ROOT):
        relative = Path(directory).relative_to(ROOT).as_posix()
        relative = "" if relative == "." else relative + "/"
        dirnames[:] = [d for d in dirnames if not excluded(relative + d) or _reincluded_below(relative + d)]
        total += sum(
            (Path(directory) / name).stat().st_size
            for name in filenames
            if not excluded(relative + name) and (Path(directory) / name).is_file()
        )
    assert total < 25 * 1024 * 1024, f"build context is {total / 1e6:.1f} MB"


# --- Locked dependencies ------------------------------------------------------------------------
def _lock() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_the_lock_file_pins_exactly_what_pyproject_pins():
    lock = _lock()
    for spec in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        requirement = Requirement(spec)
        pinned = str(requirement.specifier).removeprefix("==")
        assert lock.get(canonicalize_name(requirement.name)) == pinned, (
            f"{spec}: the lock has {lock.get(canonicalize_name(requirement.name))}; run deploy/docker/lock.sh"
        )


def test_the_lock_file_holds_every_package_the_dependencies_need():
    lock = _lock()
    pending = [Requirement(s) for s in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
    seen = set()
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        assert name in lock, f"{name} (needed by the runtime dependencies) is missing; run deploy/docker/lock.sh"
        for extra in sorted(requirement.extras) or [None]:
            for child in importlib.metadata.requires(requirement.name) or []:
                child_requirement = Requirement(child)
                environment = {"extra": extra or "", "python_version": "3.11", "sys_platform": "linux",
                               "platform_system": "Linux", "implementation_name": "cpython",
                               "platform_python_implementation": "CPython", "os_name": "posix"}
                if child_requirement.marker is None or child_requirement.marker.evaluate(environment):
                    pending.append(child_requirement)


# --- A rehearsal of the build's Python commands ------------------------------------------------
def test_build_time_commands_need_no_secret(tmp_path):
    """What the openapi and runtime stages run, with no DJANGO_SECRET_KEY in the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "DATABASE_URL"))}
    env.update({"DJANGO_DEBUG": "true", "DATA_DIR": str(tmp_path / "data"), "STATIC_ROOT": str(tmp_path / "static")})
    schema = tmp_path / "openapi.json"
    for command in (["export_openapi", str(schema)], ["collectstatic", "--noinput", "--verbosity", "0"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
    assert '"openapi"' in schema.read_text()
    assert (tmp_path / "static" / "staticfiles.json").exists()  # the manifest whitenoise serves from
