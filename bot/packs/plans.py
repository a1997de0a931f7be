"""Programme plans shipped in ``content/plans.toml``: validated data, copied into the database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.domain.model import Dimension
from bot.domain.programme import MAX_PLAN_WEEKS, PlanWeek
from bot.packs import toml
from bot.packs.loader import PackIssue

PLANS_FILE = "plans.toml"
REST = "rest"
PlanKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,40}$")]


class _ShippedPlan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: PlanKey
    weeks: list[Dimension | Literal["rest"]] = Field(min_length=1, max_length=MAX_PLAN_WEEKS)


class _PlansFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    plan: list[_ShippedPlan] = Field(min_length=1)


@dataclass(frozen=True)
class ShippedPlan:
    """A plan every trainer can use and copy."""

    key: str
    weeks: tuple[PlanWeek, ...]


def load_plans(content_dir: Path) -> tuple[tuple[ShippedPlan, ...], list[PackIssue]]:
    """Read the shipped plans; a broken file is reported like any other content problem."""
    path = content_dir / PLANS_FILE
    try:
        parsed = _PlansFile.model_validate(toml.loads(path.read_text(encoding="utf-8")))
    except (OSError, toml.TomlError) as error:
        return (), [PackIssue(path, 1, f"cannot read programme plans: {error}")]
    except ValidationError as error:
        return (), [PackIssue(path, 1, f"invalid programme plans: {_first(error)}")]
    keys = [plan.key for plan in parsed.plan]
    if len(set(keys)) != len(keys):
        return (), [PackIssue(path, 1, "two programme plans share a key")]
    return tuple(
        ShippedPlan(plan.key, tuple(_week(name) for name in plan.weeks)) for plan in parsed.plan
    ), []


def _week(name: str) -> PlanWeek:
    return PlanWeek(None if name == REST else Dimension(name))


def _first(error: ValidationError) -> str:
    detail = error.errors()[0]
    where = ".".join(str(part) for part in detail["loc"])
    return f"{where}: {detail['msg']}"
