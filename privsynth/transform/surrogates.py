"""Keyed, consistent surrogates of the same kind as the original value.

`SurrogateFactory(key, locale).surrogate(entity_type, value)` returns a realistic fake value
derived deterministically from HMAC-SHA256(subkey, family || normalized value):

- the same value gives the same surrogate in every column, file and run that uses the same key
  and locale (and the same Faker version, whose name lists feed the pools);
- different keys give unrelated surrogates;
- without the key, a surrogate reveals nothing about the original beyond its format (kept on
  purpose: length, separators, country prefix of phones and IBANs, first digit of card numbers).

Names are mapped token by token (first-name pool for given names, gender kept when the name is
in Faker's female/male lists; last-name pool for the family name), so "John Smith" in a name
column, "Mr. Smith" in a note and "john.smith@..." in an e-mail column all use the same fake
"Smith". Surrogates are not guaranteed injective (two people may get the same fake name, as in
real life); callers count collisions. E-mails are built on the reserved example.* domains so a
surrogate address never reaches a real mailbox. IBANs carry valid ISO 7064 mod-97 check digits,
card numbers a valid Luhn digit.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import math
import unicodedata
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Callable, Optional, Sequence

import numpy as np

from privsynth import entities as E
from privsynth.checksums import CF_MONTHS, es_dni_letter, iban_check_digits, it_fiscal_code_check_char, luhn_check_digit
from privsynth.transform.keys import derive_key

_MIN_CLEAN_POOL = 20  # fewer generated entries free of real name tokens than this: rebuild the pool without them
_LETTERS_U = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LETTERS_L = "abcdefghijklmnopqrstuvwxyz"
_HEXCH = "0123456789abcdef"

_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "mx", "herr", "frau", "mme", "mlle", "m"}
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
_NATIONALITIES = (
    "American", "Austrian", "Belgian", "Brazilian", "British", "Canadian", "Chilean", "Czech", "Danish",
    "Dutch", "Estonian", "Finnish", "French", "German", "Greek", "Hungarian", "Icelandic", "Indian",
    "Irish", "Italian", "Japanese", "Kenyan", "Mexican", "Norwegian", "Polish", "Portuguese",
    "Romanian", "Spanish", "Swedish", "Swiss",
)
# Date formats the transform stage recognises and writes back unchanged in form (date surrogates, date_shift);
# wider than privsynth.dates.DATE_FORMATS (month names, two-digit years), which synthesis and evaluation use.
DATE_FORMATS = (
    "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%Y", "%Y%m%d",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M",
    "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%b %d %Y", "%B %Y", "%b %Y",
    "%d/%m/%y", "%m/%d/%y",
)

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_MON = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DIRECTIVE_RX = {"%Y": r"\d{4}", "%m": r"\d{1,2}", "%d": r"\d{1,2}", "%y": r"\d{2}", "%H": r"\d{1,2}", "%M": r"\d{2}",
                 "%S": r"\d{2}", "%B": f"(?:{_MONTHS})", "%b": f"(?:{_MON})"}


def _fmt_regex(fmt: str) -> "re.Pattern[str]":
    out, i = [], 0
    while i < len(fmt):
        if fmt[i] == "%" and fmt[i:i + 2] in _DIRECTIVE_RX:
            out.append(_DIRECTIVE_RX[fmt[i:i + 2]])
            i += 2
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    return re.compile("".join(out), re.IGNORECASE)


# cheap pre-filter: strptime is only tried on formats whose regex matches
_DATE_RX = [(f, _fmt_regex(f)) for f in DATE_FORMATS]


def parse_date(v: str) -> "tuple[Optional[datetime], Optional[str]]":
    if not any(c.isdigit() for c in v):
        return None, None
    for fmt, rx in _DATE_RX:
        if rx.fullmatch(v):
            try:
                return datetime.strptime(v, fmt), fmt
            except ValueError:
                continue
    return None, None


def _norm_text(v: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", v).split()).casefold()


def normalize(entity_type: Optional[str], value: str) -> str:
    """The normalized form that keys a surrogate (case, spacing and separators removed where irrelevant)."""
    kind = E.surrogate_kind(entity_type)
    if kind in ("iban", "card"):
        return re.sub(r"[^0-9A-Za-z]", "", value).upper()
    if kind == "phone":
        return re.sub(r"[^0-9+]", "", value)
    return _norm_text(value)


@lru_cache(maxsize=64)  # EXTRA_NAME_LOCALES (17) and the locales in use
def _pools(locale: str) -> dict[str, tuple[str, ...]]:
    """Value pools drawn from Faker for one locale (sorted, so independent of dict order)."""
    from faker import Faker

    f = Faker(locale)
    pp = f.provider("faker.providers.person")  # None when the locale has no person provider

    def names(attr: str, gen: Callable[[], str]) -> tuple[str, ...]:
        vals = getattr(pp, attr, None) if pp is not None else None
        if vals:
            out = {str(v) for v in vals}
        else:
            f.seed_instance(0)
            out = {gen() for _ in range(3000)}
        return tuple(sorted(x for x in out if x and " " not in x))

    female = names("first_names_female", f.first_name_female)
    male = names("first_names_male", f.first_name_male)
    first = tuple(sorted(set(female) | set(male))) or names("first_names", f.first_name)
    last = names("last_names", f.last_name)
    return {
        "first_female": female or first,
        "first_male": male or first,
        "first": first,
        "last": last,
    }


@lru_cache(maxsize=32)
def _generated_pool(locale: str, kind: str) -> tuple[str, ...]:
    """Cities, streets, companies: 3000 draws of a Faker seeded with 0 (built on first use)."""
    from faker import Faker

    f = Faker(locale)
    f.seed_instance(0)
    fn = {"city": f.city, "street": f.street_name, "company": f.company}[kind]
    return tuple(sorted({fn() for _ in range(3000)}))


def raw_hmac(mac):
    """The C-level HMAC object inside `mac` (an `hmac.HMAC`) if there is one, else `mac`: both have
    `copy`, `update`, `digest` and `hexdigest` giving the same bytes."""
    return getattr(mac, "_hmac", None) or mac


def _case_like(template: str, value: str) -> str:
    if len(template) > 1 and template.isupper():
        return value.upper()
    if template.islower():
        return value.lower()
    return value


_DIGITS = "0123456789"
_CANONICAL_INT = re.compile(r"^(?:0|[1-9][0-9]*)$")


def _feistel_permute(x: int, domain: int, key: bytes, rounds: int = 8) -> int:
    """A keyed permutation of range(domain): a balanced Feistel network on [0, s*s) with
    s = ceil(sqrt(domain)), cycle-walked until the result falls inside the domain."""
    if domain <= 1:
        return x
    s = math.isqrt(domain - 1) + 1
    while True:
        left, right = divmod(x, s)
        for r in range(rounds):
            f = int.from_bytes(hmac.new(key, r.to_bytes(1, "big") + right.to_bytes(16, "big"), hashlib.sha256).digest()[:16], "big")
            left, right = right, (left + f) % s
        x = left * s + right
        if x < domain:
            return x


# Faker locales whose name lists extend a locale's own when its names are nearly all real ones
EXTRA_NAME_LOCALES = ("en_US", "en_GB", "en_IE", "en_AU", "de_DE", "de_AT", "fr_FR", "it_IT", "es_ES", "nl_NL",
                      "pt_PT", "sv_SE", "da_DK", "no_NO", "fi_FI", "pl_PL", "cs_CZ")


@lru_cache(maxsize=8)
def _extra_names(group: str) -> tuple[str, ...]:
    """Single-word names of one group ("last", "female", "male", "unisex") from EXTRA_NAME_LOCALES.

    The three given-name groups are disjoint: a name is "female" (or "male") when every locale
    that lists it lists it as female (male) only, else "unisex" ("Jean" is female in en_US and
    male in fr_FR). Disjoint groups keep pseudonyms one-to-one across them: two real given names
    of different groups can never be matched to the same extended name.

    Building the groups loads 17 Faker locales (about 2 CPU s); the result is a pure function of
    the installed Faker and of this module, so it is kept in privsynth's on-disk cache of derived
    look-up data (`privsynth.detect.artefacts`, keyed by Faker's version and this file's bytes)
    and a later process reads it back."""
    from privsynth.detect import artefacts

    return tuple(sorted(artefacts.cached_strings(f"extra-names-{group}", ("faker",), (__file__,),
                                                 lambda: _build_extra_names(group))))


def _build_extra_names(group: str) -> tuple[str, ...]:
    """`_extra_names` computed from Faker's lists (no cache)."""
    if group == "last":
        out: set[str] = set()
        for loc in EXTRA_NAME_LOCALES:
            out |= set(_pools(loc)["last"])
        return tuple(sorted(x for x in out if x.isalpha()))
    seen: dict[str, set[str]] = {}
    for loc in EXTRA_NAME_LOCALES:
        p = _pools(loc)
        fem, male = set(p["first_female"]), set(p["first_male"])
        for x in fem | male:
            seen.setdefault(x, set()).add("female" if x not in male else "male" if x not in fem else "unisex")
    return tuple(sorted(x for x, g in seen.items() if x.isalpha() and (g == {group} if group != "unisex" else len(g) > 1 or g == {"unisex"})))


def _bracket_walk(x, step, reserved, limit: int):
    """The image of `x` under a keyed permutation (`step`) that avoids the `reserved` set while
    staying one-to-one: bracket matching along x's cycle (a reserved element opens, a free one
    closes; x is matched to the free element that closes its bracket). Distinct inputs always get
    distinct images; None when the cycle holds more reserved than free elements within `limit` steps."""
    depth, cur = 1, x
    for _ in range(limit):
        cur = step(cur)
        if cur == x:
            return None
        if reserved(cur):
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return cur
    return None


def _cycle_matching(cycle: Sequence, reserved: Sequence[bool]) -> dict:
    """`_bracket_walk` for every reserved element of one cycle at once, in O(n): `cycle[i]`'s
    successor is `cycle[i + 1]` (wrapping), reserved elements open a bracket, free ones close
    one; each reserved element maps to the free element that closes its bracket within one lap
    (the same element `_bracket_walk` reaches step by step). Reserved elements left open are
    absent. Distinct reserved elements get distinct images (a bracket matching)."""
    n = len(cycle)
    out: dict = {}
    stack: list[int] = []
    for i in range(2 * n):  # two laps: a bracket opened late in the first lap closes in the second
        j = i - n if i >= n else i
        if reserved[j]:
            stack.append(i)
        elif stack:
            p = stack.pop()
            if p < n and i - p < n:
                out[cycle[p]] = cycle[j]
    return out


def _stream(digest: bytes, n: int) -> bytes:
    """At least n pseudo-random bytes expanded from a digest (SHA-256 in counter mode)."""
    if n <= len(digest):
        return digest
    out = bytearray(digest)
    c = 0
    while len(out) < n:
        out += hashlib.sha256(digest + c.to_bytes(4, "big")).digest()
        c += 1
    return bytes(out)


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE  # phonenumbers is a required dependency

    return frozenset(str(c) for c in COUNTRY_CODE_TO_REGION_CODE)


_NAME_SPLIT = re.compile(r"(\s+|-|,\s*)")
_NAME_PARTS = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_EMAIL_TOKENS = re.compile(r"[^\W\d_]+|\d+|[\W_]+")
_POSSESSIVE = re.compile(r"^([^\W\d_][\w'’]*?)((?:['’]s)?[^\w]*)$")  # a name token and its trailing "'s" or punctuation


@lru_cache(maxsize=1)
def _surname_particles() -> frozenset[str]:
    from privsynth.detect.lexicon import SURNAME_PARTICLES

    return SURNAME_PARTICLES


class SurrogateFactory:
    """Keyed surrogates for one key and locale, cached per value (thread-compatible, not thread-safe)."""

    def __init__(self, key: bytes, locale: str = "en_US", reserve=None) -> None:
        """`reserve`: a `privsynth.transform.reserve.Reserve` of real values no surrogate may equal."""
        self.locale = locale
        self._reserve = reserve
        self._salt = 0  # > 0 while a surrogate that hit the reserve is re-derived
        self._fpe_pending: Optional[list[str]] = None  # set by `many`: format-preserving results whose reserve check is batched
        # OpenSSL's HMAC object under `hmac.HMAC` when there is one: its copy/update/digest give the same bytes
        # without hmac.py's Python wrappers (0.8 vs 1.1 us a digest; 2 million digests per 1M-row table)
        self._mac = raw_hmac(hmac.new(derive_key(key, "surrogate"), digestmod=hashlib.sha256))
        self._cache: dict[tuple[str, str, bool], str] = {}
        self._email_tok: dict[tuple[str, str], str] = {}  # `_email`: (role, local-part token) -> its lower-case surrogate
        self._kind: dict[str, str] = {}  # entity type -> surrogate kind (the registry lookup once per type)
        self._tok: dict[tuple[str, str], str] = {}
        self._phone_parts: dict[str, tuple[str, str, int, str]] = {}  # `_phone_parse` per value
        self._perms: dict[str, object] = {}  # name permutations and cleaned pools, built on first use
        self._pools: Optional[dict[str, tuple[str, ...]]] = None
        self._female: frozenset[str] = frozenset()
        self._male: frozenset[str] = frozenset()
        self._lastset: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ primitives

    def digest(self, family: str, norm: str) -> bytes:
        if self._salt and not family.startswith(("name.", "perm.")):  # name mappings never depend on a salt
            norm = f"{norm}\x00reserve{self._salt}"
        m = self._mac.copy()
        m.update(family.encode("utf-8") + b"\x00" + norm.encode("utf-8"))
        return m.digest()

    def _index(self, family: str, norm: str, n: int, salt: int = 0) -> int:
        d = self.digest(family, norm if not salt else f"{norm}\x00{salt}")
        return int.from_bytes(d[:8], "big") % n

    @property
    def pools(self) -> dict[str, tuple[str, ...]]:
        if self._pools is None:
            self._pools = _pools(self.locale)
            self._female = frozenset(x.casefold() for x in self._pools["first_female"])
            self._male = frozenset(x.casefold() for x in self._pools["first_male"])
            self._lastset = frozenset(x.casefold() for x in self._pools["last"])
        return self._pools

    def _pick(self, pool_name: str, family: str, norm: str) -> str:
        if pool_name in self.pools:
            pool = self.pools[pool_name]
        else:
            pool = self._clean_pool(pool_name)
        i = self._index(family, norm, len(pool))
        if pool[i].casefold() == norm and len(pool) > 1:  # never map a value onto itself
            i = (i + 1) % len(pool)
        return pool[i]

    def _id(self, family: str, value: str) -> str:
        """An identifier in the source's format: a short prefix before the first digit kept ("C",
        "KD-", at most `_MAX_KEPT_PREFIX_LETTERS` letters: a longer one is content, e.g. the name in
        "jsmith1987"), the rest through the keyed format-preserving permutation, and a valid Luhn
        digit again when the source's digits carried one (8 or more digits). Entity types whose
        letters encode the person or a check character (`_STRUCTURED_IDS`) have their own rule."""
        special = _STRUCTURED_IDS.get(family)
        if special is not None:
            out = special(self, family, value)
            if out is not None:
                return out
        m = re.match(r"^(\D*)(\d.*)$", value)
        if not m or sum(c.isdigit() for c in m.group(2)) < 4 or sum(c.isalpha() for c in m.group(1)) > _MAX_KEPT_PREFIX_LETTERS:
            return self._format_preserving(family, value)
        prefix, rest = m.group(1), m.group(2)
        digits = "".join(c for c in value if c.isdigit())
        if len(digits) >= 8 and luhn_check_digit(digits[:-1]) == digits[-1]:
            last = max(i for i, c in enumerate(rest) if c.isdigit())
            body = self._format_preserving(family + ".luhn", rest[:last] + rest[last + 1:])
            payload = "".join(c for c in prefix + body if c.isdigit())
            return prefix + body[:last] + luhn_check_digit(payload) + body[last:]
        return prefix + self._format_preserving(family, rest)

    def _clean_pool(self, pool_name: str) -> tuple[str, ...]:
        """A generated pool (cities, streets, companies) without the entries that hold a real name
        token of the reserve ("rue Pierre Hamel" when a customer is called Pierre)."""
        key = "pool." + pool_name
        hit = self._perms.get(key)
        if hit is None:
            pool = _generated_pool(self.locale, pool_name)
            if self._reserve is not None:
                clean = tuple(x for x in pool if not self._reserved_token(x))
                if len(clean) < _MIN_CLEAN_POOL:
                    # a large table can hold a real name in nearly every entry (3,000 French customers: every
                    # street of Faker's fr_FR pool, 4,925 real name tokens in the output when the whole pool was
                    # used again): the entries with their real tokens removed, numbered to stay distinct
                    kept = dict.fromkeys(clean)
                    for i, x in enumerate(pool):
                        rest = " ".join(t for t in x.split() if not self._reserved_token(t)).strip(" ,-")
                        if rest:
                            kept.setdefault(f"{rest} {i + 1}", None)
                    clean = tuple(kept)
                pool = clean or pool
            self._perms[key] = hit = pool  # type: ignore[assignment]
        return hit  # type: ignore[return-value]

    def _format_preserving(self, family: str, value: str, hexmode: bool = False) -> str:
        """A keyed bijection on the value's format class: digits stay digits, capitals capitals,
        small letters small letters (hex digits stay hex in `hexmode`), everything else is kept.

        Two distinct values of the same format never get the same surrogate, so pseudonymized
        keys still join one-to-one (a hash per value would collide: about 1% of 80 five-character
        IDs did). The permutation is a Feistel network over the mixed-radix number the variable
        characters spell, with cycle walking to stay inside the domain (format-preserving
        encryption in the manner of FF1/FF3, keyed per family with HMAC-SHA256)."""
        alphabets: list[Optional[str]] = []
        for ch in value:
            if hexmode and ch in "0123456789abcdefABCDEF":
                alphabets.append(_HEXCH.upper() if ch.isupper() else _HEXCH)
            elif "0" <= ch <= "9":
                alphabets.append(_DIGITS)
            elif "A" <= ch <= "Z":
                alphabets.append(_LETTERS_U)
            elif "a" <= ch <= "z":
                alphabets.append(_LETTERS_L)
            else:
                alphabets.append(None)  # separators and non-ASCII letters are part of the format
        var = [(i, a) for i, a in enumerate(alphabets) if a is not None]
        if not var:
            return value
        x, domain = 0, 1
        for i, a in var:
            x = x * len(a) + a.index(value[i])
            domain *= len(a)
        signature = "".join("d" if a == _DIGITS else "U" if a == _LETTERS_U else "l" if a == _LETTERS_L
                            else "H" if a == _HEXCH.upper() else "h" if a else "." for a in alphabets)
        fkey = self.digest("fpe." + family, signature)

        def decode(y: int) -> str:
            out = list(value)
            for i, a in reversed(var):
                y, r = divmod(y, len(a))
                out[i] = a[r]
            return "".join(out)

        y = _feistel_permute(x, domain, fkey)
        res = decode(y)
        if self._fpe_pending is not None:  # `many` checks these in one batch and redoes a value whose result is reserved
            self._fpe_pending.append(res)
            return res
        if self._reserve is not None and self._reserve.hit(res):
            walked = _bracket_walk(x, lambda z: _feistel_permute(z, domain, fkey),
                                   lambda z: self._reserve.hit(decode(z)), min(domain, 1 << 20))  # type: ignore[union-attr]
            if walked is not None:
                res = decode(walked)
        return res

    def uses_format_rule(self, entity_type: Optional[str]) -> bool:
        """True when `entity_type`'s pseudonyms come from the generic format-preserving rule (record IDs and other
        IDs without a realistic generator or a structure rule of their own)."""
        u = (entity_type or "").upper()
        return self._kind_of(u) not in self._KINDS and ("id." + u) not in _STRUCTURED_IDS

    def widened_ids(self, entity_type: Optional[str], values: Sequence[str]) -> Optional[list[str]]:
        """Pseudonyms of a column of small integer IDs ("0", "17", "1199") when same-length
        format-preserving pseudonyms cannot be one-to-one and avoid every real value; None when
        they can (the caller then uses `many`, unchanged).

        `values`: the column's distinct values as text. The rule (docs/operators.md "Short numeric
        IDs"): when every value is a canonical non-negative integer (no sign, no leading zero) and,
        for some length L, the column holds more than half of the 10**L L-digit numbers (the
        same-length domain minus the real values cannot hold a bijection), every value of the
        column is mapped by one keyed permutation (Feistel, `_feistel_permute`) of the W-digit
        numbers [10**(W-1), 10**W), W = the longest value's length + 1 or more (until the domain
        is at least 10x the column), with cycle walking past the real values of the column and
        of the reserve (the result is checked one-to-one and reserve-free; else the next width). Distinct values get distinct pseudonyms, none equals a
        real value, the same value maps the same under the key while W is the same. Raises
        nothing; returns a list aligned with `values`."""
        if not values or not all(_CANONICAL_INT.match(v) for v in values):
            return None
        counts: dict[int, int] = {}
        for v in values:
            counts[len(v)] = counts.get(len(v), 0) + 1
        if not any(2 * n > 10 ** k for k, n in counts.items()):
            return None
        own = set(values)
        width = max(counts) + 1
        while 9 * 10 ** (width - 1) < 10 * len(values):
            width += 1
        xs = [int(v) for v in values]
        for w in range(width, width + 4):  # the next width when a check below fails (practically never)
            low, domain = 10 ** (w - 1), 9 * 10 ** (w - 1)
            fkey = self.digest("fpe.wide.id." + (entity_type or "").upper(), f"w{w}")

            def taken(zs: list[int], low=low) -> list[bool]:
                strs = [str(low + z) for z in zs]
                hit = self._reserve.hits(strs).tolist() if self._reserve is not None else [False] * len(strs)
                return [h or t in own for h, t in zip(hit, strs)]

            zs = [_feistel_permute(x, domain, fkey) for x in xs]
            bad = taken(zs)
            for i in [k for k, b in enumerate(bad) if b]:
                # cycle walking: the next element of the permutation's cycle until a free one
                z = zs[i]
                for _ in range(1 << 16):
                    z = _feistel_permute(z, domain, fkey)
                    if not taken([z])[0]:
                        break
                zs[i] = z
            out = [str(low + z) for z in zs]
            # cycle walking is one-to-one when no input is itself a taken element; checked, not assumed
            if len(set(out)) == len(out) and not any(taken(zs)):
                return out
        return None  # pragma: no cover - four widths in a row failed

    # ------------------------------------------------------------------ names

    def _permutation(self, group: str) -> dict[str, str]:
        """A keyed bijection of one name group onto itself without fixed points.

        Names that are in Faker's lists map through it, so distinct real names get distinct
        surrogates (no collisions among them); other names are hashed into the whole pool.
        """
        perm = self._perms.get(group)
        if perm is None:
            pools = self.pools
            if group == "last":
                members = sorted(self._lastset)
            elif group == "female":
                members = sorted(self._female - self._male)
            elif group == "male":
                members = sorted(self._male - self._female)
            else:  # names listed as both female and male
                members = sorted(self._female & self._male)
            display = {x.casefold(): x for x in (pools["last"] if group == "last" else pools["first"])}
            order = sorted(members, key=lambda m: self.digest("perm." + group, m))
            perm = {a: display[b] for a, b in zip(order, order[1:] + order[:1])} if len(order) > 1 else {}
            self._perms[group] = perm
        return perm

    def name_token(self, token: str, role: str) -> str:
        """Surrogate of one name token; role "first" or "last"."""
        norm = token.casefold()
        ck = (role, norm)
        hit = self._tok.get(ck)
        if hit is None:
            self.pools
            if role == "last":
                group, pool = "last", "last"
            elif norm in self._female and norm not in self._male:
                group, pool = "female", "first_female"
            elif norm in self._male and norm not in self._female:
                group, pool = "male", "first_male"
            else:
                group, pool = "unisex", "first"
            perm = self._permutation(group)
            hit = perm.get(norm)
            if hit is None:
                hit = self._pick(pool, "name." + role, norm) if self.pools[pool] else token
            if self._reserve is not None and self._reserved_token(hit):
                hit = self._unreserved_token(hit, perm, pool, role, norm, group)
            self._tok[ck] = hit
        return _case_like(token, hit)

    def _reserved_token(self, tok: str) -> bool:
        r = self._reserve
        if r is None:
            return False
        # "Hans-Peter" from Faker's list is reserved when "Hans" or "Peter" is a real name
        return tok in r or any(p.casefold() in r.name_tokens for p in _NAME_PARTS.findall(tok))

    def _reserved_tokens(self, toks: list[str]) -> list[bool]:
        """`_reserved_token` of every token (one fingerprint pass over the reserve)."""
        r = self._reserve
        if r is None:
            return [False] * len(toks)
        inset = r.contains_many(toks).tolist()
        nt = r.name_tokens
        return [a or any(p.casefold() in nt for p in _NAME_PARTS.findall(t)) for a, t in zip(inset, toks)]

    def _display(self, folded: str) -> str:
        d = self._perms.get("display")
        if d is None:
            d = {x.casefold(): x for x in (*self.pools["first"], *self.pools["last"])}
            self._perms["display"] = d
        extra = self._perms.get("display.extra") or {}
        return d.get(folded) or extra.get(folded) or folded.title()  # type: ignore[union-attr]

    def _extended(self, group: str) -> dict[str, str]:
        """A keyed cyclic permutation over the group's names plus the same group's names from the
        Faker locales in `EXTRA_NAME_LOCALES` (used when the real names of a table cover most of
        the locale's own list); keys and values case-folded."""
        key = "ext." + group
        ext = self._perms.get(key)
        if ext is None:
            names: set[str] = set(self._permutation(group))
            names |= {n.casefold() for n in _extra_names(group)}
            disp = self._perms.setdefault("display.extra", {})
            for n in _extra_names(group):
                disp.setdefault(n.casefold(), n)  # type: ignore[union-attr]
            order = sorted(names, key=lambda m: self.digest("perm.ext." + group, m))
            ext = dict(zip(order, order[1:] + order[:1])) if len(order) > 1 else {}
            self._perms[key] = ext
        return ext  # type: ignore[return-value]

    def _matching(self, key: str, cycle: dict[str, str], reserved: Callable[[list[str]], Sequence[bool]]) -> dict[str, str]:
        """`_cycle_matching` of one name cycle (keys in cycle order), computed once per factory;
        `reserved` answers for a list of names at once."""
        m = self._perms.get(key)
        if m is None:
            order = list(cycle)
            m = _cycle_matching(order, list(reserved(order)))
            self._perms[key] = m
        return m  # type: ignore[return-value]

    def _unreserved_token(self, hit: str, perm: dict[str, str], pool: str, role: str, norm: str, group: str = "") -> str:
        """The next name along the keyed permutation's cycle that is no real name token, else a
        salted pick from the pool, else the token's letters permuted (format-preserving).

        A real (reserved) name is matched to a free name by bracket matching along the cycle
        (`_cycle_matching`, computed once for the whole cycle), so distinct real names of one
        group get distinct pseudonyms; when the locale's list is mostly real names, the same along
        a cycle that adds other locales' names (never a name of the locale's own lists: those are
        the first matching's images; the given-name groups of other locales are disjoint)."""
        if norm in perm:  # a listed name: bracket matching along the permutation's cycle stays one-to-one
            if self._reserved_token(norm):
                walked = self._matching("match." + group, perm, self._reserved_tokens).get(norm)
            else:  # a name that is no real value (found in a text only): the walk from it
                walked = _bracket_walk(norm, lambda z: perm[z].casefold(), lambda z: self._reserved_token(z), len(perm))
            if walked is not None:
                return self._display(walked)
            # the locale's list is mostly real names: match into names of other locales, one-to-one,
            # never onto a name of the locale's own lists (those are the first matching's images)
            ext = self._extended(group)
            own = self._lastset if group == "last" else (self._female | self._male)
            walked = self._matching("match.ext." + group, ext,
                                    lambda zs: [z in own or r for z, r in zip(zs, self._reserved_tokens(zs))]).get(norm)
            if walked is not None:
                return self._display(walked)
        names = self.pools[pool]
        for salt in range(1, 65):
            if names:
                cand = names[self._index("name." + role, norm, len(names), salt)]
                if not self._reserved_token(cand):
                    return cand
        for salt in range(1, 65):
            cand = self._format_preserving(f"name.scramble.{salt}", hit)
            if not self._reserved_token(cand):
                return cand
        return hit  # pragma: no cover - 64 format-preserving draws all real names

    def _name(self, entity_type: str, value: str) -> str:
        parts = _NAME_SPLIT.split(value)
        out = list(parts)
        for i, new in self._name_parts(entity_type, parts):
            out[i] = new
        return "".join(out)

    def name_edits(self, entity_type: Optional[str], value: str) -> list[tuple[int, int, str]]:
        """The words of the name `value` that its surrogate replaces, as (start, end, replacement)
        with offsets into `value` (titles, surname particles and separators are kept as written);
        splicing them into `value` gives `surrogate(entity_type, value)` of a name type before the
        reserve check. Used to replace the rest of a detected name around a record-aware match."""
        parts = _NAME_SPLIT.split(value)
        starts = [0]
        for p in parts:
            starts.append(starts[-1] + len(p))
        return [(starts[i], starts[i] + len(parts[i]), new)
                for i, new in self._name_parts((entity_type or "").upper(), parts)]

    def _name_parts(self, entity_type: str, parts: list[str]) -> list[tuple[int, str]]:
        """(index into `parts`, replacement) of each name word of `_NAME_SPLIT.split(value)`."""
        has_title = False
        name_idx: list[int] = []
        for i in range(0, len(parts), 2):  # the words (the separators are at odd indices)
            p = parts[i]
            if not p:
                continue
            if p.rstrip(".").casefold() in _TITLES:
                has_title = True
            elif p.isalpha() or any(c.isalpha() for c in p):
                name_idx.append(i)
        # a surname particle before a further name word ("de Vries", "Jan van der Berg") is part of the
        # surname and identifies nobody: kept as written, and the words after it are the surname
        # ("de Vries" became "paul Marshall": the particle was read as a given name, lower case and all)
        surname_from = None
        if len(name_idx) > 1:
            sp = _surname_particles()
            particles = [i for i in name_idx[:-1] if parts[i].casefold() in sp]
            if particles:
                surname_from = particles[0]
                name_idx = [i for i in name_idx if i not in particles]
        comma_form = any(p.strip() == "," for p in parts[1::2]) and len(name_idx) >= 2  # "Smith, John"
        out: list[tuple[int, str]] = []
        for pos, i in enumerate(name_idx):
            tok = parts[i]
            core = tok.rstrip(".")
            trail = tok[len(core):]
            if len(core) == 1:  # an initial
                out.append((i, self._format_preserving("name.initial", core).upper() + trail))
                continue
            if entity_type == E.LAST_NAME.name:
                role = "last"
            elif entity_type == E.FIRST_NAME.name:
                role = "first"
            elif comma_form:
                role = "last" if pos == 0 else "first"
            elif surname_from is not None:
                role = "last" if i > surname_from else "first"
            elif len(name_idx) == 1:
                c = core.casefold()
                role = "last" if has_title or (c in self._lastset and c not in self._female and c not in self._male) else "first"
            else:
                role = "last" if pos == len(name_idx) - 1 else "first"
            # keep possessive "'s" and other trailing punctuation
            m = _POSSESSIVE.match(core)
            if m:
                out.append((i, self.name_token(m.group(1), role) + m.group(2) + trail))
            else:
                out.append((i, self._format_preserving("name.other", core) + trail))
        return out

    # ------------------------------------------------------------------ other kinds

    def _email(self, value: str) -> str:
        v = value.strip()
        if "@" not in v:
            return self._format_preserving("email", v)
        local, domain = v.rsplit("@", 1)
        norm = v.lower()
        parts = _EMAIL_TOKENS.findall(local)
        alpha = [i for i, p in enumerate(parts) if p.isalpha()]
        out = list(parts)
        toks = self._email_tok
        for pos, i in enumerate(alpha):
            role = "last" if (pos == len(alpha) - 1 and len(alpha) > 1) else "first"
            if len(parts[i]) == 1:  # salt-dependent ("fpe." family) and batched-checked: not cached
                out[i] = self._format_preserving("name.initial", parts[i]).lower()
                continue
            ck = (role, parts[i])
            hit = toks.get(ck)
            if hit is None:  # `name_token` is cached per (role, folded token) and never salted
                hit = toks[ck] = self.name_token(parts[i], role).lower()
            out[i] = hit
        for i, p in enumerate(parts):
            if p.isdigit():
                dd = _stream(self.digest("email.digits", f"{norm}\x00{i}"), len(p))
                out[i] = "".join(str(b % 10) for b in dd[: len(p)])
        d = self.digest("email", norm)
        # the keyed suffix separates distinct addresses whose name tokens map alike: 4 digits x 3 domains
        # (2 digits made 1 in 300 runs of 80 Faker addresses collide, which broke a join on the pseudonyms)
        suffix = f"{int.from_bytes(d[8:12], 'big') % 10000:04d}"
        new_domain = _EMAIL_DOMAINS[d[0] % len(_EMAIL_DOMAINS)]
        return "".join(out) + suffix + "@" + new_domain

    def _iban(self, value: str) -> str:
        s = re.sub(r"[^0-9A-Za-z]", "", value).upper()
        if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", s):
            return self._format_preserving("iban", value)
        country, bban = s[:2], s[4:]
        d = _stream(self.digest("iban", s), len(bban))
        new_bban = "".join(str(b % 10) if c.isdigit() else _LETTERS_U[b % 26] for c, b in zip(bban, d))
        new = f"{country}{iban_check_digits(country, new_bban)}{new_bban}"
        if " " in value.strip():
            return " ".join(new[i:i + 4] for i in range(0, len(new), 4))
        return new

    def _card(self, value: str) -> str:
        digits = [c for c in value if c.isdigit()]
        if len(digits) < 12:
            return self._format_preserving("card", value)
        n = len(digits)
        d = _stream(self.digest("card", "".join(digits)), n)
        payload = digits[0] + "".join(str(b % 10) for b in d[1:n - 1])
        new = payload + luhn_check_digit(payload)
        it = iter(new)
        return "".join(next(it) if c.isdigit() else c for c in value)

    def _phone(self, value: str) -> str:
        """A keyed number from a range reserved for drama and fiction, so a pseudonym never rings a
        real subscriber (ranges in `privsynth.entities.fakes`): NANP 555-0100..0199 keeping the area
        code, ACMA (0X) 5550 xxxx, else one of Ofcom's drama ranges (GB numbers, and numbers of
        countries without a fiction range, in international form). International or national
        style ("+CC", "00CC", trunk 0) follows the source."""
        from privsynth.entities import fakes

        parts = self._phone_parts.get(value)
        if parts is None:  # what does not depend on the digest's salt: once per value (re-derivations repeat it)
            parts = self._phone_parts[value] = self._phone_parse(value)
        digits_norm, intl, cc, nsn = parts
        n = int.from_bytes(self.digest("phone", digits_norm)[:8], "big")
        if cc == 1:
            npa = nsn[:3] if len(nsn) == 10 and nsn[0] in "23456789" else fakes.US_AREAS[n % len(fakes.US_AREAS)]
            body = f"({npa}) 555-01{n % 100:02d}"
            return f"{intl}1 {body}" if intl else body
        if cc == 61:
            area = fakes.AU_AREAS[n % len(fakes.AU_AREAS)]
            sub = f"5550 {(n // 4) % 10000:04d}"
            return f"{intl}61 {area} {sub}" if intl else f"(0{area}) {sub}"
        area, block, k = fakes.GB_DRAMA_RANGES[n % len(fakes.GB_DRAMA_RANGES)]
        sub = f"{block}{(n // 7) % 10 ** k:0{k}d}"
        if cc == 44 and not intl:
            return f"0{area} {sub}"
        return f"{intl or '+'}44 {area} {sub}"

    def _phone_parse(self, value: str) -> tuple[str, str, int, str]:
        """(digits and '+' of `value`, its international prefix ("+", "00" or ""), country code, national
        significant number) as `_phone` reads them (`phonenumbers`, the locale's region for national numbers)."""
        import phonenumbers

        from privsynth import phoneparse

        digits_norm = re.sub(r"[^0-9+]", "", value)
        stripped = value.lstrip()
        ds = re.sub(r"\D", "", value)
        intl = "+" if stripped.startswith("+") else ("00" if ds.startswith("00") else "")
        region = (self.locale.split("_")[-1] or "US").upper()
        try:
            num = phoneparse.parse("+" + ds[2:] if intl == "00" else value, None if intl else region)
            cc, nsn = num.country_code, phonenumbers.national_significant_number(num)
        except phonenumbers.NumberParseException:
            cc, nsn = phonenumbers.country_code_for_region(region) or 44, ds
        return digits_norm, intl, cc, nsn

    def _ip(self, value: str) -> str:
        v = value.strip()
        if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", v):
            d = self.digest("ip", v)
            return ".".join(str(1 + b % 254) for b in d[:4])
        return self._format_preserving("ip", value, hexmode=True)

    def _date(self, value: str) -> str:
        v = value.strip()
        norm = _norm_text(v)
        d = self.digest("date", norm)
        if re.fullmatch(r"(19|20)\d\d", v):
            shift = 1 + d[0] % 3
            return str(int(v) + (shift if d[1] % 2 else -shift))
        dt, fmt = parse_date(v)
        if dt is None or fmt is None:  # "3 days ago", "Monday": replace digits only
            return "".join(str(b % 10) if c.isdigit() else c for c, b in zip(value, _stream(d, len(value))))
        days = 1 + int.from_bytes(d[:4], "big") % 365
        if d[4] % 2:
            days = -days
        if "%d" not in fmt:  # month precision: shift by whole months
            months = 1 + d[5] % 12
            y, m = divmod(dt.month - 1 + (months if d[4] % 2 else -months), 12)
            new = dt.replace(year=dt.year + y, month=m + 1, day=1)
        else:
            new = dt + timedelta(days=days)
        s = new.strftime(fmt)
        lead = value[: len(value) - len(value.lstrip())]
        trail = value[len(value.rstrip()):]
        return lead + s + trail

    def date_offset_days(self, norm: str) -> int:
        d = self.digest("date", norm)
        days = 1 + int.from_bytes(d[:4], "big") % 365
        return -days if d[4] % 2 else days

    def _url(self, value: str) -> str:
        v = value.strip()
        m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*://)?", v)
        scheme = m.group(1) if m and m.group(1) else ("https://" if v.lower().startswith("http") else "")
        h = self.digest("url", _norm_text(v)).hex()
        host = _EMAIL_DOMAINS[int(h[:2], 16) % 3]
        if not scheme and not v.lower().startswith("www."):
            return f"{host}/{h[2:10]}"
        return f"{scheme}{'www.' if 'www.' in v.lower() else ''}{host}/{h[2:10]}"

    def _address(self, value: str) -> str:
        m = re.match(r"^\s*(\d+[A-Za-z]?)\s+", value)
        street = self._pick("street", "street", _norm_text(value))
        if m:
            num = self._format_preserving("street.number", m.group(1))
            return f"{num.lstrip('0') or '1'} {street}"
        return street

    # ------------------------------------------------------------------ public

    def surrogate(self, entity_type: Optional[str], value: str, text: bool = False) -> str:
        """The surrogate of `value` for `entity_type`.

        `text=True` (spans in free text): entity types without a realistic generator and without
        digits become a bracketed placeholder like "[HEALTH]" instead of scrambled letters.
        """
        et = (entity_type or "").upper()
        ck = (et, value, text)
        hit = self._cache.get(ck)
        if hit is not None:
            return hit
        kind = self._kind_of(et)
        out = self._raw(et, kind, value, text)
        if self._reserve is not None and not self._salt and kind != "date" and self._reserve.hit(out):
            out = self._rederive(et, value, text, out)
        self._cache[ck] = out
        return out

    def _kind_of(self, et: str) -> str:
        """`entities.surrogate_kind` of an entity type, looked up in the registry once per type."""
        kind = self._kind.get(et)
        if kind is None:
            kind = self._kind[et] = E.surrogate_kind(et)
        return kind

    def _raw(self, et: str, kind: str, value: str, text: bool) -> str:
        """The surrogate before the reserve check."""
        if not value.strip():
            return value
        if kind in self._KINDS:
            return self._KINDS[kind](self, et, value)
        if text and not any(c.isdigit() for c in value):
            return f"[{et or 'PII'}]"
        return self._id("id." + et, value)

    def _rederive(self, et: str, value: str, text: bool, out: str) -> str:
        """A surrogate that equals a reserved (real) value, derived again with a salted digest until
        it does not (names are handled token by token in `name_token`)."""
        for salt in range(1, 65):
            self._salt = salt
            try:
                self._cache.pop((et, value, text), None)
                cand = self.surrogate(et, value, text)
            finally:
                self._salt = 0
            if not self._reserve.hit(cand):  # type: ignore[union-attr]
                return cand
        return out  # pragma: no cover - a format whose every variant is reserved

    def _city(self, et: str, value: str) -> str:
        return _case_like(value.strip(), self._pick("city", "city", _norm_text(value)))

    def _company(self, et: str, value: str) -> str:
        return self._pick("company", "company", _norm_text(value))

    def _nationality(self, et: str, value: str) -> str:
        return _NATIONALITIES[self._index("nationality", _norm_text(value), len(_NATIONALITIES))]

    def _mac(self, et: str, value: str) -> str:
        return self._format_preserving("mac", value, hexmode=True)

    # surrogate kind (EntityType.surrogate) -> method(self, entity type, value); "format" is the fallback
    _KINDS: dict[str, Callable[["SurrogateFactory", str, str], str]] = {
        "name": lambda self, et, v: self._name(et, v),
        "email": lambda self, et, v: self._email(v),
        "iban": lambda self, et, v: self._iban(v),
        "card": lambda self, et, v: self._card(v),
        "phone": lambda self, et, v: self._phone(v),
        "ip": lambda self, et, v: self._ip(v),
        "date": lambda self, et, v: self._date(v),
        "url": lambda self, et, v: self._url(v),
        "city": _city,
        "street_address": lambda self, et, v: self._address(v),
        "company": _company,
        "nationality": _nationality,
        "mac": _mac,
    }

    def many(self, entity_type: Optional[str], values: Sequence[str], text: bool = False) -> list[str]:
        """`surrogate` of every value (the same results), with the reserve checked for all the new
        surrogates at once (`Reserve.hits`, vectorised) instead of one by one."""
        if self._reserve is None or len(values) < 256:
            return [self.surrogate(entity_type, v, text) for v in values]
        et = (entity_type or "").upper()
        kind = self._kind_of(et)
        cache = self._cache
        out: list = [None] * len(values)
        todo: list[int] = []
        raws: list[str] = []
        # the format-preserving path (IDs) checks its result against the reserve inside `_format_preserving`:
        # here those checks are collected and made in one batch; a value with a reserved result is derived again
        # one by one (the same path `surrogate` takes), so the results are `surrogate`'s
        defer = kind not in self._KINDS
        pending: list[str] = []
        owner: list[int] = []
        for i, v in enumerate(values):
            hit = cache.get((et, v, text))
            if hit is not None:
                out[i] = hit
            else:
                todo.append(i)
                if defer:
                    self._fpe_pending = []
                    try:
                        raws.append(self._raw(et, kind, v, text))
                    finally:
                        got, self._fpe_pending = self._fpe_pending, None
                    pending.extend(got)
                    owner.extend([len(raws) - 1] * len(got))
                else:
                    raws.append(self._raw(et, kind, v, text))
        if pending:
            for j in sorted(set(np.asarray(owner)[self._reserve.hits(pending)].tolist())):
                raws[j] = self._raw(et, kind, values[todo[j]], text)
        if todo:
            reserved = self._reserve.hits(raws) if kind != "date" else np.zeros(len(raws), dtype=bool)
            again = self._rederive_many(et, kind, [values[i] for i in todo], text, reserved) if kind == "phone" else {}
            for j, (i, raw, r) in enumerate(zip(todo, raws, reserved.tolist())):
                v = values[i]
                res = (again[j] if j in again else self._rederive(et, v, text, raw)) if r else raw
                cache[(et, v, text)] = res
                out[i] = res
        return out

    def _rederive_many(self, et: str, kind: str, values: Sequence[str], text: bool, reserved: np.ndarray) -> dict[int, str]:
        """`_rederive` of every `values[j]` whose surrogate is reserved, one salt at a time for all of
        them with one vectorised reserve check per salt (`Reserve.hits` answers as `Reserve.hit`):
        {j: the first salted surrogate that is not reserved}; a value whose 64 salted surrogates are
        all reserved is left out (`_rederive` keeps the unsalted one). For a kind whose salted
        surrogate is `_raw` under the salt alone (no reserve check inside: phone numbers)."""
        pending = np.flatnonzero(reserved).tolist()
        found: dict[int, str] = {}
        for salt in range(1, 65):
            if not pending:
                break
            self._salt = salt
            try:
                cands = [self._raw(et, kind, values[j], text) for j in pending]
            finally:
                self._salt = 0
            hit = self._reserve.hits(cands).tolist()  # type: ignore[union-attr]
            found.update((j, c) for j, c, h in zip(pending, cands, hit) if not h)
            pending = [j for j, h in zip(pending, hit) if h]
        return found


def surrogate(entity_type: Optional[str], value: str, key: bytes, locale: str = "en_US") -> str:
    """One keyed surrogate (convenience; build a SurrogateFactory to reuse its caches)."""
    return SurrogateFactory(key, locale).surrogate(entity_type, value)


_MAX_KEPT_PREFIX_LETTERS = 3


def _it_fiscal_code(f: "SurrogateFactory", family: str, value: str) -> Optional[str]:
    """Codice fiscale: all 15 leading characters are personal (surname and given-name consonants, birth
    date and sex, birthplace), so none is kept; letters stay letters, digits digits, the month letter
    one of the 12 month letters (a keyed permutation of them), and the check character is recomputed.
    One-to-one on well-formed codes. None (the generic rule) for a value not in that form."""
    v = value.strip()
    up = v.upper()
    if len(up) != 16 or not up.isalnum() or not up.isascii() or up[8] not in CF_MONTHS:
        return None
    body = f._format_preserving(family + ".cf", up[:8] + up[9:15])
    key = f.digest(family + ".cf.month", "")
    month = CF_MONTHS[_feistel_permute(CF_MONTHS.index(up[8]), len(CF_MONTHS), key)]
    payload = body[:8] + month + body[8:]
    out = payload + it_fiscal_code_check_char(payload)
    return out if v == up else out.lower()


def _es_dni(f: "SurrogateFactory", family: str, value: str) -> Optional[str]:
    """Spanish DNI ("12345678Z", "12345678-Z") and NIE ("X1234567L"): the digits through the keyed
    permutation, the control letter recomputed (mod 23); the NIE's X/Y/Z kept (it says which kind)."""
    m = re.fullmatch(r"([XYZxyz]?)(\d{7,8})([ -]?)([A-Za-z])", value.strip())
    if m is None or len(m.group(1)) + len(m.group(2)) != 8:
        return None
    lead, digits, sep, letter = m.groups()
    new = f._format_preserving(family + ".dni", digits)
    number = int(str("XYZ".index(lead.upper())) + new) if lead else int(new)
    check = es_dni_letter(number)
    return lead + new + sep + (check if letter.isupper() else check.lower())


_STRUCTURED_IDS: dict[str, Callable[["SurrogateFactory", str, str], Optional[str]]] = {
    "id.IT_FISCAL_CODE": _it_fiscal_code,
    "id.ES_NIF": _es_dni,
    "id.ES_NIE": _es_dni,
}
