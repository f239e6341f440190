"""Syllables Vietnamese actually uses, from the word list shipped with underthesea.

:mod:`pipeline.repair.syllables` tells whether a token *can* be a syllable ("hõa",
"nũi" are well formed); this tells whether it *is* one, from the 74,000 words of
``underthesea/corpus/data/Viet74K.txt`` (installed with the pinned underthesea,
read once, never downloaded): about 11,000 syllables. The glyph repairs use it to
choose between letters that both make well-formed syllables: "HÒA" over "HÕA",
"Nơi" over "Nũi". Tone-mark position does not matter ("hoà" = "hòa").
"""
from __future__ import annotations

import importlib.util
import unicodedata
from functools import lru_cache
from pathlib import Path

from pipeline.repair.syllables import split_tone

WORD_LIST = ("underthesea", "corpus/data/Viet74K.txt")


@lru_cache(maxsize=1)
def known_syllables() -> frozenset[tuple[str, str]]:
    """(toneless letters, tone mark) of every syllable of the word list; empty when it is missing."""
    path = _word_list()
    try:
        text = path.read_text(encoding="utf-8") if path is not None else ""
    except OSError:
        return frozenset()
    out = set()
    for word in unicodedata.normalize("NFC", text).split():
        parts = split_tone(word)
        if parts is not None:
            out.add(parts)
    return frozenset(out)


def is_known_syllable(token: str) -> bool:
    """True when the word list uses ``token`` as a syllable (case, tone position ignored)."""
    parts = split_tone(unicodedata.normalize("NFC", token))
    return parts is not None and parts in known_syllables()


def _word_list() -> Path | None:
    """The word list's file, found where the package is installed without importing it (underthesea's
    ``__init__`` loads its models' libraries: 0.8 s for a file of text)."""
    package, name = WORD_LIST
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(folder) / name
        if path.is_file():
            return path
    return None
