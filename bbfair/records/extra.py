"""Tables that annotate the biobanks, collections and networks: where else a record is known (AlsoKnownIn) and
the quality standards a biobank or collection is certified for (QualityInfoBiobanks, QualityInfoCollections).
Their rows are published as part of the record they annotate (`mapping.annotations`)."""

from __future__ import annotations

from typing import ClassVar

from .fields import Required, RequiredUrl, Text, Url
from .models import Record


class AlsoKnownIn(Record):
    """The same biobank, collection or network in another system: published as an `adms:Identifier` of the
    record that names it in its `also_known` column."""

    table: ClassVar[str] = "AlsoKnownIn"

    name_system: Required
    pid: Text = None
    url: RequiredUrl
    label: Text = None


class QualityInfo(Record):
    """A quality standard a record is certified, accredited or audited for: a `dqv:QualityCertificate`."""

    coded: ClassVar[dict[str, str]] = {"quality_standard": "quality-standard"}

    quality_standard: Required
    certification_number: Text = None
    certification_report: Url = None
    certification_image_link: Url = None

    @property
    def owner(self) -> str:
        raise NotImplementedError

    @property
    def level(self) -> str:
        raise NotImplementedError


class QualityInfoBiobank(QualityInfo):
    """A biobank's quality record (QualityInfoBiobanks table)."""

    table: ClassVar[str] = "QualityInfoBiobanks"
    references: ClassVar[dict[str, str]] = {"biobank": "Biobanks"}
    coded: ClassVar[dict[str, str]] = {"quality_standard": "quality-standard", "assess_level_bio": "assessment-level"}

    biobank: Required
    assess_level_bio: Required

    @property
    def owner(self) -> str:
        return self.biobank

    @property
    def level(self) -> str:
        return self.assess_level_bio


class QualityInfoCollection(QualityInfo):
    """A collection's quality record (QualityInfoCollections table)."""

    table: ClassVar[str] = "QualityInfoCollections"
    references: ClassVar[dict[str, str]] = {"collection": "Collections"}
    coded: ClassVar[dict[str, str]] = {"quality_standard": "quality-standard", "assess_level_col": "assessment-level"}

    collection: Required
    assess_level_col: Required

    @property
    def owner(self) -> str:
        return self.collection

    @property
    def level(self) -> str:
        return self.assess_level_col
