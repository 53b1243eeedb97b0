"""Record-aware redaction: a row's own identifier values, and the table's, removed from free text.

A note such as "Zahlung per Karte 503888139931 abgelehnt" or "Ansprechpartner Erzebet" repeats
values that the same row holds in its identifier columns; a text detector misses many of them
(a bare given name, a card number without its usual spacing, a subscriber number without its
area code). The identifier columns already say what to look for, so this step does not guess:
every identifier value of the table, with its normalised variants, goes into one Aho–Corasick
automaton (`pyahocorasick`), each text is searched once, and each match is replaced with the
same replacement its column got (the pseudonym, token, mask, ...). It runs before and in
addition to the text detector: where both find something, the match found here wins.

Variants per entity type (`variants`):

- names (PERSON, FIRST_NAME, LAST_NAME): the whole value, each given or family name alone
  (also with accents removed and German umlauts spelt ae/oe/ue/ss);
- EMAIL_ADDRESS: the address, its local part, and the name tokens of the local part;
- PHONE_NUMBER: digits as written, international digits (with and without 00), the national
  number with and without the trunk 0, and the subscriber number (national number minus the
  area code; `phonenumbers`), matched in digit runs whatever the separators;
- CREDIT_CARD, IBAN_CODE and mostly-numeric IDs: the digits (IBANs also compact and in groups
  of four);
- anything else (record IDs, addresses, national IDs): the value as written and without
  separators.

Matching rules (issue 15's bad inputs): whole words only (the characters around a match are
not letters or digits; digit variants must start and end on a digit group), never inside a
longer word; nothing shorter than `MIN_TEXT_CHARS` (3) letters or `MIN_DIGITS` (6) digits is
looked for, so empty, 1- and 2-character values are ignored; a name alone must start with a
capital letter ("Will", not "will"), except the row's own given name or surname in its own
text, when it has 4 letters or more and is no common word (`lower_case_blocklist`: "spoke to
linda today"); a name that is also a common word (spaCy's stop words for
de/en/fr, month and weekday names: "Will", "Mai", "May") is replaced only in its own row's
text, where it is a mention of that person, and left alone elsewhere ("Termin im Mai"); with one given-name and
one family-name column, "Given Family" of a row where either is a common word is looked for whole in every text
(trial F-X1: "Ehepartner von <given> Otto" in another customer's note).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

from privsynth import entities as E

MIN_TEXT_CHARS = 3
MIN_DIGITS = 6
# surrogate kinds (privsynth.entities: EntityType.surrogate) whose values are looked for as digits
_DIGIT_KINDS = frozenset({"phone", "card", "iban"})
_MONTHS_DAYS = (
    "januar februar märz april mai juni juli august september oktober november dezember "
    "january february march may june july october december "
    "janvier février mars avril juin juillet août septembre octobre novembre décembre "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag monday tuesday wednesday thursday friday "
    "saturday sunday lundi mardi mercredi jeudi vendredi samedi dimanche"
).split()
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_DIGIT_RUN = re.compile(r"\d(?:[ \-./()]{0,3}\d)*")
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_DIGIT_RUNS = re.compile(r"\d+")
_NON_DIGIT = re.compile(r"\D+")
_NON_WORD = re.compile(r"\W")
_ANY_DIGIT = re.compile(r"\d")
_UMLAUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Stop words of spaCy's lists for every language privsynth detects (en, de, fr, es, nl, it),
    month and weekday names, and the words that are given names somewhere but ordinary words in
    running text (`privsynth.detect.lexicon.COMMON_NAME_WORDS`: `iban`, `customer`, `invoice`, ...),
    lower case."""
    from privsynth.detect.lexicon import COMMON_NAME_WORDS, LANGUAGES

    import importlib.util
    from pathlib import Path

    words: set[str] = set(_MONTHS_DAYS) | set(COMMON_NAME_WORDS)
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - spaCy is a dependency
        return frozenset(words)
    root = Path(list(spec.submodule_search_locations)[0]) / "lang"
    for lang in LANGUAGES:
        # the word-list file alone: importing the language package compiles its tokenizer rules (seconds)
        path = root / lang / "stop_words.py"
        sw = importlib.util.spec_from_file_location(f"_privsynth_stop_words_{lang}", path)
        if sw is None or sw.loader is None or not path.is_file():  # pragma: no cover
            continue
        mod = importlib.util.module_from_spec(sw)
        sw.loader.exec_module(mod)
        words |= {w.casefold() for w in getattr(mod, "STOP_WORDS", ())}
    return frozenset(words)


# Faker's lorem word lists: the commonest words of each language, from frequency lists named in
# each module (en_US: ef.edu top 1,000 + talkenglish top nouns/verbs/adjectives/adverbs; de_DE:
# gut1.de Grundwortschatz 500; fr_FR; es_ES: RAE CREA 1,000 most frequent forms; nl_NL:
# Wiktionary 1,000 basiswoorden; it_IT: napolux/paroleitaliane)
_LOREM_LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES", "nl_NL", "it_IT")
LOWER_MIN_CHARS = 4  # a lower-case own name shorter than this is not looked for ("max", "guy", "ben")


@lru_cache(maxsize=1)
def lower_case_blocklist() -> frozenset[str]:
    """Words a lower-case mention of the row's own name may not be (`common_words` plus the
    word lists of Faker's lorem providers for en, de, fr, es, nl and it), case-folded: "will",
    "rose", "grant", "green", "baker", "hope" stay words even in their own row's text."""
    import importlib

    words = set(common_words())
    for loc in _LOREM_LOCALES:
        try:
            mod = importlib.import_module(f"faker.providers.lorem.{loc}")
        except ImportError:  # pragma: no cover - Faker is a dependency
            continue
        words |= {w.casefold() for w in getattr(mod.Provider, "word_list", ())}
    return frozenset(words)


def _lower(text: str) -> str:
    """Lower case with the same length as `text` (so offsets stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _deaccent(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def _spellings(token: str) -> tuple[str, ...]:
    t = _lower(token)
    if t.isascii():
        return (t,)
    return tuple({t, _deaccent(t), t.translate(_UMLAUT)})


# One string to look for: (pattern, view, part, source). `view` is "text" (searched in the
# lower-cased text) or "digits" (searched in digit runs); `part` is "value", "first", "last" or
# "local"; `source` is the original token a part was spelt from ("" for whole values).
Variant = tuple[str, str, str, str]


@lru_cache(maxsize=4096)
def _phone_digit_variants(value: str, region: str) -> tuple[str, ...]:
    import phonenumbers

    from privsynth import phoneparse

    digits = re.sub(r"\D", "", value)
    out = {digits}
    try:
        num = phoneparse.parse(value, region)
    except phonenumbers.NumberParseException:
        return tuple(d for d in out if len(d) >= MIN_DIGITS)
    nsn = phonenumbers.national_significant_number(num)
    cc = str(num.country_code)
    out |= {nsn, "0" + nsn, cc + nsn, "00" + cc + nsn}
    ndc = phonenumbers.length_of_national_destination_code(num) or phonenumbers.length_of_geographical_area_code(num)
    if 0 < ndc < len(nsn) and len(nsn) - ndc >= MIN_DIGITS:
        out.add(nsn[ndc:])
    return tuple(d for d in out if len(d) >= MIN_DIGITS)


def variants(entity_type: Optional[str], value: str, region: str = "US", kind: Optional[str] = None) -> list[Variant]:
    """The strings under which `value` of `entity_type` can appear in a text (see module doc).
    `kind`: the entity type's surrogate kind when the caller already has it."""
    et = (entity_type or "").upper()
    if kind is None:
        kind = E.surrogate_kind(et)
    v = " ".join(str(value).split())
    out: list[Variant] = []
    if not v:
        return out
    alnum = v if v.isalnum() else _NON_ALNUM.sub("", v)
    all_digits = alnum if alnum.isdigit() else _NON_DIGIT.sub("", alnum)  # the value's digits (alnum drops no digit)
    n_digits = len(all_digits)
    # a mostly numeric value needs MIN_DIGITS digits ("4447" is any number in a text)
    if len(alnum) >= MIN_TEXT_CHARS and not (n_digits * 2 >= len(alnum) and n_digits < MIN_DIGITS):
        out.append((_lower(v), "text", "value", ""))
    if kind == "name":
        toks = [t for t in _WORDS.findall(v) if len(t) >= MIN_TEXT_CHARS]
        for pos, t in enumerate(toks):
            role = "last" if et == E.LAST_NAME.name or (et != E.FIRST_NAME.name and pos == len(toks) - 1 and len(toks) > 1) else "first"
            out.extend((s, "text", role, t) for s in _spellings(t))
        if len(_NON_WORD.sub("", v)) >= MIN_TEXT_CHARS:
            out.extend((s, "text", "value", "") for s in _spellings(v))
        out = list(dict.fromkeys(out))  # an ASCII name's spelling is its lower case, already there
    elif kind == "email" and "@" in v:
        local = v.rsplit("@", 1)[0]
        if len(local) >= MIN_TEXT_CHARS:
            out.append((_lower(local), "text", "local", local))
        toks = [t for t in _WORDS.findall(local) if len(t) >= MIN_TEXT_CHARS]
        for pos, t in enumerate(toks):
            role = "last" if pos == len(toks) - 1 and len(toks) > 1 else "first"
            out.append((_lower(t), "text", role, t))
    elif kind == "phone":
        out.extend((d, "digits", "value", "") for d in _phone_digit_variants(v, region))
    else:
        compact = alnum
        if compact != v.replace(" ", "") or " " in v:
            if len(compact) >= MIN_TEXT_CHARS:
                out.append((_lower(compact), "text", "value", ""))
        if kind == "iban" and len(compact) >= 8:
            grouped = " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
            out.append((_lower(grouped), "text", "value", ""))
        digits = all_digits
        if len(digits) >= MIN_DIGITS and (kind in _DIGIT_KINDS or len(digits) >= 0.6 * len(compact)):
            out.append((digits, "digits", "value", ""))
        if kind == "iban" and len(compact) > 4 and compact[4:].isdigit() and len(compact) - 4 >= MIN_DIGITS:
            out.append((compact[4:], "digits", "value", ""))  # the BBAN of a numeric IBAN
    return out


@dataclass
class Match:
    start: int
    end: int
    entity_type: str
    column: str
    replacement: str


class _Lazy:
    """A replacement computed on first use (most patterns never match, so most are never computed)."""

    __slots__ = ("fn", "args", "value")

    def __init__(self, fn: Callable, *args) -> None:
        self.fn, self.args, self.value = fn, args, None

    def resolve(self) -> str:
        if self.value is None:
            a = tuple(x.resolve() if isinstance(x, _Lazy) else x for x in self.args)
            self.value = str(self.fn(*a))
        return self.value


def _local_part(rep: str) -> str:
    return rep.rsplit("@", 1)[0] if "@" in rep else rep


class _Entry:
    """What one pattern stands for: replacement per row (the first one seen is the default)."""

    __slots__ = ("length", "entity_type", "column", "part", "default", "default_row", "by_row", "common", "rows")

    def __init__(self, length: int, entity_type: str, column: str, part: str, replacement, common: bool,
                 row: Optional[int]) -> None:
        self.length = length
        self.default_row = row
        self.entity_type = entity_type
        self.column = column
        self.part = part
        self.default = replacement
        self.by_row: Optional[dict[int, object]] = None
        self.common = common
        self.rows: Optional[set[int]] = {row} if common and row is not None else (set() if common else None)

    def add(self, row: Optional[int], replacement, row_dependent: bool) -> None:
        if self.rows is not None and row is not None:
            self.rows.add(row)
        # a row keeps the replacement its first column gave (a name column before an e-mail's tokens);
        # only replacements that depend on the row (a token of the whole value) can differ
        if row_dependent and row is not None and row != self.default_row and replacement is not self.default:
            if isinstance(replacement, str) and isinstance(self.default, str) and replacement == self.default:
                return
            if self.by_row is None:
                self.by_row = {}
            self.by_row.setdefault(row, replacement)

    def replacement_for(self, row: Optional[int]) -> str:
        r = self.default
        if self.by_row is not None and row is not None:
            r = self.by_row.get(row, r)
        return r.resolve() if isinstance(r, _Lazy) else r


Replacer = Callable[[str, str, str, Optional[str]], str]  # (part, original part text, original value, column replacement) -> text


@dataclass
class IdentifierColumn:
    """An identifier column as record-aware redaction sees it.

    `originals` and `replacements` are row-aligned (replacements None when the column was
    dropped); `replace_part(part, token, value, column_replacement)` gives the text for a
    name alone, a local part, ... (default: the column's replacement of the whole value).
    """

    name: str
    entity_type: Optional[str]
    originals: Sequence
    replacements: Optional[Sequence]
    replace_part: Optional[Replacer] = None


class RecordRedactor:
    """One automaton over every identifier value of a table; `find(row, text)` lists matches.

    `row` is the text's row in the table (None when the text is not from the table's rows:
    then only table-wide matching applies, and common-word names are not replaced).
    """

    def __init__(self, columns: Sequence[IdentifierColumn], region: str = "US",
                 fallback: Optional[Callable[[Optional[str], str], str]] = None) -> None:
        import ahocorasick

        self.columns = [c.name for c in columns]
        # name columns' values per row: a lower-case match must be one of its own row's name tokens (`_own_lower`)
        self._name_values = [c.originals for c in columns if E.surrogate_kind((c.entity_type or "").upper()) == "name"]
        self._own_cache: tuple[Optional[int], frozenset[str]] = (None, frozenset())
        self._text = ahocorasick.Automaton()
        self._digits = ahocorasick.Automaton()
        cw = common_words()
        text_d: dict[str, _Entry] = {}
        digit_d: dict[str, _Entry] = {}
        for col in columns:
            et = (col.entity_type or "").upper()
            kind = E.surrogate_kind(et)
            reps = col.replacements
            cache = kind == "name"  # names repeat: their variants are computed once per distinct value
            seen: dict[str, list[Variant]] = {}
            for row, v in enumerate(col.originals):
                if isinstance(v, str):
                    s = v
                elif v is None or (isinstance(v, float) and np.isnan(v)):
                    continue
                elif isinstance(v, (float, np.floating)) and float(v).is_integer():
                    s = str(int(v))
                else:
                    s = str(v)
                if cache:
                    vs = seen.get(s)
                    if vs is None:
                        vs = seen[s] = variants(et, s, region, kind) if s.strip() else []
                else:
                    vs = variants(et, s, region, kind) if s.strip() else []
                if not vs:
                    continue
                rep = reps[row] if reps is not None else None
                if rep is None or (isinstance(rep, float) and np.isnan(rep)):
                    rep = _Lazy(fallback, col.entity_type, s) if fallback is not None else f"[{et or 'ID'}]"
                elif not isinstance(rep, str):
                    rep = str(rep)
                for pattern, view, part, source in vs:
                    if kind == "email" and part in ("first", "last") and pattern in cw:
                        continue  # `iban76@...`: a common word in an e-mail's local part is no evidence of a name
                    d = text_d if view == "text" else digit_d
                    entry = d.get(pattern)
                    if entry is not None and entry.rows is None and part != "value" and col.replace_part is not None:
                        continue  # a name alone of a pseudonymized column: the same whatever the row, already there
                    row_dependent = True
                    if part == "value":
                        text = rep
                    elif col.replace_part is not None:
                        # pseudonymized names: a name alone maps the same whatever the row
                        text = _Lazy(col.replace_part, part, source or pattern, s, rep)
                        row_dependent = False
                    elif part == "local":
                        text = _Lazy(_local_part, rep)
                    else:
                        text = rep
                    if entry is None:
                        common = part != "value" and part != "local" and pattern in cw
                        d[pattern] = _Entry(len(pattern), et or "ID", col.name, part, text, common, row)
                    elif entry.rows is not None or row_dependent:
                        entry.add(row, text, row_dependent)
        self._full_names(columns, text_d, cw, fallback)
        for d, auto in ((text_d, self._text), (digit_d, self._digits)):
            for k, e in d.items():
                auto.add_word(k, e)
        n_text, n_digits = len(text_d), len(digit_d)
        self.patterns = n_text + n_digits
        if n_text:
            self._text.make_automaton()
        else:
            self._text = None
        if n_digits:
            self._digits.make_automaton()
        else:
            self._digits = None

    @staticmethod
    def _full_names(columns: Sequence[IdentifierColumn], text_d: dict, cw: frozenset, fallback) -> None:
        """A table with one given-name and one family-name column: "Given Family" of each row whose given or family
        name is a common word ("Otto", "Will", "Mai") is looked for as a whole in every text, as a PERSON column's
        value is (trial finding F-X1: "Ehepartner von <given> Otto" in another customer's note kept the real "Otto",
        which alone is replaced only in its own row). Other rows need no pattern: their names alone match everywhere.
        The replacement is the two columns' replacements, joined by a space."""
        by = {}
        for c in columns:
            by.setdefault((c.entity_type or "").upper(), []).append(c)
        firsts, lasts = by.get(E.FIRST_NAME.name, []), by.get(E.LAST_NAME.name, [])
        if len(firsts) != 1 or len(lasts) != 1:
            return
        fc, lc = firsts[0], lasts[0]

        def rep(col: IdentifierColumn, row: int, value: str):
            r = col.replacements[row] if col.replacements is not None else None
            if r is None or (isinstance(r, float) and np.isnan(r)):
                return _Lazy(fallback, col.entity_type, value) if fallback is not None else f"[{col.entity_type}]"
            return r if isinstance(r, str) else str(r)

        for row, (f, last) in enumerate(zip(fc.originals, lc.originals)):
            if not isinstance(f, str) or not isinstance(last, str):
                continue
            f, last = f.strip(), last.strip()
            if len(f) < MIN_TEXT_CHARS or len(last) < MIN_TEXT_CHARS or (f.casefold() not in cw and last.casefold() not in cw):
                continue
            pattern = _lower(f"{f} {last}")
            if pattern not in text_d:
                text = _Lazy(lambda a, b: f"{a} {b}", rep(fc, row, f), rep(lc, row, last))
                text_d[pattern] = _Entry(len(pattern), E.PERSON.name, lc.name, "value", text, False, row)

    # ------------------------------------------------------------------ search

    def find(self, row: Optional[int], text: str) -> list[Match]:
        """Non-overlapping matches in `text` (longest first), with their replacements."""
        if not text:
            return []
        cand: list[tuple[int, int, _Entry]] = []
        if self._text is not None:
            low = _lower(text)
            n = len(text)
            for end, entry in self._text.iter(low):
                hit = self._text_hit(text, low, end + 1, entry, row, n)
                if hit is not None:
                    cand.append(hit)
        if self._digits is not None and _ANY_DIGIT.search(text):
            for m in _DIGIT_RUN.finditer(text):
                run = m.group(0)
                pos = [m.start() + i for i, c in enumerate(run) if c.isdigit()]
                ds = "".join(text[p] for p in pos)
                for end, entry in self._digits.iter(ds):
                    k = end + 1 - entry.length
                    if k > 0 and pos[k] == pos[k - 1] + 1:
                        continue  # must start on a digit group
                    if end + 1 < len(pos) and pos[end + 1] == pos[end] + 1:
                        continue  # must end on a digit group
                    cand.append((pos[k], pos[end] + 1, entry))
        if not cand:
            return []
        cand.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken: list[tuple[int, int]] = []
        out: list[Match] = []
        for s, e, entry in cand:
            if any(s < te and e > ts for ts, te in taken):
                continue
            taken.append((s, e))
            rep = entry.replacement_for(row)
            if entry.part in ("first", "last") and text[s].islower():  # a lower-case own name (`_own_lower`) stays lower case
                rep = rep.lower()
            out.append(Match(s, e, entry.entity_type, entry.column, rep))
        out.sort(key=lambda m: m.start)
        return out

    def _text_hit(self, text: str, low: str, e: int, entry: "_Entry", row: Optional[int], n: int):
        s = e - entry.length
        if (s > 0 and (low[s - 1].isalnum() or low[s - 1] == "_")) or (e < n and (low[e].isalnum() or low[e] == "_")):
            return None
        if entry.part in ("first", "last"):
            if not text[s].isupper():
                if not (text[s:e].islower() and self._own_lower(low[s:e], row)):
                    return None
            elif entry.common and (row is None or entry.rows is None or row not in entry.rows):
                return None
        return (s, e, entry)

    def _own_lower(self, word: str, row: Optional[int]) -> bool:
        """A lower-case `word` is a mention of the row's own given name or surname (trial finding C6:
        "spoke to linda today", "sabatini family moving"): a name token of this row's name columns,
        at least LOWER_MIN_CHARS letters, and no common word of the six languages
        (`lower_case_blocklist`)."""
        if row is None or len(word) < LOWER_MIN_CHARS or not self._name_values or word in lower_case_blocklist():
            return False
        if self._own_cache[0] != row:
            toks: set[str] = set()
            for vals in self._name_values:
                v = vals[row] if row < len(vals) else None
                if isinstance(v, str):
                    for t in _WORDS.findall(v):
                        toks.update(_spellings(t))
            self._own_cache = (row, frozenset(toks))
        return word in self._own_cache[1]

    def redact(self, row: Optional[int], text: str) -> tuple[str, list[Match]]:
        """(`text` with every match replaced, the matches)."""
        ms = self.find(row, text)
        if not ms:
            return text, ms
        parts, pos = [], 0
        for m in ms:
            parts.append(text[pos:m.start])
            parts.append(m.replacement)
            pos = m.end
        parts.append(text[pos:])
        return "".join(parts), ms


def overlaps(a_start: int, a_end: int, spans: Iterable) -> bool:
    return any(a_start < s.end and a_end > s.start for s in spans)


# operators whose output replaces an identifier value (a kept column needs no text redaction: its
# value stays in the release anyway; generalize/k_anonymize columns are quasi-identifiers)
REPLACING_OPERATORS = frozenset({"pseudonymize", "tokenize", "encrypt", "redact", "mask", "drop"})
_LOCALE_REGION = {"en_US": "US", "en_GB": "GB", "de_DE": "DE", "de_AT": "AT", "de_CH": "CH", "fr_FR": "FR",
                  "fr_CH": "CH", "fr_BE": "BE", "nl_NL": "NL", "es_ES": "ES", "it_IT": "IT", "en_IE": "IE"}


def region_of(locale: str) -> str:
    """The phone-number region of a Faker/POSIX locale ("de_DE" -> "DE"; unknown -> "US")."""
    if locale in _LOCALE_REGION:
        return _LOCALE_REGION[locale]
    part = locale.replace("-", "_").split("_")[-1].upper()
    return part if len(part) == 2 and part.isalpha() else "US"


def build_redactor(df, plan, out_cols: dict, factory_getter: Optional[Callable[[], object]], locale: str) -> Optional[RecordRedactor]:
    """The redactor for one table: its identifier columns (category direct_identifier, or an operator
    that replaces the value) with what each value became in `out_cols`. None when there are none."""
    columns: list[IdentifierColumn] = []
    for col, op, ctx in plan:
        if op.text or op.name not in REPLACING_OPERATORS and not (ctx.category == "direct_identifier" and op.name != "keep"):
            continue
        et = getattr(op.params, "entity_type", None) or ctx.entity_type
        res = out_cols.get(col)
        reps = None if res is None else res.astype(object).where(res.notna(), None).tolist()
        part = None
        if op.name == "pseudonymize" and factory_getter is not None and E.surrogate_kind((et or "").upper()) in ("name", "email"):
            fac = factory_getter()

            def part(kind: str, token: str, value: str, rep: str, fac=fac) -> str:
                if kind == "local":
                    return rep.rsplit("@", 1)[0] if "@" in rep else rep
                tok = token[:1].upper() + token[1:] if token.islower() else token
                return fac.name_token(tok, kind)  # type: ignore[attr-defined]
        columns.append(IdentifierColumn(str(col), et, df[col].tolist(), reps, part))
    if not columns:
        return None
    fallback = None
    if factory_getter is not None:
        fac0 = factory_getter()

        def fallback(et: Optional[str], value: str) -> str:
            return fac0.surrogate(et, value, text=True)  # type: ignore[attr-defined]
    return RecordRedactor(columns, region_of(locale), fallback)
