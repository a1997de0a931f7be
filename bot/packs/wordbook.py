"""The lemma and dictionary verdict of every word content uses, saved beside the content.

Compiling ten locales' rules looks up tens of thousands of words in simplemma's compressed
dictionaries, which took most of a cold start. ``python -m bot packs embed`` writes what
those lookups returned to ``judgement/words.tsv``; start-up reads it instead, and the
dictionaries load only when a carer's own word is not in it. The file is derived data:
a word missing from it (or a file written by another simplemma) is looked up as before,
with the same result, and ``packs check`` says the file is stale.
"""

from __future__ import annotations

import re
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
    """Answer lemma and known-word lookups from the saved file, else from the dictionaries.

    A locale's lines are parsed the first time that locale is compiled, so a bot whose
    carers use two languages never holds the other eight languages' answers.
    """

    FILE = Path("judgement") / "words.tsv"

    def __init__(self, path: Path, base: Path | None = None) -> None:
        """Read the file, over a ``base`` file (an agency's over the shipped one)."""
        self.path = path
        self.layered = base is not None
        self._base_file = _SavedFile(base) if base is not None else None
        self._own_file = _SavedFile(path)
        self._files = [f for f in (self._base_file, self._own_file) if f is not None]
        self._saved: dict[str, dict[str, str]] = {}
        self._used: dict[Key, str] = {}
        self._recording = True
        self._lock = threading.Lock()

    def _saved_answer(self, key: Key) -> str | None:
        locale, question, word = key
        answers = self._saved.get(locale)
        if answers is None:
            with self._lock:
                answers = self._saved.get(locale)
                if answers is None:
                    answers = self._saved[locale] = {}
                    for saved in self._files:
                        answers.update(saved.answers(locale))
        return answers.get(f"{question}\t{word}")

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
        answer = self._saved_answer(key)
        if answer is None:
            answer = look_up()
        if self._recording:
            with self._lock:
                self._used[key] = answer
        return answer

    def proved(self, locale: str, digest: str) -> bool:
        """Tell whether a full check proved these exact judgement files when the file was saved."""
        return any(saved.proved(locale, digest) for saved in self._files)

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
        return sum(self._saved_answer(key) is None for key in self._used)

    def is_current(self) -> bool:
        """Tell whether the load found every word it needed in the file."""
        return self.missing == 0

    def save(self) -> int:
        """Write exactly the answers this load used (layered: those the base file lacks)."""
        if not self._used:
            raise RuntimeError("no word was looked up: save from a fresh load of the content")
        base = self._base_file
        locales = {loc for loc, _, _ in self._used}
        held = {loc: base.answers(loc) for loc in locales} if base is not None else {}
        rows = sorted(
            ((loc, question, word), answer)
            for (loc, question, word), answer in self._used.items()
            if f"{question}\t{word}" not in held.get(loc, {})
        )
        body = "".join(
            f"{locale}\t{question}\t{word}\t{answer}\n"
            for (locale, question, word), answer in rows
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(
            _HEADER.format(version=_dictionary_version()) + "\n" + body, encoding="utf-8"
        )
        return len(rows)


class _SavedFile:
    """One words.tsv, read again for each locale's lines when that locale is first asked for.

    Only its proofs stay in memory: a bot whose carers write in two languages never holds the
    other eight languages' answers (the file is about 2 MB). Bytes, not text, while searching:
    one emoji makes Python store a whole string at four bytes a character.
    """

    def __init__(self, path: Path) -> None:
        """Keep the file's proofs, or nothing when it is missing or from another simplemma."""
        self._path = path
        # A search, not a split: 80,000 short lines would leave the heap fragmented.
        proof = re.compile(rb"^[^\t\n]+\t" + _PROVED.encode() + rb"\t[^\n]*$", re.MULTILINE)
        self._proofs = frozenset(proof.findall(self._body()))

    def _body(self) -> bytes:
        """The lines after the header, framed by newlines; empty if another simplemma wrote it."""
        data = self._path.read_bytes() if self._path.is_file() else b""
        header, _, body = data.partition(b"\n")
        # Another dictionary's answers: look every word up again.
        current = header.decode("utf-8", "replace") == _HEADER.format(
            version=_dictionary_version()
        )
        return b"\n" + body.rstrip() + b"\n" if current else b""

    def _block(self, locale: str) -> str:
        """Return the locale's lines (the file is sorted, so they are one run of text)."""
        body = self._body()
        marker = f"\n{locale}\t".encode()
        start = body.find(marker)
        if start < 0:
            return ""
        last = body.rfind(marker)
        end = body.find(b"\n", last + 1)
        return body[start + 1 : end if end >= 0 else len(body)].decode("utf-8")

    def answers(self, locale: str) -> dict[str, str]:
        """Parse the locale's answers, keyed by question and word."""
        skip = len(locale) + 1
        answers = {}
        for line in self._block(locale).splitlines():
            key, _, answer = line[skip:].rpartition("\t")
            answers[key] = answer
        return answers

    def proved(self, locale: str, digest: str) -> bool:
        """Tell whether this file records a full proof of these judgement files."""
        return f"{locale}\t{_PROVED}\t{digest}\t1".encode() in self._proofs
