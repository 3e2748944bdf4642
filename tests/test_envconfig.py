"""Every `bbfair.toml` setting as a `BBFAIR_*` environment variable: laid over the sample's `bbfair.toml`, read
alone for a server with no `bbfair.toml`, and refused with the variable's name when it is misspelt or bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from bbfair import envconfig
from bbfair.config import Config, Limits, Sparql, load_config
from bbfair.errors import ConfigError


def test_every_table_key_has_a_variable_named_after_it() -> None:
    names = {s.env: s.key for s in envconfig.settings(Config)}
    assert names["BBFAIR_BASE_IRI"] == "base_iri"
    assert names["BBFAIR_SPARQL__TIMEOUT"] == "sparql.timeout"
    assert names["BBFAIR_LIMITS__BODY_BYTES"] == "limits.body_bytes"
    assert names["BBFAIR_NODE__EMAIL"] == "node.email"
    assert len(names) == len(set(names.values())) > 40


def test_the_environment_wins_over_bbfair_toml(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = load_config(sample_dir)
    monkeypatch.setenv("BBFAIR_SPARQL__TIMEOUT", "3.5")
    monkeypatch.setenv("BBFAIR_SPARQL__SERVICE_ALLOW", "https://a.example/sparql, https://b.example/sparql")
    monkeypatch.setenv("BBFAIR_PROFILES__PUBLISH", '["health-ri"]')
    monkeypatch.setenv("BBFAIR_NODE__EMAIL", "ops@example.org")
    config = load_config(sample_dir)
    assert config.sparql.timeout == 3.5 != plain.sparql.timeout
    assert config.sparql.service_allow == ["https://a.example/sparql", "https://b.example/sparql"]
    assert config.profiles.publish == ["health-ri"]
    assert config.node.email == "ops@example.org" and config.node.name == plain.node.name  # the rest kept
    assert load_config(sample_dir, base_iri="https://x.example").base_iri == "https://x.example"  # a flag wins


def test_a_misspelt_or_bad_variable_is_refused_by_name(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BBFAIR_SPARQL__TIMEOUTS", "3")
    with pytest.raises(ConfigError) as caught:
        load_config(sample_dir)
    assert "unknown setting BBFAIR_SPARQL__TIMEOUTS" in str(caught.value.problems[0].message)
    assert "BBFAIR_SPARQL__TIMEOUT" in caught.value.problems[0].message
    monkeypatch.delenv("BBFAIR_SPARQL__TIMEOUTS")
    monkeypatch.setenv("BBFAIR_SPARQL__TIMEOUT", "-1")
    with pytest.raises(ConfigError) as caught:
        load_config(sample_dir)
    assert caught.value.problems[0].file == "environment (BBFAIR_SPARQL__TIMEOUT)"


def test_a_table_alone_for_a_server_without_bbfair_toml() -> None:
    sparql = envconfig.table(Config, "sparql", {"BBFAIR_SPARQL__MAX_RUNNING": "1", "BBFAIR_PORT": "9000"})
    assert isinstance(sparql, Sparql) and sparql.max_running == 1 and sparql.timeout == Sparql().timeout
    limits = envconfig.table(Config, "limits", {})
    assert limits == Limits()
    with pytest.raises(ConfigError, match="BBFAIR_LIMITS__BODY_BYTES"):
        envconfig.table(Config, "limits", {"BBFAIR_LIMITS__BODY_BYTES": "10"})
