"""Prompt rotation: cycle the dimensions, and never repeat a prompt until its pool is used up."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.model import AgeBand, Dimension, Role


@dataclass(frozen=True)
class Audience:
    """Who an item is written for; empty sets mean everyone."""

    age_bands: frozenset[AgeBand] = frozenset()
    roles: frozenset[Role] = frozenset()

    def suits(self, *, age_band: AgeBand, role: Role) -> bool:
        """Tell whether a carer of this role and age band should see the item."""
        band_ok = not self.age_bands or age_band is AgeBand.SEVERAL or age_band in self.age_bands
        role_ok = not self.roles or role in self.roles
        return band_ok and role_ok


def dimension_order(last: Dimension | None) -> list[Dimension]:
    """Return every dimension, starting with the one due after ``last``.

    A carer's first prompt is about availability, the dimension the others build on.
    """
    first = last.following() if last else Dimension.AVAILABILITY
    order = list(Dimension)
    start = order.index(first)
    return order[start:] + order[:start]


def stable_rank(salt: str, item_id: str) -> str:
    """Return a per-carer shuffle key, so carers meet items in different but stable orders."""
    return hashlib.sha256(f"{salt}:{item_id}".encode()).hexdigest()


def choose_least_used(
    candidates: Sequence[str], *, used: Mapping[str, int], salt: str
) -> str | None:
    """Pick the candidate used least often so far; ties broken by a stable per-carer shuffle."""
    if not candidates:
        return None
    return min(candidates, key=lambda item: (used.get(item, 0), stable_rank(salt, item)))
