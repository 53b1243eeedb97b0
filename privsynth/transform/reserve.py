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
from dataclasses import dataclass, field
from typing import Iterable, Optional

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


@dataclass
class Reserve:
    """`values`: normalised real identifier values; `name_tokens`: case-folded name tokens."""

    values: set[str] = field(default_factory=set)
    name_tokens: set[str] = field(default_factory=set)
    digits: set[str] = field(default_factory=set)  # digit variants (>= 6): phone national/subscriber numbers, card/IBAN/ID digits
    region: str = "US"  # where national phone numbers are read

    def add(self, entity_type: Optional[str], cells: Iterable) -> None:
        """Reserve the non-missing `cells` of a column of `entity_type` (pandas string operations:
        a million values take seconds, not minutes).

        Digit variants (values with 6 or more digits): the digits; for phones also, for numbers
        written with `+` or `00`, the digits after a 1-3 digit country code with and without a
        trunk 0; the digits without leading zeros; the last 6, 7 and 8 digits (subscriber
        numbers): a superset of what
        `phonenumbers` would derive for most numbers (a few more fakes are redrawn)."""
        kind = E.surrogate_kind((entity_type or "").upper())
        s = pd.Series(list(cells), dtype=object).dropna()
        if s.empty:
            return
        s = pd.Series(pd.unique(s.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))), dtype=object)
        keys = s.str.casefold().str.replace(_NON_ALNUM, "", regex=True)
        self.values.update(k for k in keys.tolist() if k)
        digits = s.str.replace(_NON_DIGIT, "", regex=True)
        digits = digits[digits.str.len() >= 6]
        if not digits.empty and (kind in ("phone", "card", "iban") or len(digits) * 2 >= len(s)):
            parts = [digits]
            if kind == "phone":
                raw = s[digits.index].str.lstrip()
                plus = raw.str.startswith("+")
                intl = digits[plus | digits.str.startswith("00")]
                intl = intl.where(~intl.str.startswith("00"), intl.str[2:])  # without the 00 prefix
                national = [intl.str[k:] for k in (1, 2, 3)]  # after a 1-3 digit country code
                parts += national + ["0" + p for p in national] + [digits.str.lstrip("0")]
                parts += [digits.str[-n:] for n in (6, 7, 8)]  # subscriber numbers
            elif kind == "iban":
                parts.append(s.str.replace(_NON_ALNUM, "", regex=True).str[4:])
            for p in parts:
                self.digits.update(d for d in p.tolist() if isinstance(d, str) and len(d) >= 6 and d.isdigit())
        if kind == "name":
            toks = s
        elif kind == "email":
            toks = s.str.rsplit("@", n=1).str[0]
        else:
            return
        self.name_tokens.update(t.casefold() for t in toks.str.findall(_TOKENS).explode().dropna().unique().tolist())

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
        if value in self:
            return True
        # letters of a surrogate (an IBAN's bank code, an ID's letters) that spell a real name
        if self.name_tokens and any(t.casefold() in self.name_tokens for t in _TOKENS.findall(value)):
            return True
        if self.digits and _ANY_DIGIT.search(value):
            for m in _DIGIT_RUN.finditer(value):
                groups = _DIGIT_GROUP.findall(m.group(0))
                for i in range(len(groups)):
                    d = ""
                    for g in groups[i:i + 8]:
                        d += g
                        if len(d) >= 6 and d in self.digits:
                            return True
        return False

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
        r.add(et, df[col].tolist())
    return r
