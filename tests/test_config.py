"""bbfair.toml: a good config loads; missing or malformed keys are named in the error."""

from __future__ import annotations

from pathlib import Path

import pytest

from bbfair.config import load_config
from bbfair.errors import ConfigError


def test_sample_config_loads(sample_dir: Path) -> None:
    config = load_config(sample_dir)
    assert config.base_iri == "http://127.0.0.1:8000"
    assert config.node.id == "BE"
    assert config.access.rights == "NON_PUBLIC"
    assert config.catalog.languages == ["en", "nl", "fr"]


def test_base_iri_override_strips_trailing_slash(sample_dir: Path) -> None:
    assert load_config(sample_dir, "https://fdp.example.org/").base_iri == "https://fdp.example.org"


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "bbfair.toml").write_text(text, encoding="utf-8")
    return tmp_path


def _problems(tmp_path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    return [str(p) for p in info.value.problems]


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    assert "bbfair.toml not found" in _problems(tmp_path)[0]


def test_missing_key_is_named(sample_dir: Path, tmp_path: Path) -> None:
    text = (sample_dir / "bbfair.toml").read_text().replace('email = "info@node.example.be"', "")
    problems = _problems(_write(tmp_path, text))
    assert any("missing key node.email" in p for p in problems)


def test_malformed_values_are_named(sample_dir: Path, tmp_path: Path) -> None:
    text = (sample_dir / "bbfair.toml").read_text()
    text = text.replace('rights = "NON_PUBLIC"', 'rights = "SECRET"').replace("byte_size = 18432", "byte_size = 0")
    text = text.replace('email = "access@hdab.example.be"', 'email = "not-an-email"')
    problems = "\n".join(_problems(_write(tmp_path, text)))
    assert "access.rights" in problems
    assert "access.byte_size" in problems
    assert "hdab.email" in problems


def test_unknown_key_and_bad_toml(sample_dir: Path, tmp_path: Path) -> None:
    text = (sample_dir / "bbfair.toml").read_text().replace("[hdab]", "[hdab]\nnmae = 'typo'")
    assert any("unknown key hdab.nmae" in p for p in _problems(_write(tmp_path, text)))
    problems = _problems(_write(tmp_path, "base_iri = 'x'\n[node\nid = 1\n"))
    assert "not valid TOML" in problems[0] and "bbfair.toml:2" in problems[0]


def test_base_iri_must_be_http_without_semicolon(sample_dir: Path, tmp_path: Path) -> None:
    text = (sample_dir / "bbfair.toml").read_text().replace('"http://127.0.0.1:8000"', '"http://x.org/a;b"')
    assert any("base_iri" in p for p in _problems(_write(tmp_path, text)))
