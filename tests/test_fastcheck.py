"""The fast pre-check agrees with pyshacl on each SHACL Core construct it compiles, and declines (incomplete)
what it does not compile, so the engine falls back to pyshacl for everything."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import Graph

from bbfair.validation.fastcheck import FastChecker
from bbfair.validation.fastindex import Index

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

SHAPES = PREFIXES + """
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:property ex:title, ex:count, ex:ages, ex:kind, ex:mail, ex:alt, ex:inv, ex:seq, ex:qual, ex:lang, ex:or,
  ex:xone, ex:and .
ex:title a sh:PropertyShape ; sh:path ex:title ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string .
ex:count a sh:PropertyShape ; sh:path ex:count ; sh:datatype xsd:integer ; sh:minInclusive 0 .
ex:ages a sh:PropertyShape ; sh:path ex:low ; sh:lessThanOrEquals ex:high .
ex:kind a sh:PropertyShape ; sh:path ex:link ; sh:nodeKind sh:IRI ; sh:class ex:Thing .
ex:mail a sh:PropertyShape ; sh:path ex:mail ; sh:pattern "^mailto:[^@]+@[^@]+$" .
ex:alt a sh:PropertyShape ; sh:path [ sh:alternativePath ( ex:email ex:page ) ] ; sh:minCount 1 .
ex:inv a sh:PropertyShape ; sh:path [ sh:inversePath ex:partOf ] ; sh:maxCount 2 .
ex:seq a sh:PropertyShape ; sh:path ( ex:link ex:name ) ; sh:minLength 2 .
ex:qual a sh:PropertyShape ; sh:path ex:code ; sh:qualifiedValueShape [ sh:in ( "A" "B" ) ] ; sh:qualifiedMinCount 1 .
ex:lang a sh:PropertyShape ; sh:path ex:label ; sh:languageIn ( "en" "nl" ) ; sh:uniqueLang true .
ex:or a sh:PropertyShape ; sh:path ex:status ; sh:or ( [ sh:hasValue ex:open ] [ sh:hasValue ex:closed ] ) .
ex:xone a sh:PropertyShape ; sh:path ex:state ;
  sh:xone ( [ sh:nodeKind sh:IRI ] [ sh:datatype xsd:string ] [ sh:hasValue ex:special ] ) .
ex:and a sh:PropertyShape ; sh:path ex:code ; sh:and ( [ sh:minLength 1 ] [ sh:maxLength 1 ] ) .
"""

GOOD = PREFIXES + """
ex:x a ex:C ; ex:title "T" ; ex:count 3 ; ex:low 1 ; ex:high 5 ; ex:link ex:t ; ex:mail <mailto:a@b.be> ;
  ex:page <http://p> ; ex:code "A", "Z" ; ex:label "x"@en, "y"@nl-BE ; ex:status ex:open ;
  ex:state ex:normal .
ex:t a ex:Sub ; ex:name "tt" . ex:Sub rdfs:subClassOf ex:Thing .
ex:p1 ex:partOf ex:x . ex:p2 ex:partOf ex:x .
"""

BREAKS = {
    "missing title": ('ex:title "T" ;', ""),
    "two titles": ('ex:title "T" ;', 'ex:title "T", "U" ;'),
    "wrong datatype": ('ex:count 3', 'ex:count "3"'),
    "negative": ("ex:count 3", "ex:count -3"),
    "low above high": ("ex:low 1", "ex:low 9"),
    "literal link": ("ex:link ex:t ;", 'ex:link "t" ;'),
    "untyped link": ("ex:t a ex:Sub ;", "ex:t ex:q ex:r ;"),
    "bad mail": ("<mailto:a@b.be>", "<mailto:nobody>"),
    "no email or page": ("ex:page <http://p> ;", ""),
    "three parts": ("ex:p2 ex:partOf ex:x .", "ex:p2 ex:partOf ex:x . ex:p3 ex:partOf ex:x ."),
    "short name": ('ex:name "tt"', 'ex:name "t"'),
    "no qualified code": ('ex:code "A", "Z"', 'ex:code "Z"'),
    "other language": ('"y"@nl-BE', '"y"@fr'),
    "two english": ('"y"@nl-BE', '"y"@en'),
    "other status": ("ex:status ex:open", "ex:status ex:pending"),
    "state in two alternatives": ("ex:state ex:normal", "ex:state ex:special"),
    "state in no alternative": ("ex:state ex:normal", "ex:state 5"),
    "long code": ('ex:code "A", "Z"', 'ex:code "A", "ZZ"'),
}


def verdicts(data_ttl: str) -> tuple[bool, bool]:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    data = Graph().parse(data=data_ttl, format="turtle")
    checker = FastChecker(shapes)
    assert checker.complete
    fast_fails = bool(checker.failures(Index(data)))
    conforms, _, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    return fast_fails, not conforms


def test_good_record_passes_both() -> None:
    assert verdicts(GOOD) == (False, False)


@pytest.mark.parametrize("name", list(BREAKS))
def test_each_break_fails_both(name: str) -> None:
    old, new = BREAKS[name]
    assert old in GOOD
    assert verdicts(GOOD.replace(old, new)) == (True, True)


def test_sparql_constraints_make_the_check_incomplete() -> None:
    shapes = Graph().parse(data=PREFIXES + """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ex:o }" ] .""", format="turtle")
    assert not FastChecker(shapes).complete
