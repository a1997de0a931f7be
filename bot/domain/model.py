"""Vocabulary shared by every rule: dimensions, roles, age bands, tones and risk levels."""

from __future__ import annotations

from enum import StrEnum


class Dimension(StrEnum):
    """The five Secure Base caregiving dimensions, in the order prompts rotate through them."""

    AVAILABILITY = "availability"
    SENSITIVITY = "sensitivity"
    ACCEPTANCE = "acceptance"
    COOPERATION = "cooperation"
    FAMILY_MEMBERSHIP = "family_membership"

    def following(self) -> Dimension:
        """Return the dimension that comes after this one in the rotation."""
        order = list(Dimension)
        return order[(order.index(self) + 1) % len(order)]


class Role(StrEnum):
    """The kind of care a carer gives."""

    FOSTER = "foster"
    ADOPTER = "adopter"
    KINSHIP = "kinship"
    RESIDENTIAL = "residential"


class AgeBand(StrEnum):
    """UEA training age bands, plus SEVERAL for carers of children in more than one band."""

    INFANT = "infant"  # 0-18 months
    EARLY = "early"  # 18 months - 4 years
    MIDDLE = "middle"  # 5-10 years
    TEEN = "teen"  # 11-18 years
    SEVERAL = "several"

    @classmethod
    def concrete(cls) -> tuple[AgeBand, ...]:
        """Return the bands that content can be written for."""
        return (cls.INFANT, cls.EARLY, cls.MIDDLE, cls.TEEN)


class Tone(StrEnum):
    """Whether a reflection describes a struggle, something that went well, or neither."""

    STRUGGLE = "struggle"
    POSITIVE = "positive"
    NEUTRAL = "neutral"


class RiskLevel(StrEnum):
    """Safeguarding tiers, most urgent first."""

    DANGER = "danger"
    DISCLOSURE = "disclosure"
    DISTRESS = "distress"

    @property
    def urgency(self) -> int:
        """Return a rank where a smaller number is more urgent."""
        return list(RiskLevel).index(self)


class Strength(StrEnum):
    """How sure a safeguarding flag is: sure replaces the suggestion, unsure adds a note to it."""

    SIGNPOST = "signpost"
    NOTE = "note"


# Before a carer has answered, pick content that suits the widest audience.
DEFAULT_AGE_BAND = AgeBand.SEVERAL
DEFAULT_ROLE = Role.FOSTER
