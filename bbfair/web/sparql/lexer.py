"""A SPARQL 1.1 tokenizer, just precise enough to read what a query *does* before Oxigraph runs it: its form
(SELECT, ASK, CONSTRUCT, DESCRIBE — or an update), its PREFIX and BASE declarations and its SERVICE clauses.

Why a tokenizer and not a regular expression: `service` may sit in a comment, a string, an IRI, a prefixed name
(`ex:service`, `service:x`) or a variable (`?service`), and a check that is fooled by any of those either lets a
SERVICE through or refuses an innocent query. pyoxigraph exposes no parser, so we read the terminals of the
SPARQL 1.1 grammar (§19.8) here: IRIs, the four string forms with their escapes, comments, variables, prefixed
names with `\\`-escapes and `%XX`, numbers, language tags, blank-node labels and punctuation. Anything else is a
`LexError`: the caller then refuses the query if it could hold a SERVICE clause. Codepoint escapes (`\\u0053`)
are decoded inside IRIs, strings and names only — where Oxigraph decodes them (checked by a test).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
                  "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = (f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?")
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"

_TOKENS = [
    ("ws", r"[ \t\r\n]+"),
    ("comment", r"#[^\r\n]*"),
    ("iri", rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>"),
    ("string", rf"'''(?:(?:'|'')?(?:[^'\\]|\\[tbnrf\\\"']|{_UCHAR}))*'''"),
    ("string", rf'"""(?:(?:"|"")?(?:[^"\\]|\\[tbnrf\\"\']|{_UCHAR}))*"""'),
    ("string", rf"'(?:[^'\\\n\r]|\\[tbnrf\\\"']|{_UCHAR})*'"),
    ("string", rf'"(?:[^"\\\n\r]|\\[tbnrf\\"\']|{_UCHAR})*"'),
    ("var", rf"[?$]{_VARNAME}"),
    ("bnode", rf"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
    ("pname", rf"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("number", r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|<<|>>|\{\||\|\}|[{}()\[\];,.=<>!+\-*/^|?~]"),
]
_SCANNER = re.compile("|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(_TOKENS)))
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(rf"{_UCHAR}|\\[tbnrf\"'\\]|\\[_~.\-!$&()*+,;=/?#@%]")


class LexError(ValueError):
    """The text is not made of SPARQL 1.1 tokens (the message says where)."""


@dataclass(frozen=True)
class Token:
    """One token: its kind, its text as written, its decoded value (escapes resolved) and its line."""

    kind: str  # iri | string | var | bnode | pname | langtag | number | word | punct
    text: str
    value: str
    line: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def unescape(text: str) -> str:
    """Resolve \\uXXXX, \\UXXXXXXXX, string escapes and prefixed-name escapes (`\\-` → `-`)."""
    def one(match: re.Match[str]) -> str:
        found = match.group(0)
        if found[1] in "uU":
            return chr(int(found[2:], 16))
        return _ECHAR.get(found[1], found[1])

    return _ESCAPE.sub(one, text)


def tokens(query: str) -> list[Token]:
    """The query's tokens without whitespace and comments; LexError on anything that is not a token."""
    found: list[Token] = []
    pos, line = 0, 1
    while pos < len(query):
        match = _SCANNER.match(query, pos)
        if match is None or match.end() == pos:
            raise LexError(f"line {line}: unexpected {query[pos:pos + 20]!r}")
        kind = (match.lastgroup or "").rstrip("0123456789")
        text = match.group(0)
        if kind not in ("ws", "comment"):
            if kind == "iri":
                value = unescape(text[1:-1])
            elif kind == "string":
                quote = 3 if text[:3] in ('"""', "'''") else 1
                value = unescape(text[quote:-quote])
            elif kind in ("pname", "var", "bnode"):
                value = unescape(text)
            else:
                value = text
            found.append(Token(kind, text, value, line))
        line += text.count("\n")
        pos = match.end()
    return found
