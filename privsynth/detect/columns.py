"""Per-column decisions for tables, from a seeded sample of values plus whole-column statistics.

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
from privsynth import entities as E
from privsynth.detect.header_hints import name_hint, normalise
from privsynth.entities import category_of
from privsynth.results import ColumnScan, ScanResult

Progress = Optional[Callable[[str, int, int], None]]

_NAME_ENTITIES = {E.PERSON.name, E.FIRST_NAME.name, E.LAST_NAME.name}
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


def _looks_damaged_card_number(values: pd.Series, kind: str) -> int:
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


def _char_stats(strings: list[str]) -> dict[str, float]:
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


def _match_value(v: str, recognizers: list) -> tuple[set, set, set]:
    ndig = sum(ch.isdigit() for ch in v)
    ents_full: set[str] = set()
    ents_any: set[str] = set()
    recs_full: set[str] = set()
    for rec in recognizers:
        if rec.name in _PHONE_RECS and ndig < 6:
            continue
        if ndig == 0 and not (set(rec.supported_entities) & _NO_DIGIT_OK) and not getattr(rec, "deny_list", None):
            continue
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


def _pattern_evidence(strings: list[str], recognizers: list) -> tuple[Counter, Counter, Counter, int]:
    """(entity -> values fully matched, recognizer/entity -> values fully matched, entity -> probe values
    with a match anywhere inside, number of values evaluated). All recognizers run on a probe of PROBE values; only those
    that fully matched at least one probe value run on the rest (a recognizer that matches none of
    100 random values cannot reach a useful coverage)."""
    full: Counter = Counter()
    by_rec: Counter = Counter()
    partial: Counter = Counter()
    values = [s[:2000] for s in strings]  # a 10 MB cell is judged by its head for column decisions
    probe = values[:PROBE]
    hits: set[str] = set()
    for v in probe:
        f, a, r = _match_value(v, recognizers)
        full.update(f)
        partial.update(a)
        by_rec.update(r)
        hits.update(x.split(":")[0] for x in r)
    active = [rec for rec in recognizers if rec.name in hits]
    rest = values[PROBE:]
    for v in rest:
        f, _, r = _match_value(v, active)
        full.update(f)
        by_rec.update(r)
    return full, by_rec, partial, len(probe) + len(rest)


def _ner_evidence(strings: list[str], per_value: Optional[list] = None, model: Optional[str] = None) -> Counter:
    """spaCy labels covering most of each value (for short text-like cells)."""
    from privsynth.detect.engine import spacy_nlp

    nlp = spacy_nlp(model)
    votes: Counter = Counter()
    texts = [s[:200] for s in strings]
    with nlp.select_pipes(enable=["tok2vec", "ner"]):
        for s, doc in zip(texts, nlp.pipe(texts, batch_size=256)):
            best = None
            for ent in doc.ents:
                if (ent.end_char - ent.start_char) >= 0.6 * len(s.strip()):
                    best = ent.label_
                    break
            votes[best or "NONE"] += 1
            if per_value is not None:
                per_value.append(best)
    return votes


def _vocab_evidence(strings: list[str]) -> dict[str, float]:
    norm = [normalise(s) for s in strings]
    if not norm:
        return {}
    n = len(norm)
    out = {}
    for ent, voc in ((E.GENDER.name, vocab.GENDER), (E.ETHNICITY.name, vocab.ETHNICITY), (E.RELIGION.name, vocab.RELIGION),
                     (E.MARITAL_STATUS.name, vocab.MARITAL), (E.HEALTH.name, vocab.HEALTH), (E.POLITICAL_OPINION.name, vocab.POLITICAL),
                     (E.SEXUAL_ORIENTATION.name, vocab.SEXUAL_ORIENTATION), (E.NATIONALITY.name, vocab.countries()),
                     (E.TITLE.name, vocab.TITLES)):
        share = sum(v in voc for v in norm) / n
        if share > 0:
            out[ent] = round(share, 3)
    return out


def _gazetteer_evidence(strings: list[str], flags: Optional[list] = None) -> dict[str, float]:
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


def _date_share(strings: list[str], kind: str) -> float:
    if kind == "datetime":
        return 1.0
    if kind != "string" or not strings:
        return 0.0
    cand = [s for s in strings if re.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?", s)
            or re.fullmatch(r"(?i)(?:\d{1,2}\s+)?[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[a-z]{3,9}\s+\d{4}|[a-z]{3}-\d{2}", s)]
    if not cand:
        return 0.0
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(pd.Series(cand), errors="coerce", format="mixed")
    # "Jan-20" style month-year values (card expiry) do not parse with format="mixed"
    ok = sum(bool(p is not pd.NaT and not pd.isna(p)) or bool(re.fullmatch(r"(?i)[a-z]{3}-\d{2}", c)) for p, c in zip(parsed, cand))
    return min(1.0, ok / len(strings))


def _numeric_range(values: pd.Series, kind: str) -> Optional[tuple[float, float]]:
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


def decide_column(name: str, sample: pd.Series, stats: ColumnStats, policy, recognizers: list) -> Decision:
    """Decide one column from its sample and whole-column statistics."""
    kind = stats.kind
    strings = to_strings(sample, kind)
    n = len(strings)
    ev: dict[str, Any] = {
        "sampled": n,
        "stats": {"rows": stats.rows, "non_null": stats.non_null, "null_share": round(stats.null_share, 4),
                  "distinct": stats.distinct, "uniqueness": round(stats.uniqueness, 4), "kind": kind, **_char_stats(strings)},
    }
    hint = name_hint(name)
    if hint:
        ev["name_hint"] = {"entity": hint[0], "phrase": hint[1], "exact": hint[2]}
    hint_ent = hint[0] if hint else None
    min_cov = policy.scan.min_coverage if policy is not None else 0.5

    if n == 0:
        if hint_ent and hint_ent != E.RECORD_ID.name:
            return Decision(hint_ent, category_of(hint_ent), 0.4, 0.0, "column is empty; decided from its name", ev)
        return Decision(None, "non_personal", 1.0, 0.0, "column is empty", ev)

    cs = ev["stats"]
    if kind == "bool" or (kind == "string" and stats.distinct <= 2 and {normalise(s) for s in strings} <= vocab.YES_NO):
        if hint_ent and category_of(hint_ent) != "direct_identifier":
            return Decision(hint_ent, category_of(hint_ent), 0.6, 1.0, "yes/no values; meaning from the column name", ev)
        return Decision(None, "non_personal", 0.7, 0.0, "yes/no values", ev)

    # --- damaged (scientific-notation) card numbers, whether still strings or already floats
    damaged = _looks_damaged_card_number(sample, kind)
    # --- regex/validator recognizers over every sampled value
    full, by_rec, partial, n_eval = _pattern_evidence(strings, recognizers)
    ev["pattern_values_evaluated"] = n_eval
    if damaged:
        full[E.CREDIT_CARD_DAMAGED.name] += round(damaged * n_eval / n)
        by_rec["ScientificNotationNumber:CREDIT_CARD_DAMAGED"] += round(damaged * n_eval / n)
    if by_rec:
        ev["recognizers"] = dict(by_rec.most_common())
    if partial:  # probe values with a match anywhere inside (not necessarily the whole cell)
        ev["partial_matches_in_probe"] = dict(partial.most_common())
        ev["probe_values"] = min(n, PROBE)
    cov = {e: min(1.0, c / n_eval) for e, c in full.items()}
    if cov:
        ev["coverage_by_entity"] = {e: round(c, 3) for e, c in sorted(cov.items(), key=lambda kv: -kv[1])}
    # sentence-like cells are free text, scanned span by span
    is_text = kind == "string" and cs.get("mean_words", 0) >= 5 and cs.get("sentence_share", 0) >= 0.5
    if is_text:
        from privsynth.detect.text import analyze_texts

        sub = [t[:TEXT_CHARS] for t in strings[:TEXT_SAMPLE]]  # a 10 MB cell is judged by its head
        spans = analyze_texts(sub, policy)
        counts = Counter(sp.entity_type for doc in spans for sp in doc)
        with_pii = sum(bool(doc) for doc in spans)
        ev["text_spans"] = dict(counts.most_common())
        ev["text_cells_scanned"] = len(sub)
        ev["text_cells_with_pii"] = with_pii
        top = counts.most_common(1)[0][0] if counts else None
        return Decision(top, "free_text", round(min(1.0, 0.6 + 0.4 * cs["sentence_share"]), 3), round(with_pii / max(1, len(sub)), 3),
                        "cells are sentences; spans detected inside them", ev)

    custom_cat = {r.entity_type: r.category for r in policy.scan.recognizers} if policy is not None else {}
    custom = set(custom_cat)
    strong = {e: c for e, c in cov.items() if E.is_strong(e) or e in custom}
    # card numbers damaged into scientific notation count with intact card numbers
    if E.CREDIT_CARD.name in strong and E.CREDIT_CARD_DAMAGED.name in strong:
        strong[E.CREDIT_CARD_DAMAGED.name] = min(1.0, strong[E.CREDIT_CARD_DAMAGED.name] + strong[E.CREDIT_CARD.name])
    # a name that agrees with a precise recognizer lowers the coverage needed (0.2 instead of min_coverage)
    if strong:
        # entities the policy declares are what the user asked for: they outrank built-in ones
        spec = lambda e: 20 if e in custom else E.specificity(e)  # noqa: E731
        best = max(strong, key=lambda e: (strong[e] >= min_cov, spec(e) if strong[e] >= min_cov else 0, strong[e]))
        c = strong[best]
        agrees = hint_ent is not None and (hint_ent == best or (hint_ent == E.NATIONAL_ID.name and E.is_national_id(best))
                                           or (hint_ent == E.CREDIT_CARD.name and best == E.CREDIT_CARD_DAMAGED.name))
        if c >= min_cov or (agrees and c >= 0.2):
            # phone-like digit groups are weak evidence against a column name that says otherwise
            # (PUMA codes, zip+4, IDs); a person-ish name ("contact") does not overrule them
            if not (best == E.PHONE_NUMBER.name and hint_ent is not None and hint_ent not in _NAME_ENTITIES | {E.PHONE_NUMBER.name}
                    and (hint[2] or c < 0.95)):
                conf = min(1.0, 0.5 + 0.5 * c + (0.1 if agrees else 0.0))
                ent = best
                if hint_ent == E.NATIONAL_ID.name and not E.is_national_id(best) and best not in (E.CREDIT_CARD_DAMAGED.name,):
                    ent = E.NATIONAL_ID.name
                cat = custom_cat.get(ent) or category_of(ent)
                return Decision(ent, cat, round(conf, 3), round(c, 3), f"{c:.0%} of sampled values match {best}", ev)

    uniq = stats.uniqueness
    key_like = kind in ("int", "string") and cs.get("no_space_share", 0) >= 0.9 and cs.get("mean_length", 0) >= 1
    near_unique = stats.non_null >= 20 and uniq >= 0.95 and key_like

    # --- the column name
    if hint_ent is not None:
        ok, why = _hint_plausible(hint_ent, strings, sample, kind, stats, cs)
        if ok:
            ent = hint_ent
            if ent == E.DATE_TIME.name and _date_share(strings, kind) < 0.5 and kind == "string":
                ok, why = False, "named like a date but values are not dates"
            if ok and ent in _NAME_ENTITIES and cs.get("max_length", 0) <= 2:
                ent, why = E.NAME_INITIAL.name, "values are initials, not names"
            if ok:
                cov_h = cov.get(ent, 0.0)
                conf = (0.75 if hint[2] else 0.6) + 0.2 * cov_h
                if near_unique and category_of(ent) not in ("direct_identifier",) and ent not in (E.DATE_TIME.name, E.DATE_OF_BIRTH.name):
                    ev["escalated"] = "near-unique values"
                    return Decision(E.RECORD_ID.name, "direct_identifier", round(min(1.0, 0.5 + uniq / 2), 3), round(uniq, 3),
                                    f"named like {ent} but values are a near-unique key", ev)
                return Decision(ent, category_of(ent), round(min(conf, 0.95), 3), round(cov_h, 3),
                                f"column name matches {hint[1]!r}" + (f"; {why}" if why else ""), ev)
        ev["name_hint"]["rejected"] = why

    # --- values: vocabularies, NER, dates
    if kind == "string":
        voc = _vocab_evidence(strings)
        if voc:
            ev["vocabulary"] = voc
            best_v = max(voc, key=voc.get)
            if voc[best_v] >= 0.6 and not (best_v == E.TITLE.name and voc[best_v] < 0.9):
                return Decision(best_v, category_of(best_v), round(0.5 + 0.4 * voc[best_v], 3), voc[best_v],
                                f"{voc[best_v]:.0%} of sampled values are {best_v.lower()} terms", ev)
        ds = _date_share(strings, kind)
        if ds >= 0.8:
            ev["date_share"] = round(ds, 3)
            return Decision(E.DATE_TIME.name, "quasi_identifier", round(0.5 + 0.4 * ds, 3), round(ds, 3), "values are dates", ev)
        alpha_like = cs.get("alpha_share", 0) >= 0.7 and cs.get("mean_words", 0) <= 5
        if alpha_like:
            flags: list = []
            gz = _gazetteer_evidence(strings, flags)
            ev["gazetteer"] = gz
            best_g = max(gz, key=gz.get) if gz else None
            if best_g and gz[best_g] >= 0.5:
                ent = {"first_name": E.FIRST_NAME.name, "last_name": E.LAST_NAME.name, "full_name": E.PERSON.name, "place": E.LOCATION.name}[best_g]
                return Decision(ent, category_of(ent), round(0.5 + 0.4 * gz[best_g], 3), gz[best_g],
                                f"{gz[best_g]:.0%} of sampled values are known {best_g.replace('_', ' ')}s", ev)
            labels: list = []
            votes = _ner_evidence(strings[:NER_SAMPLE], labels, getattr(getattr(policy, "scan", None), "model", None))
            m = sum(votes.values())
            ev["ner"] = dict(votes.most_common())
            # a value is name-like when a gazetteer knows it or spaCy tags it PERSON; place-like likewise
            per = sum(f == "name" or lab in E.PERSON.spacy_labels for f, lab in zip(flags, labels)) / m
            loc = sum(f == "place" or lab in E.LOCATION.spacy_labels for f, lab in zip(flags, labels)) / m
            ev["name_like_share"], ev["place_like_share"] = round(per, 3), round(loc, 3)
            if per >= 0.5 and per >= loc:
                ent = E.PERSON.name
                if cs.get("mean_words", 0) <= 1.2:
                    ent = E.LAST_NAME.name if gz.get("last_name", 0) >= gz.get("first_name", 0) else E.FIRST_NAME.name
                return Decision(ent, "direct_identifier", round(0.5 + 0.4 * per, 3), round(per, 3), f"{per:.0%} of sampled values are person names (gazetteer or NER)", ev)
            if loc >= 0.5:
                return Decision(E.LOCATION.name, "quasi_identifier", round(0.5 + 0.4 * loc, 3), round(loc, 3), f"{loc:.0%} of sampled values are places (gazetteer or NER)", ev)
    elif kind == "datetime":
        return Decision(E.DATE_TIME.name, "quasi_identifier", 0.8, 1.0, "datetime values", ev)

    if near_unique:
        return Decision(E.RECORD_ID.name, "direct_identifier", round(min(1.0, 0.5 + uniq / 2), 3), round(uniq, 3),
                        f"near-unique key ({uniq:.1%} distinct)", ev)
    # weak entities (dates, postcodes) with high coverage still tell something
    weak = {e: c for e, c in cov.items() if not E.is_strong(e) and e in (E.DATE_TIME.name,)}
    if weak:
        e = max(weak, key=weak.get)
        if weak[e] >= 0.8:
            return Decision(e, category_of(e), round(0.4 + 0.4 * weak[e], 3), round(weak[e], 3), f"{weak[e]:.0%} of sampled values match {e}", ev)
    return Decision(None, "non_personal", 0.6, 0.0, "no personal-data evidence", ev)


def _hint_plausible(ent: str, strings: list[str], sample: pd.Series, kind: str, stats: ColumnStats, cs: dict) -> tuple[bool, str]:
    """Reject a name hint that the values contradict (an "id" column that is not unique, an "age" of 5,000...)."""
    if ent == E.RECORD_ID.name:
        if stats.uniqueness >= 0.9 and stats.non_null >= 10:
            return True, "values are near-unique"
        return False, "named like an identifier but values repeat"
    if ent == E.AGE.name:
        rng = _numeric_range(sample, kind)
        if rng is not None and (rng[0] < 0 or rng[1] > 130):
            return False, "values outside 0-130"
        return True, ""
    if ent in _NAME_ENTITIES and kind in ("int", "float"):
        return False, "numeric values for a name column"
    if ent in (E.EMAIL_ADDRESS.name, E.IBAN_CODE.name, E.IP_ADDRESS.name, E.MAC_ADDRESS.name, E.URL.name) and kind in ("int", "float"):
        return False, "numeric values"
    return True, ""


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

    recs = pattern_recognizers(policy)
    out = []
    total = len(names)
    for i, name in enumerate(names):
        d = decide(name, samples[name], stats[name], policy, recs)
        d.evidence["reason"] = d.reason
        cs = _apply_override(name, d, policy) or ColumnScan(
            name=name, entity_type=d.entity, category=d.category, confidence=d.confidence, coverage=d.coverage,
            evidence=d.evidence)
        cs.dtype = dtypes[name]
        out.append(cs)
        if progress:
            progress("scan", i + 1, total)
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
        samples[name] = nn.iloc[idx]
        dtypes[name] = str(s.dtype)
    cols = decide_columns(names, samples, stats, dtypes, policy, progress)
    return ScanResult(columns=cols, rows=len(df), rows_sampled=min(len(df), k), seed=seed)
