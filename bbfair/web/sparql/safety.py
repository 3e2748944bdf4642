"""What a query may do here, decided before it runs: only read (no SPARQL Update in any disguise), nest no
deeper than `[sparql] max_depth` groups, brackets and parentheses (the engine's parser recurses; a deep enough
query would exhaust its stack), and reach no SERVICE endpoint whose host is not on the allow-list
(`[sparql] service_allow` in bbfair.toml, empty by default, so nothing is ever contacted).

pyoxigraph evaluates SERVICE by calling the endpoint over HTTP and offers no hook to stop it, and it has no
public parser, so the query is read with our tokenizer (`lexer.py`): every `SERVICE` keyword — not the word in a
comment, string, IRI, prefixed name or variable — must be followed by an IRI (written out or as a prefixed name,
resolved with every PREFIX and BASE of the query) of the form `http(s)://host[:port]/…` whose host is allowed.
A variable endpoint is refused (it could be bound to anything). When the tokenizer cannot read the text, a
query that mentions `service` at all is refused; any other goes to Oxigraph, whose parser explains the error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from .lexer import LexError, Token, tokens, unescape

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY", "WITH"})
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: an endpoint we can vouch for: scheme, plain host name or IPv4 address, optional port, then the path
_ENDPOINT = re.compile(r"^https?://([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)\.?(?::[0-9]{1,5})?(?:[/?#].*)?$",
                       re.DOTALL)
READ_ONLY = ("this endpoint is read-only: SPARQL Update ({what}) is not accepted. The catalogue changes only "
             "when its records change and `bbfair build` publishes them")


class Refused(ValueError):
    """The query may not run here; the message says why (HTTP 400)."""


@dataclass(frozen=True)
class Checked:
    """A query that may run: its form ('' when the tokenizer could not read it) and the endpoints it calls."""

    form: str
    services: tuple[str, ...] = ()


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or an update keyword (upper case) after the prologue; '' if unreadable."""
    try:
        return _form(_tokens(query))
    except LexError:
        return ""


#: the deepest nesting a query may have unless told otherwise (`[sparql] max_depth`)
MAX_DEPTH = 100
_OPEN = frozenset({"{", "(", "[", "{|"})
_CLOSE = frozenset({"}", ")", "]", "|}"})


def check(query: str, allow: Iterable[str], prefixes: Mapping[str, str], max_depth: int = MAX_DEPTH) -> Checked:
    """Refuse an update, a query nested deeper than `max_depth` or a SERVICE to a host not in `allow`;
    `prefixes` are the predeclared ones."""
    raw = _raw_depth(query)
    if raw > 2 * max_depth:  # far past the limit: no need to read every token (a 200 kB bracket tower costs
        raise Refused(_too_deep(max_depth))  # 0.4 s to tokenise, 40 ms to count)
    try:
        toks = _tokens(query)
    except LexError as exc:
        if raw > max_depth:  # every bracket counts: more than the real nesting, never less
            raise Refused(_too_deep(max_depth)) from None
        if re.search("service", unescape(query), re.IGNORECASE):
            raise Refused(f"the query cannot be read ({exc}), so its SERVICE clauses cannot be checked") from None
        return Checked("")
    if _depth(toks) > max_depth:
        raise Refused(_too_deep(max_depth))
    form = _form(toks)
    if form in UPDATE_WORDS:
        raise Refused(READ_ONLY.format(what=form))
    allowed = {host.lower().rstrip(".") for host in allow}
    return Checked(form, tuple(_services(toks, allowed, prefixes)))


def _too_deep(max_depth: int) -> str:
    return (f"the query nests groups, brackets or parentheses more than {max_depth} deep (this endpoint's "
            "limit); write it flatter")


def _depth(toks: tuple[Token, ...]) -> int:
    deepest = depth = 0
    for tok in toks:
        if tok.kind == "punct":
            if tok.text in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif tok.text in _CLOSE:
                depth -= 1
    return deepest


#: strings, IRIs and comments, whose brackets do not nest
_LITERALS = re.compile(r"""'''(?:[^'\\]|\\.|'(?!''))*'''|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|"(?:[^"\\\n]|\\.)*\""""
                       r"""|'(?:[^'\\\n]|\\.)*'|<[^<>\s"{}|^`\\]*>|#[^\n]*""")


def _raw_depth(text: str) -> int:
    """The nesting of a query the tokenizer cannot read, brackets in strings, IRIs and comments left out as well
    as they can be (the worker's large stack is what keeps a miscount harmless)."""
    deepest = depth = 0
    for char in re.findall(r"[{(\[\]})]", _LITERALS.sub(" ", text)):
        depth = depth + 1 if char in "{([" else depth - 1
        deepest = max(deepest, depth)
    return deepest


#: queries up to this many characters keep their tokens in a cache (saved queries and reloads repeat)
CACHE_BELOW = 8192


def _tokens(query: str) -> tuple[Token, ...]:
    return _cached_tokens(query) if len(query) < CACHE_BELOW else tuple(tokens(query))


@lru_cache(maxsize=256)
def _cached_tokens(query: str) -> tuple[Token, ...]:
    return tuple(tokens(query))


def _form(toks: tuple[Token, ...]) -> str:
    """The first keyword after the prologue (PREFIX p: <iri> / BASE <iri> declarations)."""
    i = 0
    while i < len(toks):
        if toks[i].is_word("PREFIX"):
            i += 3
        elif toks[i].is_word("BASE"):
            i += 2
        else:
            return toks[i].text.upper() if toks[i].kind == "word" else ""
    return ""


def _declarations(toks: tuple[Token, ...], prefixes: Mapping[str, str]) -> tuple[dict[str, set[str]], list[str]]:
    """Every namespace each prefix may stand for (predeclared and declared anywhere), and every BASE."""
    namespaces: dict[str, set[str]] = {p: {ns} for p, ns in prefixes.items()}
    bases = [t.value for i, t in enumerate(toks[1:], 1) if t.kind == "iri" and toks[i - 1].is_word("BASE")]
    for i, tok in enumerate(toks[:-2]):
        if tok.is_word("PREFIX") and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            name = toks[i + 1].value[:-1]
            namespaces.setdefault(name, set()).update(_resolve(toks[i + 2].value, bases, "a PREFIX"))
    return namespaces, bases


def _resolve(iri: str, bases: list[str], what: str) -> set[str]:
    """`iri`, or every reading of it against the query's BASE declarations when it is relative."""
    if _ABSOLUTE.match(iri):
        return {iri}
    absolute = [b for b in bases if _ABSOLUTE.match(b)]
    if not absolute:
        raise Refused(f"{what} IRI <{iri}> is relative and the query gives no absolute BASE to resolve it")
    return {urljoin(base, iri) for base in absolute}


def _services(toks: tuple[Token, ...], allowed: set[str], prefixes: Mapping[str, str]) -> list[str]:
    endpoints: list[str] = []
    if not any(t.is_word("SERVICE") for t in toks):
        return endpoints
    namespaces, bases = _declarations(toks, prefixes)
    for i, tok in enumerate(toks):
        if not tok.is_word("SERVICE"):
            continue
        j = i + 2 if i + 1 < len(toks) and toks[i + 1].is_word("SILENT") else i + 1
        target = toks[j] if j < len(toks) else None
        if target is None or target.kind not in ("iri", "pname", "var"):
            raise Refused(f"line {tok.line}: SERVICE must be followed by the endpoint's IRI")
        if target.kind == "var":
            raise Refused(f"line {tok.line}: SERVICE {target.text}: an endpoint given by a variable is not allowed "
                          "here; write the IRI of an allowed endpoint")
        if target.kind == "iri":
            candidates = _resolve(target.value, bases, "the SERVICE")
        else:
            prefix, local = target.value.split(":", 1)
            if prefix not in namespaces:
                raise Refused(f"line {tok.line}: SERVICE {target.text}: the prefix {prefix}: is not declared")
            candidates = set()
            for ns in namespaces[prefix]:
                candidates |= _resolve(ns + local, bases, "the SERVICE")
        for iri in sorted(candidates):
            found = _ENDPOINT.match(iri)
            host = found.group(1).lower() if found else None
            if host is None or host not in allowed:
                listed = ", ".join(sorted(allowed)) or "none"
                raise Refused(f"line {tok.line}: SERVICE <{iri}> is not allowed: this endpoint only queries hosts on "
                              f"its allow-list ([sparql] service_allow in bbfair.toml; allowed now: {listed})")
            endpoints.append(iri)
    return endpoints
