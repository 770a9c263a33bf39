""".github/workflows: valid under the GitHub workflow schema, and doing what the seed describes:
test on PostgreSQL and Redis, build and push the image (sha and semver tags), bump the chart."""

import pytest

from tests.deploy.tools import ROOT, load_yaml, run, tool

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
WORKFLOW = ROOT / ".github" / "workflows" / "docker-build-push.yml"


@pytest.fixture(scope="module")
def workflow():
    return load_yaml(WORKFLOW)


def steps_using(job: dict, action: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").split("@")[0] == action]


@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_valid_under_the_github_workflow_schema(schema):
    assert WORKFLOWS == [WORKFLOW]
    result = run(tool("check-jsonschema"), "--builtin-schema", schema, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_triggers(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"] == {"branches": ["main"], "tags": ["v*.*.*"]}
    assert "pull_request" in triggers
    assert workflow["permissions"] == {"contents": "read"}


def test_make_test_runs_on_postgresql_and_redis_service_containers(workflow):
    job = workflow["jobs"]["test"]
    assert job["services"]["postgres"]["image"] == "postgres:16"
    assert job["services"]["redis"]["image"] == "redis:7"
    assert "--health-cmd" in job["services"]["postgres"]["options"]
    assert job["env"]["DATABASE_URL"].startswith("postgres://") and job["env"]["REDIS_URL"].startswith("redis://")
    assert any(step.get("run", "").startswith("make test") for step in job["steps"])
    python = steps_using(job, "actions/setup-python")[0]["with"]["python-version"]
    assert python == "3.11"


def test_the_image_is_built_after_the_tests_and_pushed_with_sha_and_semver_tags(workflow):
    job = workflow["jobs"]["image"]
    assert job["needs"] == "test"
    tags = steps_using(job, "docker/metadata-action")[0]["with"]["tags"]
    assert "type=sha" in tags and "type=semver,pattern={{version}}" in tags
    build = steps_using(job, "docker/build-push-action")[0]["with"]
    assert build["context"] == "." and build["tags"] == "${{ steps.meta.outputs.tags }}"
    assert build["push"] == "${{ env.PUSH == 'true' }}" and job["env"]["PUSH"] == "${{ github.event_name == 'push' }}"
    login = steps_using(job, "docker/login-action")[0]
    assert login["with"]["password"] == "${{ secrets.DOCKERHUB_TOKEN }}"


def test_pushes_to_main_bump_the_charts_image_tag(workflow):
    job = workflow["jobs"]["bump-chart"]
    assert job["needs"] == "image"
    assert "refs/heads/main" in job["if"]
    assert job["permissions"] == {"contents": "write"}
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert 'python deploy/bump-image-tag.py "$REPOSITORY" "$TAG"' in script
    assert "git add deploy/helm/workout-api/values.yaml" in script
    assert job["env"]["TAG"] == "${{ needs.image.outputs.sha-tag }}"
    assert (ROOT / "deploy" / "bump-image-tag.py").exists()


def test_no_expression_is_spliced_into_a_shell_script(workflow):
    """Values reach `run:` scripts through env, never as ${{ }} text (script injection)."""
    for name, job in workflow["jobs"].items():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), (name, step.get("name"))
