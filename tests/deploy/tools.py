"""Helpers for the deployment checks: where the lint tools are, and how to read the files they check."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "workout-api"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A command-line tool from the test extra (installed beside this Python), else from PATH."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed: `make test` installs it with the test extra of pyproject.toml")
    return found


def run(*args, cwd=ROOT, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, **kwargs)


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text())


def load_yaml_documents(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def helm(*args: str, values: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Runs tests/deploy/helm_tool.py (Helm's own Go engine, in a separate process)."""
    command = [sys.executable, str(Path(__file__).with_name("helm_tool.py")), *args]
    if values is not None:
        command += ["--values-json", json.dumps(values)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"helm_tool {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def variables_the_app_reads() -> set[str]:
    """Environment variable names read by the settings, the server and the container health check."""
    names = set()
    for source in ("backend/config/settings.py", "backend/config/serve.py", "deploy/docker/healthcheck.py"):
        text = (ROOT / source).read_text()
        names |= set(re.findall(r"""(?:environ(?:\.get)?[\[(]|env_(?:bool|list)\()["'](\w+)["']""", text))
    return names
