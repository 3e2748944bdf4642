"""Compact identifiers (CURIEs) and web addresses in record columns, read offline.

A column that takes an identifier accepts a CURIE whose prefix is in `vocab/curies.json` (`ror:05wg1m734`,
`doi:10.5555/12345678`, `biotools:gatk`, `ORPHA:558`; prefixes match case-insensitively and by their synonyms),
a MIRIAM URN (`urn:miriam:icd:C50`), a BBMRI-ERIC Directory id (`bbmri-eric:ID:BE_SUH`) or an absolute
http(s) address. CURIEs are expanded with the `curies` library and checked against their prefix's pattern (and
the ORCID and ROR check digits): a typo is reported with the value, never turned into a plausible but wrong IRI.
The prefix map is generated from bioregistry by `vocab/build_prefix_map.py`; bioregistry is not needed here.

This lives with the records because reading an identifier is part of reading the input: the loader checks
every value (and reports the record and column of a bad one), the mapping expands the values that passed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import curies

from ..rdf.resources import vocab_path

#: the BBMRI-ERIC Directory's own ids: biobanks and collections (`ID`) and networks (`networkID`)
_DIRECTORY = re.compile(r"^bbmri-eric:(ID|networkID):[A-Za-z]{2}_[A-Za-z0-9_:.~-]+$")
_WEB = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9._-]*):(\S*)$")
_MIRIAM = re.compile(r"^urn:miriam:([A-Za-z][A-Za-z0-9._-]*):(\S+)$")
#: Crockford base 32, as ROR ids use it
_BASE32 = "0123456789abcdefghjkmnpqrstvwxyz"
DIRECTORY_PREFIX = "bbmri-eric"


class IdentifierError(ValueError):
    """A value that is not a usable identifier; the message says what is wrong and what is expected."""


@dataclass(frozen=True)
class Identifier:
    """One identifier as read: the IRI it stands for and, when known, its prefix and local id.

    `kind` is `curie` (written as a CURIE or URN and expanded), `iri` (written as a web address; kept exactly
    as written, `prefix` set when its namespace is a known one) or `directory` (a BBMRI-ERIC Directory id:
    its page address depends on the configured Directory, so `iri` is empty until the mapping resolves it)."""

    value: str
    kind: str
    iri: str
    prefix: str | None = None
    local: str | None = None

    @property
    def curie(self) -> str | None:
        return f"{self.prefix}:{self.local}" if self.prefix and self.local is not None else None

    def directory_kind(self) -> str | None:
        """`biobank`, `collection` or `network` for a Directory id (the Directory's page kinds)."""
        if self.kind != "directory":
            return None
        if self.value.startswith("bbmri-eric:networkID:"):
            return "network"
        return "collection" if ":collection:" in self.value else "biobank"


@dataclass(frozen=True)
class _Prefix:
    prefix: str
    uri_prefix: str
    pattern: re.Pattern[str] | None


@lru_cache(maxsize=1)
def _records() -> list[dict]:
    with vocab_path("curies.json").open(encoding="utf-8") as handle:
        return list(json.load(handle))


@lru_cache(maxsize=1)
def converter() -> curies.Converter:
    """The `curies` converter of bbfair's prefix map (vocab/curies.json)."""
    return curies.load_extended_prefix_map(_records())


@lru_cache(maxsize=1)
def _prefixes() -> dict[str, _Prefix]:
    """Every prefix and synonym, lower-cased -> its canonical record."""
    table: dict[str, _Prefix] = {}
    for record in _records():
        pattern = re.compile(record["pattern"]) if record.get("pattern") else None
        entry = _Prefix(record["prefix"], record["uri_prefix"], pattern)
        for name in (record["prefix"], *record.get("prefix_synonyms", ())):
            table.setdefault(name.lower(), entry)
    return table


def known_prefixes() -> list[str]:
    """The canonical prefixes bbfair expands, sorted case-insensitively."""
    return sorted({p.prefix for p in _prefixes().values()}, key=str.lower)


def prefix_of(name: str) -> str | None:
    """The canonical spelling of a prefix or synonym (`orcid`, `ORDO` -> `ORPHA`), None if unknown."""
    entry = _prefixes().get(name.lower())
    return entry.prefix if entry else None


def _valid_local(entry: _Prefix, local: str) -> bool:
    if entry.pattern is not None and not entry.pattern.fullmatch(local):
        return False
    check = _CHECK_DIGITS.get(entry.prefix)
    return check(local) if check else True


def _orcid_ok(local: str) -> bool:
    """ISO 7064 MOD 11-2, the ORCID check digit."""
    digits = local.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    rest = (12 - total % 11) % 11
    return digits[-1] == ("X" if rest == 10 else str(rest))


def _ror_ok(local: str) -> bool:
    """ISO 7064 MOD 97-10 over the base-32 value of the first seven characters: the ROR check digits."""
    number = 0
    for char in local[:7]:
        if char not in _BASE32:
            return False
        number = number * 32 + _BASE32.index(char)
    return local[7:].isdigit() and 98 - (number * 100) % 97 == int(local[7:])


_CHECK_DIGITS = {"orcid": _orcid_ok, "ror": _ror_ok}


def _expand(value: str, name: str, local: str) -> Identifier:
    entry = _prefixes().get(name.lower())
    if entry is None:
        raise IdentifierError(f"unknown prefix {name!r} in {value!r}: use one of {', '.join(known_prefixes())} "
                              "(vocab/curies.json), or the full web address")
    if not local or not _valid_local(entry, local):
        expected = f" (expected {entry.pattern.pattern})" if entry.pattern is not None else ""
        checked = " or its check digit is wrong" if entry.prefix in _CHECK_DIGITS else ""
        raise IdentifierError(f"malformed {entry.prefix} identifier {value!r}: {local!r} is not a valid "
                              f"{entry.prefix} id{expected}{checked}")
    iri = converter().expand(f"{entry.prefix}:{local}", strict=True)
    return Identifier(value, "curie", iri, entry.prefix, local)


def _namespace(iri: str) -> tuple[_Prefix | None, str]:
    """The known namespace an IRI falls in (by its canonical or any synonym URI prefix) and its local part."""
    try:
        reference = converter().parse_uri(iri)
    except ValueError:
        return None, ""
    if reference is None or reference[0] is None:
        return None, ""
    return _prefixes()[reference[0].lower()], reference[1]


def _recognise(value: str) -> Identifier:
    """A web address, with the prefix whose namespace it falls in when its local part is a valid id there
    (a namespace without an id pattern, such as EATRIS's site, also claims its bare root)."""
    entry, local = _namespace(value)
    if entry is not None and ((local and _valid_local(entry, local)) or (not local and entry.pattern is None)):
        return Identifier(value, "iri", value, entry.prefix, local)
    return Identifier(value, "iri", value)


def parse(value: str) -> Identifier:
    """Read one identifier (CURIE, MIRIAM URN, Directory id or web address); raise IdentifierError if bad."""
    text = value.strip()
    if not text:
        raise IdentifierError("empty identifier")
    if _WEB.match(text):
        return _recognise(text)
    if text.lower().startswith("http:") or text.lower().startswith("https:"):
        raise IdentifierError(f"malformed web address {text!r}: no spaces or <>\"{{}}|\\^` characters allowed")
    if text.startswith(f"{DIRECTORY_PREFIX}:"):
        if not _DIRECTORY.match(text):
            raise IdentifierError(f"malformed BBMRI-ERIC Directory id {text!r}: expected bbmri-eric:ID:CC_… for a "
                                  "biobank or collection, bbmri-eric:networkID:CC_… for a network")
        return Identifier(text, "directory", "", DIRECTORY_PREFIX, text.removeprefix(f"{DIRECTORY_PREFIX}:"))
    miriam = _MIRIAM.match(text)
    if miriam:
        return _expand(text, miriam.group(1), miriam.group(2))
    curie = _CURIE.match(text)
    if curie:
        return _expand(text, curie.group(1), curie.group(2))
    raise IdentifierError(f"{text!r} is neither a CURIE (prefix:id, e.g. doi:10.1000/182) nor a web address")


def parse_as(value: str, prefix: str) -> Identifier:
    """Read a column that holds one kind of identifier (`ror`, `orcid`): the CURIE, the bare id or the IRI."""
    text = value.strip()
    entry = _prefixes()[prefix.lower()]
    name = entry.prefix
    if _WEB.match(text):
        found, local = _namespace(text)
        if found is None or found.prefix != name:
            raise IdentifierError(f"{text!r} is not a {name} address: expected {entry.uri_prefix}…")
        return _expand(text, name, local)
    if _CURIE.match(text) and not (entry.pattern is not None and entry.pattern.fullmatch(text)):
        found = parse(text)
        if found.prefix != name:
            raise IdentifierError(f"{text!r} is not a {name} identifier: write {name}:… or {entry.uri_prefix}…")
        return found
    return _expand(text, name, text)


def compress(iri: str) -> str | None:
    """The CURIE of an IRI in a known namespace (`https://bio.tools/gatk` -> `biotools:gatk`), else None."""
    found = _recognise(iri) if _WEB.match(iri) else None
    return found.curie if found is not None else None
