"""What a department deploys lints clean: the Dockerfile (hadolint), the Kubernetes manifests (their
schemas, strictly), the proxy's configuration (HAProxy's own check) and compose's copy of it, which
must be what the one template makes. Each linter is also shown a broken file, so a linter that
passes everything would fail here."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from deploy.proxy_config import COMPOSE_CONFIG, compose_config, local_servers, render

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: pip install -e '.[test]'")
    return str(path)


def _run(*cmd) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_the_dockerfile_lints_clean_and_a_careless_one_does_not(tmp_path):
    ok = _run(_tool("hadolint"), str(ROOT / "Dockerfile"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\nRUN pip install streamlit\n")
    assert _run(_tool("hadolint"), str(careless)).returncode != 0


def test_the_image_runs_the_app_alone_as_a_user_with_a_health_check():
    text = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in text
    assert "USER 10001" in text and "useradd" in text
    assert "OPENBLAS_NUM_THREADS=1" in text
    assert "HEALTHCHECK" in text and "/_stcore/health" in text
    assert "pip install --no-cache-dir ." in text and "[test]" not in text  # no test or browser dependencies
    kept = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line.startswith("!")]
    assert not any(k.strip("!/") in ("tests", "bench", ".venv", "runs") for k in kept)


def test_the_kubernetes_manifests_match_their_schemas():
    assert {p.stem for p in MANIFESTS} == {"deployment", "service", "ingress", "autoscaler", "runs-volume"}
    done = _run(_tool("kubernetes-validate"), "--strict", *map(str, MANIFESTS))
    assert done.returncode == 0, done.stdout + done.stderr
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == [p.name for p in MANIFESTS]


def test_a_manifest_with_a_mistake_is_refused(tmp_path):
    broken = yaml.safe_load((K8S / "deployment.yaml").read_text())
    broken["spec"]["replicas"] = "three"
    path = tmp_path / "deployment.yaml"
    path.write_text(yaml.safe_dump(broken))
    assert _run(_tool("kubernetes-validate"), "--strict", str(path)).returncode != 0


def test_the_deployment_probes_health_sizes_its_pods_and_sticks_browsers_to_them():
    docs = {p.stem: yaml.safe_load(p.read_text()) for p in MANIFESTS}
    pod = docs["deployment"]["spec"]["template"]["spec"]
    (app,) = pod["containers"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert app[probe]["httpGet"]["path"] == "/_stcore/health"
    assert set(app["resources"]) == {"requests", "limits"}
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == docs["runs-volume"]["metadata"]["name"]
    notes = docs["ingress"]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"  # not by address: a hall is one NAT
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert docs["autoscaler"]["spec"]["metrics"][0]["resource"]["name"] == "cpu"


def test_compose_uses_the_configuration_the_template_makes():
    assert COMPOSE_CONFIG.read_text() == compose_config(), "run: python -m deploy.proxy_config --compose"
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert "./deploy/compose/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in services["proxy"]["volumes"]
    assert "runs:/data/runs" in services["app"]["volumes"]
    assert services["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"


@pytest.mark.parametrize("config", ["compose", "local"])
def test_haproxy_accepts_the_configuration(tmp_path, config):
    if shutil.which("haproxy") is None:
        pytest.skip("apt-get install haproxy")
    text = compose_config() if config == "compose" else render("127.0.0.1:8500", local_servers([8601, 8602]))
    path = tmp_path / "haproxy.cfg"
    path.write_text(text)
    done = _run("haproxy", "-c", "-f", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    for needed in ("cookie DLREPLICA insert", "option httpchk GET /_stcore/health", "timeout tunnel",
                   "option redispatch", "X-Descentlab-Replica"):
        assert needed in text
    path.write_text(text.replace("balance leastconn", "balance nonsense"))
    assert _run("haproxy", "-c", "-f", str(path)).returncode != 0
