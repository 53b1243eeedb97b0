"""Fake replacement values for direct identifiers, per entity type.

Direct identifiers are never given to a synthesizer: the synthesis stage replaces them with
values drawn here. A drawn value that equals a value in ``avoid`` (normally every real value of
the table's direct-identifier columns) is drawn again, so the release holds no real identifier
even by chance (Faker names collide with real ones surprisingly often). ``RECORD_ID`` values are
unique within one call.

The generator is seeded from ``rng``: the same ``rng`` state gives the same values.
"""

from __future__ import annotations

import math
import random
import string
from typing import Callable, Iterable, Optional, Union

import numpy as np

from privsynth import entities as E
from privsynth.errors import PolicyError
from privsynth.matching import cell_candidates
from privsynth.matching import normalize as match_key

RngLike = Union[np.random.Generator, random.Random, int, None]

_MAX_ROUNDS = 20  # redraw rounds before falling back to an opaque token for the rest


def _seed_from(rng: RngLike) -> int:
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**31 - 1))
    if isinstance(rng, random.Random):
        return rng.randrange(0, 2**31 - 1)
    if rng is None:
        return 0
    return int(rng)


def _opaque(prefix: str) -> Callable:
    def gen(f, r: random.Random) -> str:
        return f"{prefix}-" + "".join(r.choice(string.ascii_uppercase + string.digits) for _ in range(10))

    return gen


# entity type -> generator(faker, random) -> str: the `fake` of each declaration in privsynth.entities
GENERATORS: dict[str, Callable] = {et.name: et.fake for et in E.all_types() if et.fake is not None}


def normalize(value: object) -> set[str]:
    """Comparison keys of a value: stripped lower-case text, plus a canonical number when it is
    one (so a card number read as 5545630000000000 and written as 5.54563E+15 compare equal)."""
    text = str(value).strip().lower()
    keys = {text}
    try:
        f = float(text.replace(" ", ""))
    except ValueError:
        return keys
    if math.isfinite(f):
        keys.add(f"{f:.15g}")
    return keys


def _faker(locale: str, seed: int):
    from faker import Faker

    try:
        f = Faker(locale)
    except AttributeError:
        raise PolicyError(f"synthesize.locale: unknown Faker locale {locale!r}") from None
    f.seed_instance(seed)
    return f


def format_like(templates: list[str]) -> Optional[Callable]:
    """A generator of identifiers in the format of the real ones (`templates`): the prefix before
    the first digit kept ("C", "KD-"), every later digit drawn at random, every later letter a random
    letter of the same case, separators kept, and a valid Luhn check digit when the real values
    (8 digits or more) carry one. None when the values have fewer than 4 digits (not a format)."""
    import re

    from privsynth.checksums import luhn_check_digit

    tpl = [t for t in templates if isinstance(t, str) and sum(c.isdigit() for c in t) >= 4]
    if not tpl:
        return None
    luhn = all(len(d) >= 8 and luhn_check_digit(d[:-1]) == d[-1] for d in (re.sub(r"\D", "", t) for t in tpl[:200]))

    def gen(f, r: random.Random) -> str:
        t = r.choice(tpl)
        m = re.match(r"^(\D*)(.*)$", t)
        prefix, rest = m.group(1), m.group(2)  # type: ignore[union-attr]
        out = []
        for i, c in enumerate(rest):
            if c.isdigit():
                out.append(str(r.randrange(1 if i == 0 and len(rest) > 1 else 0, 10)))
            elif "A" <= c <= "Z":
                out.append(r.choice(string.ascii_uppercase))
            elif "a" <= c <= "z":
                out.append(r.choice(string.ascii_lowercase))
            else:
                out.append(c)
        v = prefix + "".join(out)
        if luhn:
            k = max(i for i, c in enumerate(v) if c.isdigit())
            payload = re.sub(r"\D", "", v[:k])
            v = v[:k] + luhn_check_digit(payload) + v[k + 1:]
        return v

    return gen


def fake_values(
    entity_type: Optional[str],
    n: int,
    rng: RngLike,
    locale: str = "en_US",
    avoid: Optional[Iterable[str]] = None,
    like: Optional[list[str]] = None,
) -> list[str]:
    """``n`` fake values of ``entity_type`` (a name from the shared entity list, or None).

    Values equal to one in ``avoid`` (compared as stripped strings, case-insensitively, and as
    numbers when both parse as numbers) are drawn again; ``RECORD_ID`` values are also unique among themselves. An entity type with no
    generator gets opaque tokens ``<TYPE>-XXXXXXXXXX``; with ``like`` (the real values), record IDs
    and types without a generator are drawn in the real values' format instead (`format_like`). If a type cannot produce enough values
    outside ``avoid`` after 20 rounds of redrawing (a tiny value space), the remaining values are
    opaque tokens, which never equal a real value either.
    """
    if n <= 0:
        return []
    seed = _seed_from(rng)
    r = random.Random(seed)
    et = (entity_type or "ID").upper()
    gen = E.fake_generator(et) or _opaque(et)
    if like and (et == E.RECORD_ID.name or E.fake_generator(et) is None):
        # record IDs and types without a generator keep the real values' format (C100000 stays C + 6 digits)
        gen = format_like(like) or gen
    f = _faker(locale, seed)
    avoid_norm: set[str] = set()
    for a in avoid or ():
        if a is not None:
            avoid_norm |= normalize(a)
            avoid_norm.add(match_key(a))
    avoid_norm.discard("")
    unique = et == E.RECORD_ID.name
    used: set[str] = set()

    def ok(v: str) -> bool:
        # a fake must not equal a real value, nor contain one the way the residual-PII test
        # looks for it ("Mrs Jane Doe" contains the real "Jane Doe"; "0161 496 0999" is "01614960999")
        if normalize(v) & avoid_norm or any(c in avoid_norm for c in cell_candidates(v)):
            return False
        return not (unique and v.strip().lower() in used)

    out: list[Optional[str]] = [None] * n
    todo = list(range(n))
    for _ in range(_MAX_ROUNDS):
        nxt = []
        for i in todo:
            v = gen(f, r)
            if ok(v):
                out[i] = v
                used.add(v.strip().lower())
            else:
                nxt.append(i)
        todo = nxt
        if not todo:
            break
    fallback = _opaque(et)
    for i in todo:
        v = fallback(f, r)
        while not ok(v):
            v = fallback(f, r)
        out[i] = v
        used.add(v.strip().lower())
    return [v for v in out]  # type: ignore[misc]
