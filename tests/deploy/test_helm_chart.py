"""deploy/helm/workout-api: linted and rendered by Helm's own engine, every rendered manifest checked
against the Kubernetes API schemas, and the rules the chart enforces."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.deploy.tools import CHART, ROOT, helm, load_yaml, load_yaml_documents, variables_the_app_reads

KUBERNETES_VERSIONS = ("1.25.0", "1.30.0")  # Chart.yaml's kubeVersion floor, and a current one
EMBEDDED = {"postgres": "embedded", "mongodb": "embedded", "redis": "embedded"}
EXTERNAL = {"postgres": "external", "mongodb": "external", "redis": "external"}
SECRET = {"create": True, "data": {"DJANGO_SECRET_KEY": "k" * 50}}


@pytest.fixture(scope="module", autouse=True)
def _helm_engine():
    result = helm("version", check=False)
    if result.returncode == 77:
        pytest.skip(f"Helm's engine (helm-python-sdk, test extra) cannot be loaded: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr


def render(values: dict | None = None) -> dict[str, dict]:
    """The rendered manifests, keyed by "Kind/name"."""
    documents = load_yaml_documents(helm("template", str(CHART), values=values or {}).stdout)
    manifests = {f"{doc['kind']}/{doc['metadata']['name']}": doc for doc in documents}
    assert len(manifests) == len(documents), "two manifests share a kind and name"
    return manifests


def render_error(values: dict) -> str:
    result = helm("template", str(CHART), values=values, check=False)
    assert result.returncode != 0, f"rendered although it should not:\n{result.stdout}"
    return result.stderr


def container(manifests, kind="Deployment/workout-api", name="app") -> dict:
    spec = manifests[kind]["spec"]["template"]["spec"]
    return next(c for c in spec["containers"] if c["name"] == name)


def env_of(c: dict) -> dict:
    return {item["name"]: item.get("value", item.get("valueFrom")) for item in c.get("env", [])}


VALUE_SETS = {
    "defaults": {},
    "ingress+autoscaling": {"ingress": {"enabled": True}, "autoscaling": {"enabled": True}},
    "embedded, one replica": {"replicaCount": 1, "backends": EMBEDDED, "secret": SECRET},
    "embedded mongodb only": {"replicaCount": 1, "backends": {**EXTERNAL, "mongodb": "embedded"}},
    "plain http, created secret": {"https": {"enabled": False}, "secret": SECRET, "migrations": {"enabled": False}},
}


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_helm_lint_strict_passes(values):
    result = helm("lint", str(CHART), "--strict", values=values, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_rendered_manifests_are_valid_kubernetes_objects(values):
    import kubernetes_validate

    for manifest in render(values).values():
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(manifest, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{manifest['kind']}/{manifest['metadata']['name']} on Kubernetes {version}: {error}")


def test_strict_schema_validation_would_catch_a_mistake():
    import kubernetes_validate

    deployment = render()["Deployment/workout-api"]
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["paht"] = "/"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


def test_defaults_render_the_production_shape():
    manifests = render()
    assert set(manifests) == {
        "ConfigMap/workout-api", "Deployment/workout-api", "Service/workout-api",
        "PodDisruptionBudget/workout-api", "Job/workout-api-migrate",
    }
    deployment = manifests["Deployment/workout-api"]["spec"]
    assert deployment["replicas"] == 2
    assert deployment["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    chart = load_yaml(CHART / "Chart.yaml")
    assert container(manifests)["image"] == f"docker.io/workoutapi/workout-api:{chart['appVersion']}"


def test_probes_check_api_health_with_a_host_the_app_accepts():
    app = container(render())
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert app[probe]["httpGet"] == {
            "path": "/api/health/", "port": "http", "httpHeaders": [{"name": "Host", "value": "localhost"}],
        }, probe
    assert app["livenessProbe"]["failureThreshold"] * app["livenessProbe"]["periodSeconds"] >= 60


def test_resources_and_security_context():
    manifests = render()
    app = container(manifests)
    assert app["resources"]["requests"] and app["resources"]["limits"]["memory"]
    assert app["securityContext"] == {
        "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]},
    }
    pod = manifests["Deployment/workout-api"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
    assert pod["automountServiceAccountToken"] is False
    mounts = {m["mountPath"] for m in app["volumeMounts"]}
    assert {"/tmp", "/data"} <= mounts  # writable places on a read-only root filesystem


def test_a_stopping_pod_has_time_to_drain_its_websockets():
    manifests = render()
    pod = manifests["Deployment/workout-api"]["spec"]["template"]["spec"]
    app = container(manifests)
    sleep = int(app["lifecycle"]["preStop"]["exec"]["command"][1])
    drain = float(manifests["ConfigMap/workout-api"]["data"]["SHUTDOWN_TIMEOUT"])
    assert sleep > 0 and sleep + drain < pod["terminationGracePeriodSeconds"]


def test_config_map_holds_production_settings_the_app_reads():
    data = render({"ingress": {"enabled": True}})["ConfigMap/workout-api"]["data"]
    assert set(data) <= variables_the_app_reads(), set(data) - variables_the_app_reads()
    assert data["DJANGO_DEBUG"] == "false"
    assert data["LOG_FORMAT"] == "json"
    assert data["SECURE_PROXY_SSL"] == data["SECURE_SSL_REDIRECT"] == data["SECURE_COOKIES"] == "true"
    assert int(data["SECURE_HSTS_SECONDS"]) == 31536000
    assert data["ALLOWED_HOSTS"].split(",") == ["workout.example.com", "localhost", "127.0.0.1"]
    assert data["CSRF_TRUSTED_ORIGINS"] == "https://workout.example.com"
    assert data["PROXY_HEADERS"] == "true"
    for secret in ("DJANGO_SECRET_KEY", "DATABASE_URL", "MONGODB_URI", "REDIS_URL"):
        assert secret not in data


def test_secrets_come_from_an_existing_secret_by_default():
    manifests = render()
    assert not [name for name in manifests if name.startswith("Secret/")]
    env = env_of(container(manifests))
    for key in ("DJANGO_SECRET_KEY", "DATABASE_URL", "MONGODB_URI", "REDIS_URL"):
        assert env[key] == {"secretKeyRef": {"name": "workout-api", "key": key}}
    assert container(manifests)["envFrom"] == [{"configMapRef": {"name": "workout-api"}}]
    assert "existingSecret" in render_error({"secret": {"existingSecret": ""}})
    assert "32+" in render_error({"secret": {"create": True, "data": {"DJANGO_SECRET_KEY": "short"}}})


def test_a_created_secret_exists_before_the_migration_hook():
    manifests = render({"secret": SECRET})
    secret = manifests["Secret/workout-api"]
    assert secret["stringData"]["DJANGO_SECRET_KEY"] == "k" * 50
    secret_weight = int(secret["metadata"]["annotations"]["helm.sh/hook-weight"])
    job_weight = int(manifests["Job/workout-api-migrate"]["metadata"]["annotations"]["helm.sh/hook-weight"])
    assert secret_weight < job_weight


def test_ingress_is_websocket_friendly():
    ingress = render({"ingress": {"enabled": True}})["Ingress/workout-api"]
    annotations = ingress["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]) >= 3600
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "20m"
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "workout.example.com"
    assert rule["http"]["paths"] == [
        {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "workout-api", "port": {"name": "http"}}}}
    ]
    assert ingress["spec"]["tls"] == [{"secretName": "workout-api-tls", "hosts": ["workout.example.com"]}]
    assert ingress["spec"]["ingressClassName"] == "nginx"


def test_autoscaling_owns_the_replica_count():
    manifests = render({"autoscaling": {"enabled": True, "minReplicas": 3, "maxReplicas": 9}})
    assert "replicas" not in manifests["Deployment/workout-api"]["spec"]
    hpa = manifests["HorizontalPodAutoscaler/workout-api"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "workout-api"}
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 9)


def test_migration_job_is_a_hook_with_the_same_environment():
    manifests = render()
    job = manifests["Job/workout-api-migrate"]
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]
    migrate = container(manifests, "Job/workout-api-migrate", "migrate")
    assert migrate["command"][-1] == "python manage.py migrate --noinput && python manage.py seed_exercises"
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    env = env_of(migrate)
    config = manifests["ConfigMap/workout-api"]["data"]
    assert {k: env[k] for k in config} == config  # inlined: the ConfigMap does not exist yet on a first install
    assert env_of(container(manifests)).items() <= env.items()
    assert migrate["image"] == container(manifests)["image"]


@pytest.mark.parametrize("backend", ["postgres", "mongodb", "redis"])
def test_more_than_one_replica_with_an_embedded_backend_is_refused(backend):
    error = render_error({"replicaCount": 2, "backends": {**EXTERNAL, backend: "embedded"}})
    assert "replicaCount=2" in error and "external" in error and "REDIS_URL" in error


def test_autoscaling_with_the_embedded_store_is_refused():
    error = render_error({"replicaCount": 1, "autoscaling": {"enabled": True}, "backends": {**EXTERNAL, "mongodb": "embedded"}})
    assert "autoscaling" in error


def test_one_replica_on_the_embedded_store_gets_a_volume_and_recreate():
    manifests = render({"replicaCount": 1, "backends": EMBEDDED, "secret": SECRET})
    deployment = manifests["Deployment/workout-api"]["spec"]
    assert deployment["replicas"] == 1 and deployment["strategy"] == {"type": "Recreate"}
    pod = deployment["template"]["spec"]
    data = next(v for v in pod["volumes"] if v["name"] == "data")
    assert data == {"name": "data", "persistentVolumeClaim": {"claimName": "workout-api-data"}}
    assert manifests["PersistentVolumeClaim/workout-api-data"]["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    # the Job could not open the store the running pod holds: migrations run in an init container
    assert "Job/workout-api-migrate" not in manifests
    assert pod["initContainers"][0]["command"][-1].startswith("python manage.py migrate")
    env = env_of(container(manifests))
    assert not {"DATABASE_URL", "MONGODB_URI", "REDIS_URL"} & set(env)
    assert "PodDisruptionBudget/workout-api" not in manifests


def test_values_schema_rejects_typos_and_unknown_backends():
    assert "replicas" in render_error({"replicas": 3})
    assert "backends" in render_error({"backends": {**EXTERNAL, "redis": "memory"}})


def test_bump_script_points_the_chart_at_a_new_image(tmp_path):
    chart = tmp_path / "workout-api"
    shutil.copytree(CHART, chart)
    before = (chart / "values.yaml").read_text()
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "bump-image-tag.py"), "docker.io/someone/workout-api", "sha-0123abc",
         str(chart / "values.yaml")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    after = (chart / "values.yaml").read_text()
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert changed == ['  repository: "docker.io/someone/workout-api"', '  tag: "sha-0123abc"']
    documents = load_yaml_documents(helm("template", str(chart)).stdout)
    deployment = next(doc for doc in documents if doc["kind"] == "Deployment")
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "docker.io/someone/workout-api:sha-0123abc"
    bad = subprocess.run([sys.executable, str(ROOT / "deploy" / "bump-image-tag.py"), "x", "bad tag;rm", str(chart / "values.yaml")],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and (chart / "values.yaml").read_text() == after


def test_values_schema_knows_every_value():
    schema = json.loads((CHART / "values.schema.json").read_text())
    values = load_yaml(CHART / "values.yaml")
    assert set(values) <= set(schema["properties"])
