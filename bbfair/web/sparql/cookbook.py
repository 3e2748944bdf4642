"""The cookbook: saved queries for the questions data stewards ask, shown on the query page and served as
`.rq` files.

Each query is a file in `cookbook/` (`NN-name.rq`: NN orders them, `name` is its address) that starts with
`# title:` and `# description:` comment lines (a description may go on over lines starting with `#  `). The files
use bbfair's prefixes without declaring them: the served text declares the ones it uses from
`vocab/prefixes.json`, so a namespace change there reaches every saved query and each served query also runs on
any other SPARQL endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from .lexer import tokens
from .safety import query_form

_NAME = re.compile(r"^\d+-([a-z0-9-]+)\.rq$")
_FIELD = re.compile(r"^#\s*(title|description):\s*(.*)$")


@dataclass(frozen=True)
class Recipe:
    """One saved query: its address, title, description, form (SELECT, ASK, …) and full text."""

    name: str
    title: str
    description: str
    form: str
    query: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, "description": self.description, "form": self.form,
                "query": self.query}


def parse(name: str, text: str, prefixes: dict[str, str]) -> Recipe:
    """A recipe from its file text; the query gets PREFIX lines for the bbfair prefixes it uses."""
    fields: dict[str, str] = {}
    head: list[str] = []
    lines = text.splitlines()
    current = None
    while lines and lines[0].startswith("#"):
        line = lines.pop(0)
        head.append(line)
        found = _FIELD.match(line)
        if found:
            current = found.group(1)
            fields[current] = found.group(2).strip()
        elif current is not None:
            fields[current] += " " + line.lstrip("#").strip()
    if "title" not in fields:
        raise ValueError(f"cookbook query {name} has no '# title:' line")
    body = "\n".join(lines).strip() + "\n"
    toks = tokens(body)
    declared = {t.value[:-1] for i, t in enumerate(toks) if t.kind == "pname" and i and toks[i - 1].is_word("PREFIX")}
    used = sorted({t.value.split(":", 1)[0] for t in toks if t.kind == "pname"} - declared)
    unknown = [p for p in used if p not in prefixes]
    if unknown:
        raise ValueError(f"cookbook query {name} uses undeclared prefixes {unknown}")
    prologue = [f"PREFIX {p}: <{prefixes[p]}>" for p in used]
    query = "\n".join([*head, *prologue, "", body]) if prologue else "\n".join([*head, body])
    return Recipe(name, fields["title"], fields.get("description", ""), query_form(body), query)


@lru_cache(maxsize=1)
def _load(prefix_items: tuple[tuple[str, str], ...]) -> tuple[Recipe, ...]:
    prefixes = dict(prefix_items)
    folder = files(__package__) / "cookbook"
    recipes = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        found = _NAME.match(entry.name)
        if found:
            recipes.append(parse(found.group(1), entry.read_text(encoding="utf-8"), prefixes))
    return tuple(recipes)


def cookbook(prefixes: dict[str, str]) -> tuple[Recipe, ...]:
    """Every saved query, in file order."""
    return _load(tuple(sorted(prefixes.items())))
