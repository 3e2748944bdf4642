"""The container files (Dockerfile, deploy/compose.yaml, deploy/k8s/) say only what bbfair understands: every
command they run parses as that bbfair command, every `BBFAIR_*` variable they set is an option's variable or a
`bbfair.toml` setting (`envconfig`), and every probe asks a route the server has. No container runs here (no
container engine on the test machine); the replicas they describe run for real in tests/test_replicas.py."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer
import yaml

from bbfair import envconfig
from bbfair.cli import app
from bbfair.config import Config
from bbfair.web.app import RESERVED

ROOT = Path(__file__).resolve().parents[1]
COMMAND = typer.main.get_command(app)  # a click group (typer's own click)


def option_vars(name: str) -> set[str]:
    """The environment variables the options of `bbfair <name>` read."""
    found: set[str] = set()
    for param in COMMAND.commands[name].params:
        envvar = getattr(param, "envvar", None)
        if envvar:
            found.update([envvar] if isinstance(envvar, str) else envvar)
    return found


SETTINGS = {s.env for s in envconfig.settings(Config)}


def check(args: list[str], env: dict[str, str], where: str) -> None:
    """`bbfair *args` parses (options exist, values convert) and `env` holds only variables it or the config
    reads."""
    name = args[0]
    assert name in COMMAND.commands, f"{where}: no command {name}"
    COMMAND.commands[name].make_context(f"bbfair {name}", list(args[1:]), resilient_parsing=False)
    unknown = {k for k in env if k.startswith("BBFAIR_")} - option_vars(name) - SETTINGS
    assert not unknown, f"{where}: bbfair {name} reads no {sorted(unknown)}"


def dockerfile() -> tuple[list[str], dict[str, str], list[str]]:
    """The image's command (ENTRYPOINT + CMD), its environment, and its instructions."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    final = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")):]
    env: dict[str, str] = {}
    entry: list[str] = []
    cmd: list[str] = []
    for line in final:
        word, _, rest = line.partition(" ")
        if word == "ENV":
            env.update(dict(part.split("=", 1) for part in shlex.split(rest)))
        elif word == "ENTRYPOINT":
            entry = yaml.safe_load(rest)
        elif word == "CMD":
            cmd = yaml.safe_load(rest)
    return entry + cmd, env, final


def test_the_image_runs_a_replica_as_a_user_not_root() -> None:
    command, env, lines = dockerfile()
    assert command[0] == "bbfair"
    check(command[1:], env, "Dockerfile")
    assert env["BBFAIR_ARTIFACTS"] and env["BBFAIR_HOST"] == "0.0.0.0"
    user = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert user and not user[-1].startswith(("0", "root"))
    assert any("/ready" in line for line in lines if line.startswith("HEALTHCHECK"))


def test_compose_runs_a_builder_two_replicas_and_a_proxy() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    replicas = [s for s in services.values() if s.get("command") == ["serve"]]
    assert len(replicas) == 2 and "proxy" in services
    for name, service in services.items():
        if "command" in service:
            check(service["command"], service.get("environment", {}), f"compose {name}")
    assert "--artifacts" in services["builder"]["command"]
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert all(f"server {name}:8000" in conf for name, s in services.items() if s.get("command") == ["serve"])


@pytest.mark.parametrize("path", sorted((ROOT / "deploy" / "k8s").glob("*.yaml")), ids=lambda p: p.name)
def test_kubernetes_manifests_run_bbfair_commands_and_probe_its_routes(path: Path) -> None:
    for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        spec = doc.get("spec", {})
        pod = (spec.get("jobTemplate", {}).get("spec", spec).get("template") or {}).get("spec")
        if pod is None:
            continue
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            env = {e["name"]: e["value"] for e in container.get("env", [])}
            check(container["args"], env, f"{path.name} {container['name']}")
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                if probe in container:
                    assert container[probe]["httpGet"]["path"] in RESERVED, (path.name, probe)
            if container["args"] == ["serve"]:
                assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
