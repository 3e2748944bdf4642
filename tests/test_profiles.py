"""Publication profiles (`shapes/profiles.ttl`, `bbfair.profiles`) and their choice in `bbfair.toml`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bbfair.cli import app
from bbfair.config import load_config
from bbfair.errors import ConfigError
from bbfair.profiles import available, by_iri, by_token, published
from bbfair.validation.shapesets import available as shape_sets


def test_every_profile_is_described_with_files_that_exist() -> None:
    tokens = [p.token for p in available()]
    assert tokens == ["health-ri", "healthdcat-ap"]
    for profile in available():
        assert by_iri(profile.iri) == profile and profile.title and profile.description
        assert set(profile.shape_sets) <= set(shape_sets())
        assert profile.code_values in ("iri", "literal")
        for level in ("PUBLIC", "RESTRICTED", "NON_PUBLIC"):
            assert all(path.is_file() for path in profile.official_files(level)), profile.token
        assert all(path.is_file() for path in profile.submission_files())
    r8 = by_token("healthdcat-ap")
    assert {p.name for p in r8.official_files("PUBLIC")} >= {"public-shapes.ttl", "range.ttl"}


def test_the_profiles_differ_only_in_the_disease_codes() -> None:
    both = published(["health-ri", "healthdcat-ap"])
    assert both.default.token == "health-ri"
    assert both.varying() == {"http://healthdataportal.eu/ns/health#hasCodeValues"}
    assert published(["healthdcat-ap"]).varying() == frozenset()
    assert published(["health-ri", "healthdcat-ap"], "healthdcat-ap").default.token == "healthdcat-ap"


def test_the_default_configuration_publishes_both_health_ri_first(sample_dir: Path) -> None:
    selection = load_config(sample_dir).profiles.selection()
    assert selection.tokens == ["health-ri", "healthdcat-ap"]


def _toml(tmp_path: Path, sample_dir: Path, extra: str) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    (target / "bbfair.toml").write_text((sample_dir / "bbfair.toml").read_text() + "\n" + extra)
    return target


@pytest.mark.parametrize(("extra", "words"), [
    ('[profiles]\npublish = ["health-ri", "dcat-ap-nl"]\n',
     "unknown profile 'dcat-ap-nl': choose from health-ri, healthdcat-ap"),
    ('[profiles]\npublish = ["health-ri"]\ndefault = "healthdcat-ap"\n',
     "the default profile 'healthdcat-ap' is not in publish"),
    ('[profiles]\npublish = []\n', "profiles.publish"),
    ('[output]\ncode_values = "iri"\n', "[output] code_values is replaced by [profiles]"),
])
def test_a_bad_profile_choice_is_named(tmp_path: Path, sample_dir: Path, extra: str, words: str) -> None:
    data = _toml(tmp_path, sample_dir, extra)
    with pytest.raises(ConfigError) as info:
        load_config(data)
    assert words in str(info.value)
    result = CliRunner().invoke(app, ["convert", str(data), "-o", str(tmp_path / "out.ttl")])
    assert result.exit_code == 2 and words.split(":")[0] in result.output


def test_build_profile_option_takes_publication_profiles_only(sample_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", str(sample_dir), "--store", str(tmp_path / "s"), "--profile", "fdp"])
    assert result.exit_code == 2 and "choose from health-ri, healthdcat-ap" in result.output
