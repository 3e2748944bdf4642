"""The value types of record columns: how a Directory cell (or a JSON/YAML value) becomes a typed field, and
what is checked on the way (web addresses, e-mail addresses, whole numbers, coordinates)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


def _as_list(value: object) -> object:
    """Accept a Directory multi-value cell ("A,B"), a JSON/YAML list, or nothing."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return value


def _as_bool(value: object) -> object:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in {"true", "yes", "1", "t", "y"}:
            return True
        if low in {"false", "no", "0", "f", "n", ""}:
            return False
    return value


_WEB = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_url(value: str | None) -> str | None:
    if value is not None and not _WEB.match(value):
        raise ValueError(f"expected a web address starting with http:// or https://, got {value!r}")
    return value


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"expected an email address like name@example.org, got {value!r}")
    return value


Text = Annotated[str | None, BeforeValidator(_blank_to_none)]
Url = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_check_url)]
RequiredUrl = Annotated[str, BeforeValidator(_blank_to_none), Field(min_length=1), AfterValidator(_check_url)]
Required = Annotated[str, BeforeValidator(_blank_to_none), Field(min_length=1)]
Codes = Annotated[list[str], BeforeValidator(_as_list)]
Count = Annotated[int | None, BeforeValidator(_blank_to_none)]
Flag = Annotated[bool, BeforeValidator(_as_bool)]
# pydantic runs before-validators last first: a blank cell is "not said" (None), not false
OptFlag = Annotated[bool | None, BeforeValidator(_as_bool), BeforeValidator(_blank_to_none)]
Stamp = Annotated[datetime | None, BeforeValidator(_blank_to_none)]


def _check_urls(values: list[str]) -> list[str]:
    for value in values:
        _check_url(value)
    return values


def _check_optional_email(value: str | None) -> str | None:
    return _check_email(value) if value is not None else value


def _coordinate(limit: float):
    """A WGS84 latitude (|x| <= 90) or longitude (|x| <= 180) in decimal degrees, as the Directory writes it
    (a string column; a decimal comma is accepted)."""
    def check(value: object) -> float | None:
        value = _blank_to_none(value)
        if value is None:
            return None
        try:
            number = float(value.replace(",", ".")) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected decimal degrees like 50.8503, got {value!r}") from None
        if not -limit <= number <= limit:
            raise ValueError(f"expected decimal degrees between -{limit:g} and {limit:g}, got {value!r}")
        return number
    return check


Urls = Annotated[list[str], BeforeValidator(_as_list), AfterValidator(_check_urls)]
Email = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_check_optional_email)]
RequiredEmail = Annotated[str, BeforeValidator(_blank_to_none), Field(min_length=1), AfterValidator(_check_email)]
Latitude = Annotated[float | None, BeforeValidator(_coordinate(90))]
Longitude = Annotated[float | None, BeforeValidator(_coordinate(180))]
Day = Annotated[date | None, BeforeValidator(_blank_to_none)]


def _personal_data(value: object) -> object:
    """EJP RD's `personalData` is the string "true" or "false" (the EJP RD shapes want a string, and the Directory
    keeps it as one)."""
    value = _blank_to_none(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    low = str(value).lower()
    if low not in ("true", "false"):
        raise ValueError(f"expected true or false, got {value!r}")
    return low


PersonalData = Annotated[str | None, BeforeValidator(_personal_data)]
