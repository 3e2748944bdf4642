"""How a Directory cell becomes a typed value (`bbfair.records.fields`), and what is refused on the way."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from bbfair.records.fields import Latitude, Longitude, OptFlag, PersonalData, Urls


@pytest.mark.parametrize(("cell", "expected"), [
    ("", None), ("  ", None), (None, None), ("true", True), ("FALSE", False), ("no", False), ("yes", True),
])
def test_an_optional_flag_left_blank_says_nothing(cell, expected) -> None:
    """Regression: a blank `commercial_use` or `collaboration_*` cell was read as false (the boolean parser ran
    before the blank check) and published as `false`, while a JSON/YAML record without the field published
    nothing."""
    assert TypeAdapter(OptFlag).validate_python(cell) is expected


@pytest.mark.parametrize(("kind", "cell", "expected"), [
    (Latitude, "50.8503", 50.8503), (Latitude, "50,8503", 50.8503), (Latitude, "-90", -90.0), (Latitude, "", None),
    (Longitude, "4.3517", 4.3517), (Longitude, "-180", -180.0), (Longitude, None, None),
])
def test_coordinates_are_decimal_degrees(kind, cell, expected) -> None:
    assert TypeAdapter(kind).validate_python(cell) == expected


@pytest.mark.parametrize(("kind", "cell", "message"), [
    (Latitude, "95.1", "between -90 and 90"), (Longitude, "181", "between -180 and 180"),
    (Latitude, "50°51'N", "decimal degrees like 50.8503"),
])
def test_coordinates_out_of_range_or_not_numbers_are_refused(kind, cell, message) -> None:
    with pytest.raises(ValidationError, match=message):
        TypeAdapter(kind).validate_python(cell)


def test_ejp_personal_data_is_the_string_true_or_false() -> None:
    adapter = TypeAdapter(PersonalData)
    assert adapter.validate_python("TRUE") == "true"
    assert adapter.validate_python(False) == "false"
    assert adapter.validate_python("") is None
    with pytest.raises(ValidationError, match="expected true or false"):
        adapter.validate_python("maybe")


def test_a_list_of_web_addresses_checks_each() -> None:
    adapter = TypeAdapter(Urls)
    assert adapter.validate_python("https://a.example.org,https://b.example.org") == [
        "https://a.example.org", "https://b.example.org"]
    with pytest.raises(ValidationError, match="web address"):
        adapter.validate_python("https://a.example.org,www.b.example.org")
