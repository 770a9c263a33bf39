"""`helm lint` and `helm template` for the tests, without a helm binary.

helm-python-sdk (test extra) embeds Helm's own Go SDK as a shared library, so charts are linted and
rendered by the same engine `helm` uses. It runs in its own process so a Go runtime never shares
the test process. Prints JSON (lint) or a YAML stream with `# Source:` lines (template), like helm.

    python tests/deploy/helm_tool.py lint deploy/helm/workout-api [--strict] [--values-json '{...}']
    python tests/deploy/helm_tool.py template deploy/helm/workout-api [--values-json '{...}']
"""

import argparse
import json
import sys

UNAVAILABLE = 77


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["lint", "template", "version"])
    parser.add_argument("chart", nargs="?")
    parser.add_argument("--values-json", default="{}")
    parser.add_argument("--name", default="workout-api")
    parser.add_argument("--namespace", default="workout")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--kube-version", default=None)
    args = parser.parse_args()
    try:
        import helm_python as helm
    except Exception as error:  # not installed, or no wheel for this platform
        print(f"helm-python-sdk is unavailable: {error}", file=sys.stderr)
        return UNAVAILABLE
    values = json.loads(args.values_json)

    if args.command == "version":
        print(json.dumps({"helm_sdk": helm.helm_sdk_version(), "helm_c": helm.helm_c_version()}))
        return 0
    if args.command == "lint":
        report = helm.lint(
            args.chart, values, strict=args.strict, namespace=args.namespace, kube_version=args.kube_version
        )
        print(json.dumps(report, indent=2))
        failing = 2 if args.strict else 3  # severities: 1 info, 2 warning, 3 error
        return 1 if report["errors"] or any(m["severity"] >= failing for m in report["messages"]) else 0
    try:
        with helm.Chart.load(args.chart) as chart:
            manifests = chart.render(values, name=args.name, namespace=args.namespace, is_install=True)
    except Exception as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    for path in sorted(manifests):
        if path.endswith(".txt") or not manifests[path].strip():
            continue
        print(f"---\n# Source: {path}\n{manifests[path].strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
