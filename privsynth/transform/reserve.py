"""The reserve: real identifier values a pseudonym or surrogate must never equal.

A keyed surrogate is drawn from Faker's lists (names, streets, cities) or from the value's
format (IDs, phones, cards). Nothing stops it from being a real value: on a 3,000-row German
table 955 pseudonymized name cells were another real customer's name, so a reader attached
records to the wrong real person. The reserve holds every real identifier value of the input
(direct-identifier columns and columns whose operator replaces values), normalised the way the
residual-PII test compares values (`privsynth.matching.normalize`: case-folded letters and
digits), and every given and family name token of the name and e-mail columns.
`SurrogateFactory(key, locale, reserve)` re-derives a surrogate that falls in it (the next
element of the keyed name permutation, the next format-preserving permutation step, or a salted
digest), so the same key, locale and reserve always give the same surrogate.

Across files: pseudonyms stay joinable when every file is pseudonymized with the same key and
the same reserve. `privsynth anonymize A.csv --reserve B.csv` adds B's identifier values (B is
scanned with the same policy), so `anonymize A --reserve B` and `anonymize B --reserve A` both
use the union of A's and B's identifier values (the tables given together). A file pseudonymized
alone uses its own values only: a value whose first-choice surrogate is a real value of the other
file then gets a different surrogate in the two runs, and the join misses it.
"""

from __future__ import annotations

import re
from operator import itemgetter
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import numpy as np
import pandas as pd

from privsynth import entities as E
from privsynth.matching import normalize as match_key

_ANY_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d(?:[ \-./()]{0,3}\d)*")
_DIGIT_GROUP = re.compile(r"\d+")
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_NON_DIGIT = re.compile(r"\D+")
_TOKENS = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
# operators whose output replaces a value (the values of such columns are identifiers to avoid)
REPLACING = frozenset({"pseudonymize", "tokenize", "encrypt", "redact", "mask", "drop"})


def _normalised(values: list[str], kind: str) -> tuple[list[str], list[tuple[int, str]], set[str]]:
    """(match keys of `values`, (index, digits) of the values with 6 or more digits, name tokens).

    The key is `privsynth.matching.normalize` (case-folded letters and digits), the digits every
    decimal digit, the name tokens (kinds "name" and "email": of the value or of the e-mail's
    local part) the case-folded runs of two or more letters. ASCII values go through pyarrow's
    compute kernels (a million values in about a second; for ASCII, lower case is case folding,
    [^a-z0-9] is Python's [\\W_] and [a-z]{2,} is `_TOKENS`); other values through the same
    Python expressions as before."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(values, type=pa.large_string())
    low_a = pc.ascii_lower(arr)
    keys = pc.replace_substring_regex(low_a, pattern="[^a-z0-9]+", replacement="").to_pylist()
    dig_a = pc.replace_substring_regex(arr, pattern="[^0-9]+", replacement="")
    is_ascii = pc.string_is_ascii(arr).to_numpy(zero_copy_only=False)
    long_ = pc.greater_equal(pc.utf8_length(dig_a), 6).to_numpy(zero_copy_only=False) & is_ascii
    idx = np.flatnonzero(long_)
    digits = list(zip(idx.tolist(), dig_a.take(pa.array(idx)).to_pylist())) if len(idx) else []
    tokens: set[str] = set()
    if kind in ("name", "email"):
        src = low_a.filter(pa.array(is_ascii))
        if kind == "email":
            src = pc.replace_substring_regex(src, pattern="@[^@]*$", replacement="")  # the local part
        words = pc.list_flatten(pc.split_pattern_regex(src, pattern="[^a-z]+"))
        words = pc.unique(words.filter(pc.greater_equal(pc.utf8_length(words), 2)))
        tokens.update(words.to_pylist())
    if not is_ascii.all():
        for i in np.flatnonzero(~is_ascii).tolist():
            v = values[i]
            f = v.casefold()
            keys[i] = _NON_ALNUM.sub("", f)
            d = _NON_DIGIT.sub("", v)
            if len(d) >= 6:
                digits.append((i, d))
            if kind == "name":
                tokens.update(_TOKENS.findall(f))
            elif kind == "email":
                tokens.update(_TOKENS.findall(f.rsplit("@", 1)[0]))
    return keys, digits, tokens


@dataclass
class Reserve:
    """`values`: normalised real identifier values; `name_tokens`: case-folded name tokens."""

    values: set[str] = field(default_factory=set)
    name_tokens: set[str] = field(default_factory=set)
    digits: set[str] = field(default_factory=set)  # digit variants (>= 6): phone national/subscriber numbers, card/IBAN/ID digits
    region: str = "US"  # where national phone numbers are read

    def add(self, entity_type: Optional[str], cells: Iterable) -> None:
        """Reserve the non-missing `cells` of a column of `entity_type` (each distinct value once,
        about 1-2 µs per value).

        Digit variants (values with 6 or more digits): the digits; for phones also, for numbers
        written with `+` or `00`, the digits after a 1-3 digit country code with and without a
        trunk 0; the digits without leading zeros; the last 6, 7 and 8 digits (subscriber
        numbers): a superset of what
        `phonenumbers` would derive for most numbers (a few more fakes are redrawn)."""
        kind = E.surrogate_kind((entity_type or "").upper())
        s = pd.Series(list(cells) if not isinstance(cells, (list, pd.Series)) else cells, dtype=object)
        s = s[s.notna()]
        if s.empty:
            return
        # distinct values first; ASCII values through Arrow's vectorised string kernels, the others in Python
        distinct = pd.unique(s)
        if pd.api.types.infer_dtype(distinct, skipna=False) == "string":  # all str: already distinct texts
            uniq = distinct.tolist()
        else:
            raw = [v if isinstance(v, str) else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                   for v in distinct]
            uniq = list(dict.fromkeys(raw)) if len(raw) != len(set(raw)) else raw
        keys, digits, tokens = _normalised(uniq, kind)
        self.values.update(keys)
        self.values.discard("")
        if digits and (kind in ("phone", "card", "iban") or len(digits) * 2 >= len(uniq)):
            # the digits themselves are 6 or more decimal digits (`_normalised`); only the variants below need the check
            self.digits.update(map(itemgetter(1), digits))
            new: set[str] = set()
            if kind == "phone":
                for i, d in digits:
                    if uniq[i].lstrip().startswith("+") or d.startswith("00"):
                        intl = d[2:] if d.startswith("00") else d
                        for k in (1, 2, 3):  # after a 1-3 digit country code, with and without a trunk 0
                            nat = intl[k:]
                            new.add(nat)
                            new.add("0" + nat)
                    new.add(d.lstrip("0"))
                    new.update((d[-6:], d[-7:], d[-8:]))  # subscriber numbers
            elif kind == "iban":
                new.update(_NON_ALNUM.sub("", uniq[i])[4:] for i, _ in digits)
            self.digits.update(x for x in new if len(x) >= 6 and x.isdigit())
        self.name_tokens.update(tokens)

    def update(self, other: "Reserve") -> "Reserve":
        self.values |= other.values
        self.name_tokens |= other.name_tokens
        self.digits |= other.digits
        return self

    def __contains__(self, value: object) -> bool:
        k = match_key(value)
        return bool(k) and k in self.values

    def hit(self, value: str) -> bool:
        """True when `value` equals a reserved value (normalised), holds a real name token as a
        word, or holds a reserved digit sequence as a run of whole digit groups ("+44 117 100 071"
        holds "100071")."""
        folded = value.casefold()
        k = folded if folded.isalnum() and folded.isascii() else _NON_ALNUM.sub("", folded)  # = matching.normalize
        if k and k in self.values:
            return True
        # letters of a surrogate (an IBAN's bank code, an ID's letters) that spell a real name
        if self.name_tokens and not self.name_tokens.isdisjoint(_TOKENS.findall(folded)):
            return True
        if self.digits and _ANY_DIGIT.search(value):
            for m in _DIGIT_RUN.finditer(value):
                run = m.group(0)
                if run.isdigit():  # one group (the usual case): the group itself
                    if len(run) >= 6 and run in self.digits:
                        return True
                    continue
                groups = _DIGIT_GROUP.findall(run)
                for i in range(len(groups)):
                    d = ""
                    for g in groups[i:i + 8]:
                        d += g
                        if len(d) >= 6 and d in self.digits:
                            return True
        return False

    def hits(self, values: Sequence[str]) -> np.ndarray:
        """`hit` of every value of `values` (bool array of the same length), vectorised.

        ASCII values whose digit runs are single digit groups go through pyarrow's string kernels
        (match key, name tokens, digit groups) and one set lookup per key and group; the others
        (non-ASCII letters, digits spread over separators as in "+44 117 100 071") through `hit`
        itself, so the answer is `hit`'s for every value."""
        import pyarrow as pa
        import pyarrow.compute as pc

        n = len(values)
        out = np.zeros(n, dtype=bool)
        if not n:
            return out
        arr = pa.array(values, type=pa.large_string())
        slow = ~pc.string_is_ascii(arr).to_numpy(zero_copy_only=False)
        if self.digits:
            slow |= pc.match_substring_regex(arr, pattern="[0-9][ \\-./()]{1,3}[0-9]").to_numpy(zero_copy_only=False)
        low = pc.ascii_lower(arr)
        vals = self.values
        keys = pc.replace_substring_regex(low, pattern="[^a-z0-9]+", replacement="").to_pylist()
        out |= np.fromiter((bool(k) and k in vals for k in keys), dtype=bool, count=n)
        if self.name_tokens:
            words = pc.split_pattern_regex(low, pattern="[^a-z]+")
            flat = pc.list_flatten(words)
            parent = pc.list_parent_indices(words).to_numpy(zero_copy_only=False)
            tokens = pa.array(sorted(self.name_tokens), type=pa.large_string())
            found = pc.and_(pc.is_in(flat, value_set=tokens), pc.greater_equal(pc.utf8_length(flat), 2))
            out[parent[found.to_numpy(zero_copy_only=False)]] = True
        if self.digits:
            groups = pc.split_pattern_regex(arr, pattern="[^0-9]+")
            flat = pc.list_flatten(groups)
            parent = pc.list_parent_indices(groups).to_numpy(zero_copy_only=False)
            long_ = np.flatnonzero(pc.greater_equal(pc.utf8_length(flat), 6).to_numpy(zero_copy_only=False))
            if len(long_):
                digs = self.digits
                cand = flat.take(pa.array(long_)).to_pylist()
                inset = np.fromiter((d in digs for d in cand), dtype=bool, count=len(cand))
                out[parent[long_[inset]]] = True
        for i in np.flatnonzero(slow).tolist():
            out[i] = self.hit(values[i])
        return out

    def __len__(self) -> int:
        return len(self.values)


def identifier_columns(df: pd.DataFrame, scan, policy) -> dict[str, Optional[str]]:
    """Column -> entity type of the identifier columns of `df`: category direct_identifier (from
    the scan or the policy's `columns.<name>.category`) or an operator that replaces values."""
    by_name = scan.by_name() if scan is not None else {}
    out: dict[str, Optional[str]] = {}
    for col in df.columns:
        c = str(col)
        rule = policy.columns.get(c) if policy is not None else None
        cs = by_name.get(c)
        category = (rule.category if rule is not None and rule.category else None) or (cs.category if cs else None)
        entity = (rule.entity_type if rule is not None and rule.entity_type else None) or (cs.entity_type if cs else None)
        op = rule.operator if rule is not None else None
        if category == "free_text":
            continue
        if category == "direct_identifier" or op in REPLACING:
            out[c] = entity
    return out


def reserve_of(df: pd.DataFrame, scan, policy) -> Reserve:
    """The reserve of one table: its identifier columns' values (see `identifier_columns`)."""
    from privsynth.transform.record import region_of

    r = Reserve(region=region_of(policy.transform.locale) if policy is not None else "US")
    for col, et in identifier_columns(df, scan, policy).items():
        r.add(et, df[col])
    return r
