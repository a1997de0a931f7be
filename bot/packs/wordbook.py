"""The lemma and dictionary verdict of every word content uses, saved beside the content.

Compiling ten locales' rules looks up tens of thousands of words in simplemma's compressed
dictionaries, which took most of a cold start. ``python -m bot packs embed`` writes what
those lookups returned to ``judgement/words.tsv``; start-up reads it instead, and the
dictionaries load only when a carer's own word is not in it. The file is derived data:
a word missing from it (or a file written by another simplemma) is looked up as before,
with the same result, and ``packs check`` says the file is stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from bot.domain.text import KnownWord, Lemmatiser
from bot.packs.language import known_word_for, lemmatiser_for

_HEADER = "# simplemma {version}: locale, question (lemma or known), word, answer"
_LEMMA, _KNOWN, _PROVED = "lemma", "known", "proved"
Key = tuple[str, str, str]  # locale, question, word


def _dictionary_version() -> str:
    return version("simplemma")


class WordBook:
    """Answer lemma and known-word lookups from the saved file, else from the dictionaries."""

    FILE = Path("judgement") / "words.tsv"

    def __init__(self, path: Path, base: Path | None = None) -> None:
        """Read the file, over a ``base`` file (an agency's over the shipped one)."""
        self.path = path
        self.layered = base is not None
        self._saved: dict[Key, str] = {}
        if base is not None:
            self._read(base)
        self._base = set(self._saved)
        self._read(path)
        self._used: dict[Key, str] = {}
        self._recording = True
        self._lock = threading.Lock()

    def _read(self, path: Path) -> None:
        if not path.is_file():
            return
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or lines[0] != _HEADER.format(version=_dictionary_version()):
            return  # another dictionary's answers: look every word up again
        for line in lines[1:]:
            locale, question, word, answer = line.split("\t")
            self._saved[locale, question, word] = answer

    def lemmatiser(self, locale: str) -> Lemmatiser:
        """Return the locale's lemmatiser, answering saved words without the dictionary."""
        lookup = lemmatiser_for(locale)

        def lemmatise(word: str) -> str:
            return self._answer((locale, _LEMMA, word), lambda: lookup(word))

        return lemmatise

    def known_word(self, locale: str) -> KnownWord:
        """Return the locale's known-word test, answering saved words without the dictionary."""
        lookup = known_word_for(locale)

        def known(word: str) -> bool:
            return self._answer((locale, _KNOWN, word), lambda: str(int(lookup(word)))) == "1"

        return known

    def _answer(self, key: Key, look_up: Callable[[], str]) -> str:
        answer = self._saved.get(key)
        if answer is None:
            answer = look_up()
        if self._recording:
            with self._lock:
                self._used[key] = answer
        return answer

    def proved(self, locale: str, digest: str) -> bool:
        """Tell whether a full check proved these exact judgement files when the file was saved."""
        return self._saved.get((locale, _PROVED, digest)) == "1"

    def record_proof(self, locale: str, digest: str) -> None:
        """Remember that every rule and look-alike of these files matched its own examples."""
        if self._recording:
            with self._lock:
                self._used[locale, _PROVED, digest] = "1"

    def stop_recording(self) -> None:
        """End the load: carers' words are then looked up, never counted or saved."""
        self._recording = False

    @property
    def missing(self) -> int:
        """Count the lookups (and proofs) the load needed that the file did not hold."""
        return sum(key not in self._saved for key in self._used)

    def is_current(self) -> bool:
        """Tell whether the load found every word it needed in the file."""
        return self.missing == 0

    def save(self) -> int:
        """Write exactly the answers this load used (layered: those the base file lacks)."""
        if not self._used:
            raise RuntimeError("no word was looked up: save from a fresh load of the content")
        rows = sorted(item for item in self._used.items() if item[0] not in self._base)
        body = "".join(
            f"{locale}\t{question}\t{word}\t{answer}\n"
            for (locale, question, word), answer in rows
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(
            _HEADER.format(version=_dictionary_version()) + "\n" + body, encoding="utf-8"
        )
        return len(rows)
