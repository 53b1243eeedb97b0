"""How a released value is matched against real identifier values.

One definition, used both where fake identifiers are drawn (a fake must never match a real
value) and where the release is checked for residual identifiers (the same match is a leak).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

import numpy as np

_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def normalize(v: object) -> str:
    """Case-folded letters and digits only: "+44 161 496-0999" and "441614960999" match."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        v = int(v)
    return _NON_ALNUM.sub("", str(v).casefold())


def cell_candidates(v: object, word_key: Callable[[str], str] = normalize) -> Iterable[str]:
    """The normalized cell, and every run of 1 to 4 of its words (an identifier inside a text);
    single words go through `word_key` (the verifier's reads a number as a number)."""
    s = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
    if not s:
        return
    yield normalize(s)
    words = s.split()
    if len(words) > 1:
        words = words[:400]
        for w in words:
            yield word_key(w)
        for n in (2, 3, 4):
            for i in range(0, len(words) - n + 1):
                yield normalize("".join(words[i : i + n]))
