"""Every `bbfair.toml` setting as a `BBFAIR_*` environment variable (12-factor), so a replica or a container runs
with no `bbfair.toml` at all.

The names come from the pydantic models of `config`, not from a list kept by hand: a top-level key is
`BBFAIR_<KEY>` (`BBFAIR_BASE_IRI`), a key of a table is `BBFAIR_<TABLE>__<KEY>` (`BBFAIR_SPARQL__TIMEOUT`,
`BBFAIR_NODE__EMAIL`), upper case, with a double underscore between table and key. A list is JSON
(`["a", "b"]`) or comma-separated. The environment wins over `bbfair.toml`; a command-line flag wins over both.
A variable naming a table bbfair knows but a key it does not is an error, so a typo is not silently ignored.
"""

from __future__ import annotations

import json
import os
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .errors import ConfigError, Problem

PREFIX = "BBFAIR_"
SEP = "__"


@dataclass(frozen=True)
class Setting:
    """One setting: its environment variable, its dotted key in `bbfair.toml`, its default and description."""

    env: str
    key: str
    default: Any
    description: str
    is_list: bool


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_list(a) for a in get_args(annotation) if a is not type(None))
    return get_origin(annotation) is list


def settings(model: type[BaseModel]) -> Iterator[Setting]:
    """Every setting of `model` (the whole config: `config.Config`), tables first-level only."""
    for name, field in model.model_fields.items():
        nested = _model_of(field.annotation)
        if nested is None:
            yield Setting(f"{PREFIX}{name.upper()}", name, field.get_default(call_default_factory=True),
                          field.description or "", _is_list(field.annotation))
            continue
        for sub, inner in nested.model_fields.items():
            yield Setting(f"{PREFIX}{name.upper()}{SEP}{sub.upper()}", f"{name}.{sub}",
                          inner.get_default(call_default_factory=True), inner.description or "",
                          _is_list(inner.annotation))


def _value(setting: Setting, raw: str) -> Any:
    if not setting.is_list:
        return raw
    text = raw.strip()
    if text.startswith("["):
        try:
            found = json.loads(text)
        except ValueError as exc:
            raise ConfigError([Problem(f"{setting.env} is not a JSON list: {exc}", file="environment")]) from None
        return found
    return [item.strip() for item in text.split(",") if item.strip()]


def overrides(model: type[BaseModel], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings the environment gives for `model`, as a nested dict shaped like `bbfair.toml`."""
    environ = os.environ if environ is None else environ
    known = {s.env: s for s in settings(model)}
    tables = {name.upper() for name, f in model.model_fields.items() if _model_of(f.annotation) is not None}
    found: dict[str, Any] = {}
    problems = []
    for env, raw in environ.items():
        if not env.startswith(PREFIX):
            continue
        setting = known.get(env)
        if setting is None:
            table = env[len(PREFIX):].split(SEP, 1)[0]
            if SEP in env and table in tables:
                keys = ", ".join(s.env for s in known.values() if s.key.startswith(table.lower() + "."))
                problems.append(Problem(f"unknown setting {env} (check its spelling; [{table.lower()}] has {keys})",
                                        file="environment"))
            continue
        table, _, key = setting.key.rpartition(".")
        target = found.setdefault(table, {}) if table else found
        target[key] = _value(setting, raw)
    if problems:
        raise ConfigError(problems)
    return found


def merged(raw: dict[str, Any], model: type[BaseModel], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`raw` (a parsed `bbfair.toml`) with the environment's settings laid over it."""
    out = dict(raw)
    for key, value in overrides(model, environ).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def source(key: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The environment variable that set the dotted `key` (`sparql.timeout`), if one did."""
    environ = os.environ if environ is None else environ
    parts = key.split(".")
    env = PREFIX + SEP.join(p.upper() for p in parts[:2])
    return env if env in environ else None


def table(model: type[BaseModel], name: str, environ: Mapping[str, str] | None = None) -> BaseModel:
    """One table of `model` (`sparql`) from the environment alone, validated: for a server that runs without
    `bbfair.toml`. ConfigError naming the variable when a value is bad."""
    cls = _model_of(model.model_fields[name].annotation)
    assert cls is not None, f"{name} is not a table"
    value = overrides(model, environ).get(name, {})
    try:
        return cls.model_validate(value)
    except ValidationError as exc:
        raise ConfigError([Problem(f"bad value for {PREFIX}{name.upper()}{SEP}{str(err['loc'][0]).upper()}: "
                                   f"{err['msg'].removeprefix('Value error, ')}", file="environment")
                           for err in exc.errors()]) from None
