"""Table scans: a seeded sample of values and whole-column statistics per column, and the evidence
helpers the decision uses (precise-recognizer coverage, vocabularies, gazetteers, NER votes,
character statistics). The decision itself, values first, is privsynth.detect.decide.

Evidence per column: which recognizers matched how many sampled values, the name hint, NER
votes, vocabulary hits and value statistics. Never raw values.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import numpy as np
import pandas as pd

from privsynth.detect import vocab
from privsynth.detect.values import plain_spaces
from privsynth import entities as E
from privsynth.detect.header_hints import normalise
from privsynth.entities import category_of
from privsynth.results import ColumnScan, ScanResult

Progress = Optional[Callable[[str, int, int], None]]

NER_SAMPLE = 200
TEXT_SAMPLE = 20  # cells whose spans are detected to describe a free-text column (all cells are scanned by transform)
TEXT_CHARS = 5000
_PHONE_RECS = {"PhoneRecognizer", "PhoneNumbersIntl", "PhoneCell", "PhoneInternational"}


@dataclass
class ColumnStats:
    rows: int
    non_null: int
    distinct: int  # over the whole column (exact, or hashed when streaming)
    kind: str  # "int" | "float" | "bool" | "datetime" | "string"

    @property
    def null_share(self) -> float:
        return 1.0 - self.non_null / self.rows if self.rows else 0.0

    @property
    def uniqueness(self) -> float:
        return self.distinct / self.non_null if self.non_null else 0.0


def column_kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_integer_dtype(s):
        return "int"
    if pd.api.types.is_float_dtype(s):
        arr = s.dropna().to_numpy(dtype=float)
        arr = arr[np.isfinite(arr)]
        if len(arr) and (np.mod(arr, 1) == 0).all() and np.abs(arr).max() < 2**53:
            return "int"
        return "float"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "datetime"
    return "string"


def stats_for(s: pd.Series) -> ColumnStats:
    nn = s.dropna()
    if s.dtype == object:
        nn = nn[nn.astype(str).str.strip() != ""]
    try:
        distinct = int(nn.nunique())
    except TypeError:  # unhashable cells (lists from JSON)
        distinct = int(nn.astype(str).nunique())
    return ColumnStats(rows=len(s), non_null=len(nn), distinct=distinct, kind=column_kind(s))


def to_strings(values: pd.Series, kind: str) -> list[str]:
    """Clean string forms of non-null values: never "nan", ints without ".0", ISO datetimes."""
    out: list[str] = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
            continue
        if isinstance(v, (bool, np.bool_)):
            out.append("true" if v else "false")
        elif isinstance(v, (int, np.integer)):
            out.append(str(int(v)))
        elif isinstance(v, (float, np.floating)):
            f = float(v)
            if math.isinf(f):
                continue
            out.append(str(int(f)) if f.is_integer() and abs(f) < 1e21 else repr(f))
        elif isinstance(v, pd.Timestamp):
            out.append(v.isoformat())
        elif isinstance(v, (bytes, bytearray)):
            continue
        else:
            t = str(v).strip()
            if t:
                out.append(t)
    return out


def damaged_card_count(values: pd.Series, kind: str) -> int:
    """Count numeric values that look like 13-19 digit numbers flattened by a spreadsheet
    (scientific notation: few significant digits, trailing zeros)."""
    if kind not in ("int", "float"):
        return 0
    n = 0
    for v in values.dropna():
        f = float(v)
        if 1e12 <= abs(f) < 1e19 and f.is_integer():
            digits = str(int(abs(f)))
            if len(digits) >= 13 and len(digits) - len(digits.rstrip("0")) >= 4:
                n += 1
    return n


def char_stats(strings: list[str]) -> dict[str, float]:
    """Lengths, words per value and character-class shares of a sample (no values)."""
    if not strings:
        return {}
    lens = [len(s) for s in strings]
    words = [len(s.split()) for s in strings]
    digits = sum(sum(ch.isdigit() for ch in s) for s in strings)
    alpha = sum(sum(ch.isalpha() for ch in s) for s in strings)
    total = max(1, sum(lens))
    return {
        "mean_length": round(float(np.mean(lens)), 2),
        "min_length": int(min(lens)),
        "max_length": int(max(lens)),
        "mean_words": round(float(np.mean(words)), 2),
        "multiword_share": round(sum(w >= 4 for w in words) / len(words), 3),
        "digit_share": round(digits / total, 3),
        "alpha_share": round(alpha / total, 3),
        "no_space_share": round(sum(" " not in s for s in strings) / len(strings), 3),
        "sentence_share": round(sum(bool(re.search(r"[a-z]{2,}\s+[a-z]{2,}\s+\w+", s)) and len(s) >= 25 for s in strings) / len(strings), 3),
    }


def _full_match(res_start: int, res_end: int, value: str, entity: str) -> bool:
    need = 0.5 if entity in (E.STREET_ADDRESS.name,) else 0.8
    return (res_end - res_start) >= need * len(value)


# entity types whose values may hold no digit: other recognizers skip digit-free cells
_NO_DIGIT_OK = frozenset(et.name for et in E.all_types() if et.digitless)
PROBE = 100  # every recognizer runs on this many values; only those that match run on the rest
EXPENSIVE_CAP = 300  # values evaluated when a slow (phonenumbers) recognizer is active


def _compiled_patterns(rec) -> Optional[list]:
    """The compiled regexes of a Presidio PatternRecognizer whose `analyze` is Presidio's own, compiled as
    Presidio compiles them (`regex` module, the recognizer's global flags, stored on the Pattern so
    `analyze` reuses them); None for any other recognizer. Presidio's `analyze` returns a result only
    for a match of one of these regexes, so a value none of them finds anywhere cannot give a result:
    `_match_value` skips the call (and Presidio's per-call overhead: timers, explanations, de-duplication)."""
    try:
        from presidio_analyzer import PatternRecognizer
    except ImportError:  # pragma: no cover - a dependency
        return None
    if not isinstance(rec, PatternRecognizer) or type(rec).analyze is not PatternRecognizer.analyze or not rec.patterns:
        return None
    import regex

    flags = rec.global_regex_flags
    out = []
    for pattern in rec.patterns:
        if not pattern.compiled_regex or pattern.compiled_with_flags != flags:
            pattern.compiled_with_flags = flags
            pattern.compiled_regex = regex.compile(pattern.regex, flags=flags)
        out.append(pattern.compiled_regex)
    return out


_UNSET = object()


def _may_match(patterns: list, v: str) -> bool:
    from presidio_analyzer.pattern_recognizer import REGEX_TIMEOUT_SECONDS

    try:
        return any(p.search(v, timeout=REGEX_TIMEOUT_SECONDS) is not None for p in patterns)
    except TimeoutError:  # let the recognizer handle it as it does
        return True


def _match_value(v: str, recognizers: list, prefilter: Optional[dict] = None) -> tuple[set, set, set]:
    ndig = sum(ch.isdigit() for ch in v)
    ents_full: set[str] = set()
    ents_any: set[str] = set()
    recs_full: set[str] = set()
    for rec in recognizers:
        if rec.name in _PHONE_RECS and ndig < 6:
            continue
        if ndig == 0 and not (set(rec.supported_entities) & _NO_DIGIT_OK) and not getattr(rec, "deny_list", None):
            continue
        if prefilter is not None:
            pats = prefilter.get(id(rec), _UNSET)
            if pats is _UNSET:  # compiled on first use, as Presidio does (a recognizer never called is never compiled)
                try:
                    pats = _compiled_patterns(rec)
                except Exception:  # a pattern that does not compile fails inside analyze, as before
                    pats = None
                prefilter[id(rec)] = pats
            if pats is not None and not _may_match(pats, v):
                continue  # no pattern of this recognizer occurs in the value: analyze would return nothing
        try:
            results = rec.analyze(v, rec.supported_entities, None)
        except Exception:  # a recognizer must never break the scan
            continue
        for r in results or []:
            if r.score < 0.3:
                continue
            ents_any.add(r.entity_type)
            if _full_match(r.start, r.end, v, r.entity_type):
                ents_full.add(r.entity_type)
                recs_full.add(f"{rec.name}:{r.entity_type}")
    return ents_full, ents_any, recs_full


def pattern_evidence(strings: list[str], recognizers: list,
                     per_value: Optional[list] = None) -> tuple[Counter, Counter, Counter, int]:
    """(entity -> values fully matched, recognizer/entity -> values fully matched, entity -> probe values
    with a match anywhere inside, number of values evaluated). All recognizers run on a probe of PROBE values; only those
    that fully matched at least one probe value run on the rest (a recognizer that matches none of
    100 random values cannot reach a useful coverage). When `per_value` is a list, it receives, for each
    evaluated value in order, the set of entity types that fully matched it (for pooled coverage across types)."""
    full: Counter = Counter()
    by_rec: Counter = Counter()
    partial: Counter = Counter()
    values = [s[:2000] for s in strings]  # a 10 MB cell is judged by its head for column decisions
    probe = values[:PROBE]
    hits: set[str] = set()
    prefilter: dict[int, Any] = {}  # recognizer -> its compiled patterns (see _compiled_patterns), filled on first use
    memo: dict[str, tuple[set, set, set]] = {}  # a repeated value is matched once (same recognizers, same answer)
    for v in probe:
        if v not in memo:
            memo[v] = _match_value(v, recognizers, prefilter)
        f, a, r = memo[v]
        full.update(f)
        if per_value is not None:
            per_value.append(f)
        partial.update(a)
        by_rec.update(r)
        hits.update(x.split(":")[0] for x in r)
    active = [rec for rec in recognizers if rec.name in hits]
    rest = values[PROBE:]
    memo = {}
    for v in rest:
        if v not in memo:
            memo[v] = _match_value(v, active, prefilter)
        f, _, r = memo[v]
        full.update(f)
        if per_value is not None:
            per_value.append(f)
        by_rec.update(r)
    return full, by_rec, partial, len(probe) + len(rest)


def ner_evidence(strings: list[str], per_value: Optional[list] = None, model: Optional[str] = None) -> Counter:
    """spaCy labels covering most of each value (for short text-like cells)."""
    from privsynth.detect.engine import DEFAULT_MODEL, ner_docs, spacy_ner

    # the NER-only pipeline free text uses (same `ner` weights; no parser, tagger or lemmatizer loaded)
    nlp = spacy_ner(model or DEFAULT_MODEL)
    votes: Counter = Counter()
    texts = [s[:200] for s in strings]
    with nlp.select_pipes(enable=[p for p in ("tok2vec", "ner") if p in nlp.pipe_names]):
        for s, doc in zip(texts, ner_docs(nlp, texts, 256)):
            best = None
            for ent in doc.ents:
                if (ent.end_char - ent.start_char) >= 0.6 * len(s.strip()):
                    best = ent.label_
                    break
            votes[best or "NONE"] += 1
            if per_value is not None:
                per_value.append(best)
    return votes


def vocab_evidence(strings: list[str]) -> dict[str, float]:
    """Entity type -> share of values in its vocabulary (gender, ethnicity, religion, ...), for shares > 0. Generic
    fillers (vocab.GENERIC: "unknown", "other", "none") count only beside the vocabulary's own terms."""
    norm = [normalise(s) for s in strings]
    if not norm:
        return {}
    n = len(norm)
    out = {}
    for ent, voc in ((E.GENDER.name, vocab.GENDER), (E.ETHNICITY.name, vocab.ETHNICITY), (E.RELIGION.name, vocab.RELIGION),
                     (E.MARITAL_STATUS.name, vocab.MARITAL), (E.HEALTH.name, vocab.HEALTH), (E.POLITICAL_OPINION.name, vocab.POLITICAL),
                     (E.SEXUAL_ORIENTATION.name, vocab.SEXUAL_ORIENTATION), (E.NATIONALITY.name, vocab.countries()),
                     (E.TITLE.name, vocab.TITLES)):
        specific = sum(v in voc and v not in vocab.GENERIC for v in norm) / n
        share = sum(v in voc for v in norm) / n if specific >= vocab.VOCAB_SPECIFIC_MIN else specific
        if share > 0:
            out[ent] = round(share, 3)
    return out


def gazetteer_evidence(strings: list[str], flags: Optional[list] = None) -> dict[str, float]:
    """Shares of values that are known first names, last names, "First Last" names or places.
    `flags` receives per value ("name" | "place" | None)."""
    from privsynth.detect import gazetteer

    firsts, lasts, places = gazetteer.first_names(), gazetteer.last_names(), gazetteer.places()
    vals = strings[:NER_SAMPLE]
    n = len(vals)
    if not n:
        return {}
    f = l = full = p = 0
    for v in vals:
        t = v.strip()
        tt = t.title() if t.isupper() or t.islower() else t
        parts = tt.split()
        is_name = False
        if len(parts) == 1:
            f += tt in firsts
            l += tt in lasts
            is_name = tt in firsts or tt in lasts
        elif 2 <= len(parts) <= 4 and parts[0] in firsts and parts[-1][:1].isupper():
            full += 1
            is_name = True
        p += tt in places
        if flags is not None:
            flags.append("name" if is_name else "place" if tt in places else None)
    out = {"first_name": f / n, "last_name": l / n, "full_name": full / n, "place": p / n}
    # names that are also places (Jordan, Florence) must not decide a place column alone
    if out["first_name"] >= 0.5 and out["last_name"] >= 0.5:
        out["first_name"] = out["last_name"] = max(out["first_name"], out["last_name"])
    return {k: round(v, 3) for k, v in out.items() if v > 0}


def numeric_range(values: pd.Series, kind: str) -> Optional[tuple[float, float]]:
    """(min, max) of a numeric column's sample, or None for other kinds. For plausibility checks only:
    never put these in evidence (they are record values)."""
    if kind not in ("int", "float"):
        return None
    nn = values.dropna()
    if nn.empty:
        return None
    return float(nn.min()), float(nn.max())


@dataclass
class Decision:
    entity: Optional[str]
    category: str
    confidence: float
    coverage: float
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- public


def _sample_index(n_rows: int, k: int, seed: int) -> np.ndarray:
    if n_rows <= k:
        return np.arange(n_rows)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_rows, size=k, replace=False))


def _apply_override(name: str, d: Decision, policy) -> ColumnScan | None:
    rule = policy.columns.get(name) if policy is not None else None
    if rule is None or (rule.category is None and rule.entity_type is None):
        return None
    cat = rule.category or (category_of(rule.entity_type) if rule.entity_type else d.category)
    ev = dict(d.evidence)
    ev["detected"] = {"entity_type": d.entity, "category": d.category, "confidence": d.confidence, "reason": d.reason}
    ev["reason"] = f"policy columns.{name} overrides the detected category"
    return ColumnScan(name=name, entity_type=rule.entity_type or d.entity, category=cat, confidence=1.0,
                      coverage=d.coverage, evidence=ev, overridden=True)


def decide_columns(names: Sequence[str], samples: dict[str, pd.Series], stats: dict[str, ColumnStats], dtypes: dict[str, str],
                   policy, progress: Progress) -> list[ColumnScan]:
    """One ColumnScan per column name, from its sample (a Series of non-null values), whole-column
    statistics and dtype string; policy overrides applied. Used by the in-memory and the streaming scan."""
    from privsynth.detect.decide import decide
    from privsynth.detect.engine import pattern_recognizers

    from privsynth.detect.decide import table_context

    recs = pattern_recognizers(policy)
    decided: dict[str, Decision] = {}
    total = len(names)
    for i, name in enumerate(names):
        decided[name] = decide(name, samples[name], stats[name], policy, recs)
        if progress:
            progress("scan", i + 1, total)
    table_context(decided, samples, stats)  # coded microdata: decisions that need the other columns
    out = []
    for name in names:
        d = decided[name]
        d.evidence["reason"] = d.reason
        cs = _apply_override(name, d, policy) or ColumnScan(
            name=name, entity_type=d.entity, category=d.category, confidence=d.confidence, coverage=d.coverage,
            evidence=d.evidence)
        cs.dtype = dtypes[name]
        out.append(cs)
    return out


def scan_table(df: pd.DataFrame, policy=None, progress: Progress = None) -> ScanResult:
    """Decide every column of an in-memory table (see module docstring)."""
    from privsynth.errors import InputError

    if df.columns.duplicated().any():
        dup = df.columns[df.columns.duplicated()][0]
        raise InputError(f"table: duplicate column name {str(dup)!r}")
    k = policy.scan.sample_size if policy is not None else 1000
    seed = policy.scan.seed if policy is not None else 0
    names = [str(c) for c in df.columns]
    samples: dict[str, pd.Series] = {}
    stats: dict[str, ColumnStats] = {}
    dtypes: dict[str, str] = {}
    for col, name in zip(df.columns, names):
        s = df[col]
        stats[name] = stats_for(s)
        nn = s.dropna()
        if s.dtype == object:
            nn = nn[nn.astype(str).str.strip() != ""]
        # per-column seed so columns with different null patterns are sampled independently but reproducibly
        idx = _sample_index(len(nn), k, seed + zlib.crc32(name.encode()) % 100_000)
        sample = nn.iloc[idx]
        if s.dtype == object:  # no-break and other Unicode spaces read as spaces (values.SPACE_SEPARATORS)
            sample = sample.map(lambda v: plain_spaces(v) if isinstance(v, str) else v)
        samples[name] = sample
        dtypes[name] = str(s.dtype)
    cols = decide_columns(names, samples, stats, dtypes, policy, progress)
    return ScanResult(columns=cols, rows=len(df), rows_sampled=min(len(df), k), seed=seed)
