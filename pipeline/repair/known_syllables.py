"""Syllables Vietnamese actually uses, from the word list shipped with underthesea.

:mod:`pipeline.repair.syllables` tells whether a token *can* be a syllable ("hõa",
"nũi" are well formed); this tells whether it *is* one, from the 74,000 words of
``underthesea/corpus/data/Viet74K.txt`` (installed with the pinned underthesea,
read once, never downloaded): about 11,000 syllables. The glyph repairs use it to
choose between letters that both make well-formed syllables: "HÒA" over "HÕA",
"Nơi" over "Nũi". Tone-mark position does not matter ("hoà" = "hòa").
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

from pipeline.repair.syllables import split_tone

WORD_LIST = ("underthesea", "corpus/data/Viet74K.txt")


@lru_cache(maxsize=1)
def known_syllables() -> frozenset[tuple[str, str]]:
    """(toneless letters, tone mark) of every syllable of the word list; empty when it is missing."""
    package, name = WORD_LIST
    try:
        text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
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
