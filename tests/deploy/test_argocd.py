"""deploy/argocd/application.yaml: an ArgoCD Application that syncs the chart from Git, pruning and
self-healing. (ArgoCD's CRD schema is not bundled anywhere installable here, so its shape is
checked field by field, and the chart is rendered with the Application's own values.)"""

import pytest

from tests.deploy.tools import CHART, ROOT, helm, load_yaml, load_yaml_documents

APPLICATION = ROOT / "deploy" / "argocd" / "application.yaml"


@pytest.fixture(scope="module")
def application():
    return load_yaml(APPLICATION)


def test_is_an_argocd_application(application):
    assert application["apiVersion"] == "argoproj.io/v1alpha1"
    assert application["kind"] == "Application"
    assert application["metadata"]["namespace"] == "argocd"
    assert "resources-finalizer.argocd.argoproj.io" in application["metadata"]["finalizers"]
    assert set(application["spec"]) == {"project", "source", "destination", "syncPolicy"}


def test_syncs_the_chart_from_the_branch_ci_bumps(application):
    source = application["spec"]["source"]
    assert (ROOT / source["path"]).resolve() == CHART.resolve()
    assert source["targetRevision"] == "main"
    assert source["repoURL"].startswith("https://") and source["repoURL"].endswith(".git")
    assert source["helm"]["releaseName"] == "workout-api"
    destination = application["spec"]["destination"]
    assert destination["server"] == "https://kubernetes.default.svc" and destination["namespace"]


def test_automated_sync_prunes_and_self_heals(application):
    policy = application["spec"]["syncPolicy"]
    assert policy["automated"] == {"prune": True, "selfHeal": True}
    assert "CreateNamespace=true" in policy["syncOptions"]
    assert policy["retry"]["limit"] > 0


def test_the_chart_renders_with_the_applications_values(application):
    result = helm("template", str(CHART), values=application["spec"]["source"]["helm"]["valuesObject"], check=False)
    if result.returncode == 77:
        pytest.skip(f"Helm's engine (helm-python-sdk, test extra) cannot be loaded: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    kinds = {doc["kind"] for doc in load_yaml_documents(result.stdout)}
    assert {"Deployment", "Service", "Ingress", "ConfigMap", "Job"} <= kinds
