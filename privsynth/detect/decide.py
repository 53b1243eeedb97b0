"""One column's decision: values first, then the header.

Order (issue 13): the value evidence proposes the roles (precise recognizers, free text, dates in
any storage, value recognizers, gazetteers and NER, identifier-or-measure); the column name's
hint then adds confidence, sharpens the entity (a value decision of LOCATION named "city" becomes
CITY), breaks a tie, or decides a column whose values say nothing. A hint never erases value
evidence: a rejected hint is recorded with its reason and the value decision stands, and a
precise value decision (validators, formats) is never replaced by a hint. Every decision keeps its
evidence: coverage per entity, the value profile, the hint and whether it was used or why not.

Evidence strength, used when a hint disagrees with the values:
  * precise: validator/format coverage (e-mail, IBAN, phone with separators, national IDs...),
    strong postcode formats, dates in a recognised storage, amounts written as money, free text;
  * weak: gazetteers, NER, vocabulary shares, numeric shape (age range, near-unique keys).
A plausible hint replaces a weak value decision of the same or a lower category, never a precise one.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from typing import Any, Optional

import numpy as np
import pandas as pd

from privsynth import entities as E
from privsynth.detect import values as V
from privsynth.detect import vocab
from privsynth.detect.profile import ValueProfile, profile_values

_RANK = {"non_personal": 0, "sensitive": 1, "quasi_identifier": 2, "special_category": 3, "free_text": 3, "direct_identifier": 4}
_DATE_HINTS = {E.DATE_OF_BIRTH.name, E.DATE_TIME.name}
_PHONE_SEP = set(" +()-/.")
# phone-shaped codes: at least this many rows, each value shared by 20+ rows on average (a person's number is not)
PHONE_CODE_MIN_ROWS = 200
PHONE_CODE_MAX_UNIQUENESS = 0.05
# coded attributes (see coded_values / table_context): a column of codes has at most CODED_MAX_DISTINCT values, each
# seen CODED_MIN_REPEAT times on average; a table is coded microdata when at least CODED_TABLE_MIN columns and
# CODED_TABLE_SHARE of its columns are such codes with no meaning from values or name (census and survey files code
# every attribute against a codebook: ACS PUMS, UCI adult, german credit)
CODED_MAX_DISTINCT = 100
CODED_MIN_REPEAT = 3.0
CODED_TABLE_MIN = 3
CODED_TABLE_SHARE = 0.3
# a precise identifier type takes part in pooled coverage (see _pooled_identifiers) when it alone covers at least this
# share of the values: one chance checksum match in twenty values is noise, not a type the column holds
POOLED_MIN_PART = 0.05
# identifiers inside short text (defence in depth, new-user finding: "Segnalato da <name>, tel. <phone>, CF <code>." was
# non_personal because the cells are too short to read as sentences). A column of multi-word strings (at least
# INSIDE_TEXT_MULTIWORD_SHARE of the values with 4+ words, the profile's `multiword_share`, and INSIDE_TEXT_MIN_WORDS
# words on average) is free text when a
# precise identifier recognizer matches INSIDE at least INSIDE_TEXT_MIN_SHARE of the probe values while matching too
# few whole values to decide the column: a personal identifier in one value in ten is personal data in the column
# (GDPR Art. 4(1)), whatever the words around it. URL and UUID identify documents and records, not people: they do
# not count. Without such matches, the same multi-word strings are free text when the text detector finds person
# names or identifiers in at least INSIDE_TEXT_MIN_CELLS of TEXT_SAMPLE cells ("Hablé con <name> ayer.").
INSIDE_TEXT_MULTIWORD_SHARE = 0.5
INSIDE_TEXT_MIN_WORDS = 3.0
INSIDE_TEXT_MIN_SHARE = 0.1
INSIDE_TEXT_MIN_CELLS = 0.3
# an address column's values match the street-address recognizer inside ("Via Roma 5, 00184 Roma"): it is decided
# as STREET_ADDRESS by the value recognizers below, not turned into free text
_NOT_PERSONAL_IDS = {E.URL.name, E.UUID.name, E.STREET_ADDRESS.name}


def _cols():
    from privsynth.detect import columns

    return columns


def _category_of(ent):
    return E.category_of(ent)


def _phone_formatted_share(strings: list[str]) -> float:
    """Share of values written like phone numbers (a leading + or 0, or separators), not bare fixed-width digits."""
    if not strings:
        return 0.0
    return sum(bool(set(s) & _PHONE_SEP) or s.startswith("0") for s in strings) / len(strings)


def _pooled_identifiers(strings: list[str], matched: list[set], strong: dict[str, float], cov: dict[str, float],
                        ev: dict) -> Optional[tuple[str, float, dict[str, float]]]:
    """Coverage pooled across precise identifier types, for a column no single type covers: national IDs of several
    countries in one `ref` column, or a contact column holding e-mails for some rows and phones for others (values
    outrank headers, and a mix of identifiers is still identifiers). Returns (entity type, share of evaluated values
    that match any of the types, {type: its own share}) or None when fewer than two types each cover at least
    POOLED_MIN_PART. A value counts once however many types it matches. Phone matches count only when the value is
    written like a phone (see _phone_formatted_share), whatever the column's overall share. Each matching value is
    attributed to its most specific type (entities.specificity); the entity is NATIONAL_ID when national identifiers
    take at least half the matching values, else the type that takes most."""
    if not matched:
        return None
    keys = {e for e in strong if cov.get(e, 0.0) >= POOLED_MIN_PART}
    if ev.get("phone_digits_unformatted"):
        keys.add(E.PHONE_NUMBER.name)  # popped for the column as a whole; judged value by value below
    if len(keys) < 2:
        return None
    counted: list[set] = []
    for s, f in zip(strings, matched):
        m = f & keys
        if E.PHONE_NUMBER.name in m and _phone_formatted_share([s]) < 1.0:
            m = m - {E.PHONE_NUMBER.name}
        counted.append(m)
    per_type = Counter(e for m in counted for e in m)
    parts = {e: c / len(matched) for e, c in per_type.items() if c / len(matched) >= POOLED_MIN_PART}
    if len(parts) < 2:
        return None
    # each value is attributed to its most specific type (a personnummer written 850709-9805 also reads as a phone)
    attributed = Counter(max(m & parts.keys(), key=lambda e: (E.specificity(e), e)) for m in counted if m & parts.keys())
    hits = sum(attributed.values())
    share = hits / len(matched)
    national = sum(c for e, c in attributed.items() if E.is_national_id(e))
    ent = E.NATIONAL_ID.name if national * 2 >= hits else max(attributed, key=lambda e: (attributed[e], e))
    return ent, share, {e: round(v, 3) for e, v in sorted(parts.items(), key=lambda kv: -kv[1])}


def _core_decision(ph, strings: list[str], matched: list[set], strong: dict[str, float], custom: set, prof: ValueProfile,
                   policy, ev: dict, min_cov: float) -> Optional[tuple[str, float, float, str, str]]:
    """A direct identifier held by the core of a column with repeated placeholders (profile.placeholders), or None.

    The core is judged as a column of its own: a precise identifier type (the same types and phone rule as the whole
    column) matching at least `min_cov` of the core values, or person names (gazetteer "First Last", then first or last
    names, then spaCy NER) in at least half of them, unless the core reads as job titles (60%) or places (50%). Returns (entity,
    confidence, coverage, reason, evidence strength); the coverage is the share of all sampled values (rows) that hold
    the identifier: the rows matching the precise type, or for names every row of the core (a gazetteer misses some real
    names); the share of the core goes in the reason and in `evidence.placeholders`. Placeholders never count
    as people: a column that is 34% names and 66% "keine Angabe" is a PERSON column with coverage 0.34."""
    C = _cols()
    core_set = set(ph.core)
    n = len(strings)
    pe = ph.evidence()
    lead = f"{pe['placeholder_values']} repeated placeholder values cover {ph.share:.0%} of the sampled values"
    # precise types, over the evaluated core values (matched[i] is the i-th evaluated value's set of types)
    idx = [i for i in range(len(matched)) if strings[i] in core_set]
    if idx:
        per = Counter(e for i in idx for e in matched[i])
        cand = {e: c / len(idx) for e, c in per.items() if E.is_strong(e) or e in custom}
        if E.PHONE_NUMBER.name in cand and _phone_formatted_share([strings[i] for i in idx]) < 0.5:
            cand.pop(E.PHONE_NUMBER.name)
        if prof.date_storage is not None and not prof.date_storage.needs_name:
            for e in (E.PHONE_NUMBER.name, E.US_SSN.name, E.NL_BSN.name, E.UK_NHS.name, E.DE_TAX_ID.name):
                cand.pop(e, None)
        ok = {e: c for e, c in cand.items() if c >= min_cov and e not in _NOT_PERSONAL_IDS}
        if ok:
            best = max(ok, key=lambda e: (E.specificity(e), ok[e]))
            c_core = ok[best]
            rows = sum(best in matched[i] for i in range(len(matched))) / len(matched)
            ev["placeholders"] = pe | {"core_coverage": round(c_core, 3)}
            return (best, 0.5 + 0.5 * c_core, rows, f"{rows:.0%} of sampled values match {best} ({c_core:.0%} of the "
                    f"values that are not placeholders; {lead})", "precise")
    # person names
    core = ph.core
    cs = C.char_stats(core)
    if cs.get("alpha_share", 0) < 0.7 or cs.get("mean_words", 0) > 6:
        return None
    head = core[:C.NER_SAMPLE]
    if sum(V.is_job(s) for s in head) >= 0.6 * len(head):
        return None
    flags: list = []
    gz = C.gazetteer_evidence(core, flags)
    first, last, full = gz.get("first_name", 0.0), gz.get("last_name", 0.0), gz.get("full_name", 0.0)
    place = sum(V.is_place(s) for s in head) / len(head)
    ent, share, how = None, 0.0, ""
    if full >= 0.5:
        ent, share, how = E.PERSON.name, full, "known person names"
    elif place >= 0.5:
        return None  # places behind "n/a" (Faker's French towns are surnames + "-sur-Mer"): the value rules decide
    elif max(first, last) >= 0.5:
        ent = E.FIRST_NAME.name if first > last else E.LAST_NAME.name
        share, how = max(first, last), f"known {ent.lower().replace('_', ' ')}s"
    else:
        labels: list = []
        votes = C.ner_evidence(head, labels, getattr(getattr(policy, "scan", None), "model", None))
        m = max(1, sum(votes.values()))
        per = sum(f == "name" or lab in E.PERSON.spacy_labels for f, lab in zip(flags, labels)) / m
        loc = sum(f == "place" or lab in E.LOCATION.spacy_labels for f, lab in zip(flags, labels)) / m
        if per >= 0.5 and per >= loc:
            ent, share, how = E.PERSON.name, per, "person names (gazetteer or NER)"
            if cs.get("mean_words", 0) <= 1.2:
                ent = E.LAST_NAME.name if last >= first else E.FIRST_NAME.name
    if ent is None:
        return None
    rows = len(core) / n  # the rows that are not placeholders: the gazetteer and NER miss some real names
    ev["placeholders"] = pe | {"core_name_share": round(share, 3)}
    return (ent, 0.5 + 0.4 * share, rows, f"{rows:.0%} of sampled values are not placeholders and {share:.0%} of those "
            f"are {how} ({lead})", "weak")


def _int_digits(sample: pd.Series, kind: str, num) -> Optional[list[str]]:
    """The decimal digits of a numeric column's non-negative whole values (int, or float holding only whole numbers:
    a column with blanks), or None for other columns. Only for the rules in privsynth.detect.values; never evidence."""
    if kind not in ("int", "float") or num is None or num.integer_share < 1.0 or num.negative_share > 0 or num.decimals_max > 0:
        return None
    x = pd.to_numeric(sample, errors="coerce").dropna()
    if x.empty or (x.abs() >= 1e15).any():
        return None
    return [str(int(v)) for v in x.tolist()]


def _dob_like(dates: pd.Series) -> bool:
    """Dates that read as birth dates: 90% at least 14 years ago and spread over 20+ years."""
    d = pd.to_datetime(dates, errors="coerce").dropna()
    if len(d) < 3:
        return False
    cutoff = pd.Timestamp(_dt.date.today()) - pd.DateOffset(years=14)
    years = d.dt.year
    return bool((d <= cutoff).mean() >= 0.9 and years.max() - years.min() >= 20)


def identifier_types_inside() -> set[str]:
    """Entity types whose match inside a multi-word value makes the column free text: the precise (strong) direct
    identifiers, less URL and UUID."""
    from privsynth.entities import REGISTRY

    return {et.name for et in REGISTRY if E.is_strong(et.name) and E.category_of(et.name) == "direct_identifier"
            and et.name not in _NOT_PERSONAL_IDS}


def identifiers_inside(evidence: dict) -> dict[str, float]:
    """Entity type -> share of the probe values with that identifier inside, from a column's scan evidence
    (`partial_matches_in_probe`, `probe_values`, `stats`), for multi-word columns only; only shares of at least
    INSIDE_TEXT_MIN_SHARE are returned. The transform uses it not to keep such a column verbatim."""
    partial = evidence.get("partial_matches_in_probe") or {}
    probe_n = evidence.get("probe_values") or 0
    if not partial or not probe_n or not _multiword(evidence.get("stats") or {}):
        return {}
    ids = identifier_types_inside()
    return {e: round(c / probe_n, 3) for e, c in sorted(partial.items(), key=lambda kv: -kv[1])
            if e in ids and c / probe_n >= INSIDE_TEXT_MIN_SHARE}


def _multiword(cs: dict) -> bool:
    return cs.get("multiword_share", 0) >= INSIDE_TEXT_MULTIWORD_SHARE and cs.get("mean_words", 0) >= INSIDE_TEXT_MIN_WORDS


def _text_decision(strings, policy, prof: ValueProfile, ev: dict, hint, reason: str, Decision, conf: float,
                   hint_note: str = ""):
    """Scan TEXT_SAMPLE cells with the text detector and decide the column free_text (spans in the evidence)."""
    C = _cols()
    from privsynth.detect.text import analyze_texts

    sub = [t[:C.TEXT_CHARS] for t in strings[:C.TEXT_SAMPLE]]
    spans = analyze_texts(sub, policy)
    counts = Counter(sp.entity_type for doc in spans for sp in doc)
    with_pii = sum(bool(doc) for doc in spans)
    ev["text_spans"] = dict(counts.most_common())
    ev["text_cells_scanned"] = len(sub)
    ev["text_cells_with_pii"] = with_pii
    top = counts.most_common(1)[0][0] if counts else None
    if hint:
        ev["name_hint"]["used"] = "not needed: " + (hint_note or reason)
    return Decision(top, "free_text", round(conf, 3), round(with_pii / max(1, len(sub)), 3), reason, ev), spans


def decide(name: str, sample: pd.Series, stats, policy, recognizers: list):
    """Decide one column (see the module docstring). Returns privsynth.detect.columns.Decision."""
    C = _cols()
    from privsynth.detect.header_hints import name_hint, normalise

    Decision = C.Decision
    category_of = _category_of
    kind = stats.kind
    strings = C.to_strings(sample, kind)
    n = len(strings)
    ev: dict[str, Any] = {
        "sampled": n,
        "stats": {"rows": stats.rows, "non_null": stats.non_null, "null_share": round(stats.null_share, 4),
                  "distinct": stats.distinct, "uniqueness": round(stats.uniqueness, 4), "kind": kind, **C.char_stats(strings)},
    }
    hint = name_hint(name)
    if hint:
        ev["name_hint"] = {"entity": hint[0], "phrase": hint[1], "exact": hint[2]}
    hint_ent = hint[0] if hint else None
    min_cov = policy.scan.min_coverage if policy is not None else 0.5

    def done(ent, conf, coverage, reason, strength, cat=None):
        d = Decision(ent, cat or category_of(ent), round(float(min(conf, 1.0)), 3), round(float(coverage), 3), reason, ev)
        return _apply_hint(d, strength, hint, hint_ent, strings, sample, kind, stats, prof, ev, cov)

    if n == 0:
        if hint_ent and hint_ent != E.RECORD_ID.name:
            ev["name_hint"]["used"] = "the column is empty: only its name tells"
            return Decision(hint_ent, category_of(hint_ent), 0.4, 0.0, "column is empty; decided from its name", ev)
        return Decision(None, "non_personal", 1.0, 0.0, "column is empty" + ("" if not hint_ent else
                        f"; its name suggests {hint_ent} but an empty column identifies no one"), ev)

    cs = ev["stats"]
    if kind == "bool" or (kind == "string" and stats.distinct <= 2 and {normalise(s) for s in strings} <= vocab.YES_NO):
        if hint_ent and category_of(hint_ent) != "direct_identifier":
            if hint:
                ev["name_hint"]["used"] = "yes/no values: the name gives their meaning"
            return Decision(hint_ent, category_of(hint_ent), 0.6, 1.0, "yes/no values; meaning from the column name", ev)
        return Decision(None, "non_personal", 0.7, 0.0, "yes/no values", ev)

    prof: ValueProfile = profile_values(strings, sample, kind, stats.uniqueness)
    ev["profile"] = prof.evidence()
    if stats.distinct == 1 and stats.non_null > 1:
        ev["constant"] = True

    # --- precise recognizers (validators / formats) over every sampled value
    damaged = C.damaged_card_count(sample, kind)
    fixed_small_ints = kind in ("int", "float") and prof.numeric is not None and prof.numeric.integer_share == 1.0 \
        and max(len(s.lstrip("-")) for s in strings) <= 5
    # no precise recognizer matches 1-5 digit integers, numbers with decimals (amounts, measures) or dates in a
    # recognised storage: skip them (wide tables, scan speed)
    no_pattern = fixed_small_ints or (prof.numeric is not None and prof.numeric.integer_share < 1.0) \
        or (prof.date_storage is not None and not prof.date_storage.needs_name)
    matched: list[set] = []  # per evaluated value: the entity types that fully matched it
    if no_pattern:
        full, by_rec, partial, n_eval = Counter(), Counter(), Counter(), n
    else:
        full, by_rec, partial, n_eval = C.pattern_evidence(strings, recognizers, per_value=matched)
    ev["pattern_values_evaluated"] = n_eval
    if damaged:
        full[E.CREDIT_CARD_DAMAGED.name] += round(damaged * n_eval / n)
        by_rec[f"ScientificNotationNumber:{E.CREDIT_CARD_DAMAGED.name}"] += round(damaged * n_eval / n)
    if by_rec:
        ev["recognizers"] = dict(by_rec.most_common())
    if partial:
        ev["partial_matches_in_probe"] = dict(partial.most_common())
        ev["probe_values"] = min(n, C.PROBE)
    cov = {e: min(1.0, c / max(1, n_eval)) for e, c in full.items()}
    if cov:
        ev["coverage_by_entity"] = {e: round(c, 3) for e, c in sorted(cov.items(), key=lambda kv: -kv[1])}

    # --- free text (any language): sentences, scanned span by span with their language
    if kind == "string" and prof.text_share >= 0.5 and cs.get("mean_words", 0) >= 4:
        # the text detector identifies each cell's language itself; the column's language is in the evidence
        return _text_decision(strings, policy, prof, ev, hint, "cells are sentences" + (f" ({prof.language})" if prof.language else "")
                              + "; spans detected inside them", Decision, min(1.0, 0.6 + 0.4 * prof.text_share),
                              "the cells are sentences")[0]

    custom_cat = {r.entity_type: r.category for r in policy.scan.recognizers} if policy is not None else {}
    custom = set(custom_cat)
    strong = {e: c for e, c in cov.items() if E.is_strong(e) or e in custom}
    if E.CREDIT_CARD.name in strong and E.CREDIT_CARD_DAMAGED.name in strong:
        strong[E.CREDIT_CARD_DAMAGED.name] = min(1.0, strong[E.CREDIT_CARD_DAMAGED.name] + strong[E.CREDIT_CARD.name])
    # bare fixed-width digit strings match phone patterns but are as likely account numbers or codes
    if E.PHONE_NUMBER.name in strong and prof.numeric is not None and (prof.numeric.integer_share < 1.0 or prof.numeric.decimals_max > 0):
        ev["phone_digits_are_amounts"] = True  # 32803.39 or 7.590,29 fit loose phone patterns
        strong.pop(E.PHONE_NUMBER.name)
    if E.PHONE_NUMBER.name in strong and _phone_formatted_share(strings) < 0.5:
        ev["phone_digits_unformatted"] = True
        strong.pop(E.PHONE_NUMBER.name)
    # short phone-shaped values shared by 20+ rows each are codes (a census PUMA "25-00100"), not people's numbers
    if E.PHONE_NUMBER.name in strong and stats.non_null >= PHONE_CODE_MIN_ROWS and stats.uniqueness <= PHONE_CODE_MAX_UNIQUENESS \
            and max(sum(ch.isdigit() for ch in s) for s in strings) <= 8:
        ev["phone_shaped_codes"] = f"{stats.distinct} distinct values over {stats.non_null} rows, at most 8 digits: codes"
        strong.pop(E.PHONE_NUMBER.name)
    # a date in a recognised storage is not a phone number or an ID (20250101, 1700000000)
    if prof.date_storage is not None and not prof.date_storage.needs_name:
        for e in (E.PHONE_NUMBER.name, E.US_SSN.name, E.NL_BSN.name, E.UK_NHS.name, E.DE_TAX_ID.name):
            strong.pop(e, None)
    if strong:
        spec = lambda e: 20 if e in custom else E.specificity(e)  # noqa: E731
        best = max(strong, key=lambda e: (strong[e] >= min_cov, spec(e) if strong[e] >= min_cov else 0, strong[e]))
        c = strong[best]
        agrees = hint_ent is not None and (hint_ent == best or (hint_ent == E.NATIONAL_ID.name and E.is_national_id(best))
                                           or (hint_ent == E.CREDIT_CARD.name and best == E.CREDIT_CARD_DAMAGED.name))
        if c >= min_cov or (agrees and c >= 0.2):
            ent = best
            cat = custom_cat.get(ent) or category_of(ent)
            return done(ent, 0.5 + 0.5 * c, c, f"{c:.0%} of sampled values match {best}", "precise", cat)
    pooled = _pooled_identifiers(strings, matched, strong, cov, ev)
    if pooled is not None and pooled[1] >= min_cov:
        ent, c, parts = pooled
        ev["pooled_identifier_coverage"] = {"share": round(c, 3), "types": parts}
        listed = ", ".join(f"{e} {v:.0%}" for e, v in parts.items())
        return done(ent, 0.5 + 0.4 * c, c, f"{c:.0%} of sampled values match a precise identifier of one of several "
                    f"types ({listed})", "precise", custom_cat.get(ent) or E.DIRECT)

    # --- the core behind repeated placeholders ("keine Angabe", "-", "n/a", "unknown" in most rows, real names or
    # e-mails in the others; trial finding F-C3): judged on the values that are not placeholders
    if prof.placeholders is not None:
        core = _core_decision(prof.placeholders, strings, matched, strong, custom, prof, policy, ev, min_cov)
        if core is not None:
            ent, conf, coverage, reason, strength = core
            return done(ent, conf, coverage, reason, strength, custom_cat.get(ent))

    # --- identifiers inside multi-word values that are too short to read as sentences (see INSIDE_TEXT_MIN_SHARE)
    if kind == "string" and partial and _multiword(cs):
        probe_n = max(1, min(n, C.PROBE))
        ids = identifier_types_inside()  # once, not once per entity type (it walks the whole registry)
        inside = {e: c / probe_n for e, c in partial.items() if e in ids and c > full.get(e, 0) * probe_n / max(1, n_eval)}
        if inside and max(inside.values()) >= INSIDE_TEXT_MIN_SHARE:
            ev["identifiers_inside_text"] = {e: round(v, 3) for e, v in sorted(inside.items(), key=lambda kv: -kv[1])}
            top_e = max(inside, key=inside.get)
            return _text_decision(strings, policy, prof, ev, hint, f"multi-word values with {top_e} inside {inside[top_e]:.0%} of "
                                  "probe values: identifiers inside text", Decision, 0.5 + 0.4 * min(1.0, inside[top_e]))[0]

    num = prof.numeric
    sh = prof.shares
    # --- dates in any storage (YYYYMMDD, Excel serial, epoch, text)
    from privsynth.dates import date_storage, to_datetimes

    storage = prof.date_storage
    if (storage is None or storage.needs_name) and hint_ent in _DATE_HINTS and kind in ("int", "float", "string"):
        storage = date_storage(sample if kind != "string" else pd.Series(strings), named_as_date=True)
    if storage is not None and (not storage.needs_name or hint_ent in _DATE_HINTS):
        ev["date_storage"] = {"kind": storage.kind, "format": storage.fmt, "share": float(storage.share)}
        src = sample if kind != "string" else pd.Series(strings)
        dob = _dob_like(to_datetimes(src, storage))
        ent = E.DATE_OF_BIRTH.name if dob else E.DATE_TIME.name
        why = f"values are dates ({storage.kind}{', ' + storage.fmt if storage.fmt else ''})"
        if dob:
            why += " spread like birth dates"
        return done(ent, 0.5 + 0.4 * storage.share, storage.share, why, "weak" if storage.needs_name else "precise")

    if kind == "string" and sh.get("calling_code", 0) >= 0.8:
        return done(E.LOCATION.name, 0.7, sh["calling_code"], f"{sh['calling_code']:.0%} of values are country calling codes", "precise")
    # --- numbers: money, ages, postcodes, identifiers or measures
    if num is not None:
        if sh.get("money", 0) >= 0.8 or (num.from_text and num.decimals_2_share >= 0.8):
            return done(E.FINANCIAL.name, 0.7, sh.get("money", num.decimals_2_share), "amounts of money written in a currency format", "precise")
        near_unique = stats.uniqueness >= 0.95 and (stats.non_null >= 20 or stats.distinct == stats.non_null)
        id_support = []
        if num.integer_share == 1.0 and num.fixed_width is not None and num.fixed_width >= 6:
            id_support.append(f"fixed width of {num.fixed_width} digits")
        # record numbers: consecutive in the sample, or (sampled from a long table) as many distinct values as the range holds
        dense = num.integer_share == 1.0 and stats.distinct >= 3 and num.spread + 1 <= 1.1 * stats.distinct
        if (num.sequential or dense) and stats.non_null >= 3:
            id_support.append("sequential values")
        if near_unique and id_support:
            ev["identifier_support"] = id_support
            return done(E.RECORD_ID.name, 0.5 + stats.uniqueness / 2, stats.uniqueness,
                        f"near-unique key ({stats.uniqueness:.1%} distinct; {', '.join(id_support)})", "weak")
        # integers that lost their leading zeros (trial findings F-C1/F-C2): a fixed-width code (90% of the values at the
        # full width, 9% one digit shorter) or phone numbers without their trunk 0
        int_digits = _int_digits(sample, kind, num) if near_unique else None
        if int_digits:
            zs = V.zero_stripped_width(int_digits)
            if zs is not None:
                ev["identifier_support"] = [f"fixed width of {zs['width']} digits with leading zeros lost"]
                ev["zero_stripped_width"] = zs
                return done(E.RECORD_ID.name, 0.5 + stats.uniqueness / 2, stats.uniqueness,
                            f"near-unique key ({stats.uniqueness:.1%} distinct; fixed width of {zs['width']} digits with "
                            f"leading zeros lost: {zs['full_width_share']:.0%} at full width)", "weak")
            ph = V.phone_digits_share(int_digits)
            if ph is not None and ph[1] >= V.PHONE_INT_MIN_VALID:
                ev["phone_digits_as_integers"] = {"region": ph[0], "valid_share": round(ph[1], 3)}
                return done(E.PHONE_NUMBER.name, 0.5 + 0.4 * ph[1], ph[1],
                            f"{ph[1]:.0%} of sampled values are valid {ph[0]} phone numbers once the trunk 0 (or the +) "
                            "lost in an integer column is put back", "precise")
        # 4/5-digit codes; read as integers, five-digit postcodes lose their leading zero (06005 -> 6005)
        lost_zero = kind == "int" and num.fixed_width is None and num.median >= 10000
        if num.integer_share == 1.0 and (num.fixed_width in (4, 5) or lost_zero) and sh.get("postcode_digits", 0) >= 0.95 \
                and (kind == "string" or stats.distinct >= 5) and num.negative_share == 0 and not num.sequential:
            return done(E.POSTCODE.name, 0.55, sh["postcode_digits"], "4/5-digit codes shaped like postcodes", "weak")
        if num.in_age_range:
            return done(E.AGE.name, 0.55, 1.0, "whole numbers 0-120 distributed like ages", "weak")
        if not num.from_text and num.integer_share < 1.0 and num.decimals_2_share >= 0.5 and num.decimals_max <= 2 \
                and num.negative_share == 0 and num.median >= 10:
            return done(E.FINANCIAL.name, 0.5, num.decimals_2_share, "non-negative amounts with two decimals (money-like)", "weak")
        if near_unique:
            ev["identifier_support"] = []
            reason = f"a measure: near-unique ({stats.uniqueness:.1%} distinct) but no identifier support (no fixed width, sequence or prefix)"
            return done(None, 0.6, 0.0, reason, "none", "non_personal")
        return done(None, 0.6, 0.0, "numbers with no personal-data evidence", "none", "non_personal")

    if kind == "string":
        # --- value recognizers
        if sh.get("calling_code", 0) >= 0.8:
            return done(E.LOCATION.name, 0.7, sh["calling_code"], f"{sh['calling_code']:.0%} of values are country calling codes", "precise")
        if sh.get("postcode_strong", 0) >= 0.6:
            return done(E.POSTCODE.name, 0.5 + 0.4 * sh["postcode_strong"], sh["postcode_strong"],
                        f"{sh['postcode_strong']:.0%} of values are postcodes in a national format", "precise")
        voc = C.vocab_evidence(strings)
        if voc:
            ev["vocabulary"] = voc
            best_v = max(voc, key=voc.get)
            if voc[best_v] >= 0.6 and not (best_v == E.TITLE.name and voc[best_v] < 0.9):
                return done(best_v, 0.5 + 0.4 * voc[best_v], voc[best_v], f"{voc[best_v]:.0%} of sampled values are {best_v.lower()} terms", "weak")
        if sh.get("street", 0) >= 0.5:
            return done(E.STREET_ADDRESS.name, 0.5 + 0.4 * sh["street"], sh["street"], f"{sh['street']:.0%} of values are street addresses", "precise")
        if sh.get("diagnosis", 0) >= 0.6:
            return done(E.HEALTH.name, 0.5 + 0.4 * sh["diagnosis"], sh["diagnosis"],
                        f"{sh['diagnosis']:.0%} of values are diagnoses (ICD-10 codes or medical terms)", "weak")
        alpha_like = cs.get("alpha_share", 0) >= 0.7 and cs.get("mean_words", 0) <= 6
        if alpha_like:
            flags: list = []
            gz = C.gazetteer_evidence(strings, flags)
            ev["gazetteer"] = gz
            place, job = sh.get("place", 0.0), sh.get("job", 0.0)
            first, last, full = gz.get("first_name", 0.0), gz.get("last_name", 0.0), gz.get("full_name", 0.0)
            # a person-name column has many different names; two to a handful of repeated words are categories
            varied = prof.distinct_in_sample >= min(10, max(3, 0.3 * n))
            if not varied:
                first = last = full = 0.0
                ev["gazetteer_ignored"] = "too few distinct values for names"
            if full >= 0.5:
                return done(E.PERSON.name, 0.5 + 0.4 * full, full, f"{full:.0%} of sampled values are known person names", "weak")
            if job >= 0.6 and job >= place:
                return done(E.OCCUPATION.name, 0.5 + 0.4 * job, job, f"{job:.0%} of values are job titles", "weak")
            if place >= 0.6 and place >= max(first, last) + 0.15:
                return done(E.CITY.name, 0.5 + 0.4 * place, place, f"{place:.0%} of values are known places", "weak")
            if max(first, last) >= 0.5:
                ent = E.FIRST_NAME.name if first > last else E.LAST_NAME.name
                if cs.get("max_length", 0) <= 2:
                    ent = E.NAME_INITIAL.name
                s = max(first, last)
                return done(ent, 0.5 + 0.4 * s, s, f"{s:.0%} of sampled values are known {ent.lower().replace('_', ' ')}s", "weak")
            if place >= 0.5:
                return done(E.CITY.name, 0.5 + 0.4 * place, place, f"{place:.0%} of values are known places", "weak")
            labels: list = []
            votes = C.ner_evidence(strings[:C.NER_SAMPLE], labels, getattr(getattr(policy, "scan", None), "model", None))
            m = sum(votes.values())
            ev["ner"] = dict(votes.most_common())
            per = sum(f == "name" or lab in E.PERSON.spacy_labels for f, lab in zip(flags, labels)) / m
            loc = sum(f == "place" or lab in E.LOCATION.spacy_labels for f, lab in zip(flags, labels)) / m
            ev["name_like_share"], ev["place_like_share"] = round(per, 3), round(loc, 3)
            if per >= 0.5 and per >= loc and varied:
                ent = E.PERSON.name
                if cs.get("mean_words", 0) <= 1.2:
                    ent = E.LAST_NAME.name if last >= first else E.FIRST_NAME.name
                return done(ent, 0.5 + 0.4 * per, per, f"{per:.0%} of sampled values are person names (gazetteer or NER)", "weak")
            if loc >= 0.5:
                return done(E.LOCATION.name, 0.5 + 0.4 * loc, loc, f"{loc:.0%} of sampled values are places (gazetteer or NER)", "weak")
        # --- keys: near-unique, no spaces, one shape or a letter prefix
        near_unique = stats.uniqueness >= 0.95 and (stats.non_null >= 20 or (stats.distinct == stats.non_null and stats.non_null >= 2))
        key_like = cs.get("no_space_share", 0) >= 0.9 and cs.get("mean_length", 0) >= 1
        if near_unique and key_like:
            return done(E.RECORD_ID.name, 0.5 + stats.uniqueness / 2, stats.uniqueness, f"near-unique key ({stats.uniqueness:.1%} distinct)", "weak")
    elif kind == "datetime":
        return done(E.DATE_TIME.name, 0.8, 1.0, "datetime values", "precise")

    weak = {e: c for e, c in cov.items() if not E.is_strong(e) and e in (E.DATE_TIME.name,)}
    if weak:
        e = max(weak, key=weak.get)
        if weak[e] >= 0.8:
            return done(e, 0.4 + 0.4 * weak[e], weak[e], f"{weak[e]:.0%} of sampled values match {e}", "weak")
    if kind == "string" and _multiword(cs):
        # last look before non_personal: person names or identifiers inside short multi-word values ("Hablé con <name> ayer.")
        d, spans = _text_decision(strings, policy, prof, ev, hint, "multi-word values with person names or identifiers "
                                  "inside them", Decision, 0.6)
        people = identifier_types_inside() | {E.PERSON.name, E.FIRST_NAME.name, E.LAST_NAME.name}
        share = sum(any(sp.entity_type in people for sp in doc) for doc in spans) / max(1, len(spans))
        if share >= INSIDE_TEXT_MIN_CELLS:
            return d
        for k in ("text_spans", "text_cells_scanned", "text_cells_with_pii"):
            ev.pop(k, None)
        ev["text_people_share"] = round(share, 3)
        if hint and "used" in ev.get("name_hint", {}):
            ev["name_hint"].pop("used")
    return done(None, 0.6, 0.0, "no personal-data evidence in the values", "none", "non_personal")


def _hint_check(ent: str, strings, sample, kind, stats, prof: ValueProfile, cov: Optional[dict] = None) -> tuple[bool, str]:
    """Is the name's hint plausible for these values? (False, why) when the values contradict it."""
    C = _cols()
    num = prof.numeric
    if cov is not None and E.is_strong(ent) and cov.get(ent, 0.0) < 0.2:
        # a format entity (card, IBAN, e-mail, phone...) whose precise recognizer matched (almost) no value
        return False, f"named like {ent} but values do not have its format"
    if ent == E.RECORD_ID.name:
        if stats.uniqueness >= 0.9 and (stats.non_null >= 10 or stats.distinct == stats.non_null):
            return True, "values are distinct"
        return False, f"named like an identifier but only {stats.uniqueness:.0%} of values are distinct"
    if ent == E.AGE.name:
        rng = C.numeric_range(sample, kind)
        if rng is None or rng[0] < 0 or rng[1] > 130:
            return False, "values are not ages (0-130)"
        return True, ""
    if ent in _DATE_HINTS:
        return False, "named like a date but values are not dates in any storage"  # dates were checked before
    if ent in (E.FIRST_NAME.name, E.LAST_NAME.name, E.PERSON.name) and (kind in ("int", "float") or num is not None):
        return False, "numeric values for a name column"
    if ent in (E.EMAIL_ADDRESS.name, E.IBAN_CODE.name, E.IP_ADDRESS.name, E.MAC_ADDRESS.name, E.URL.name, E.PHONE_NUMBER.name, E.CREDIT_CARD.name) \
            and (kind in ("int", "float") and (num is None or (num.fixed_width or 0) < 6)):
        return False, "numeric values too short for this identifier"
    if ent in (E.EMAIL_ADDRESS.name, E.IBAN_CODE.name, E.IP_ADDRESS.name, E.MAC_ADDRESS.name, E.URL.name):
        return False, "values do not have the format"  # their precise recognizers ran and did not decide
    if ent == E.CITY.name and num is not None:
        return False, "numbers are not place names"
    return True, ""


def _apply_hint(d, strength: str, hint, hint_ent, strings, sample, kind, stats, prof, ev, cov=None):
    """Let the name add to, sharpen or break a tie with the value decision (see module docstring)."""
    if not hint:
        return d
    cat_of = _category_of
    h = ev["name_hint"]
    if d.entity == hint_ent or (hint_ent == E.NATIONAL_ID.name and E.is_national_id(d.entity)) \
            or (hint_ent == E.CREDIT_CARD.name and d.entity == E.CREDIT_CARD_DAMAGED.name):
        h["used"] = "agrees with the values"
        d.confidence = round(min(1.0, d.confidence + 0.1), 3)
        return d
    # sharpen within a family: values say a date, the name says birth date; values LOCATION, name CITY/POSTCODE;
    # values FINANCIAL, name INCOME; values RECORD_ID, name USERNAME/...; values NATIONAL_ID-generic
    sharpen = {
        (E.DATE_TIME.name, E.DATE_OF_BIRTH.name), (E.LOCATION.name, E.CITY.name), (E.LOCATION.name, E.NATIONALITY.name), (E.CITY.name, E.LOCATION.name),
        (E.FINANCIAL.name, E.INCOME.name), (E.FINANCIAL.name, E.EMPLOYMENT.name), (E.RECORD_ID.name, E.USERNAME.name), (E.RECORD_ID.name, E.PASSWORD.name),
        (E.RECORD_ID.name, E.NATIONAL_ID.name), (E.RECORD_ID.name, E.IMEI.name), (E.RECORD_ID.name, E.CREDIT_CARD.name), (E.RECORD_ID.name, E.IBAN_CODE.name),
        (E.PERSON.name, E.FIRST_NAME.name), (E.PERSON.name, E.LAST_NAME.name), (E.LAST_NAME.name, E.FIRST_NAME.name), (E.FIRST_NAME.name, E.LAST_NAME.name),
        (E.LAST_NAME.name, E.PERSON.name), (E.FIRST_NAME.name, E.PERSON.name), (E.AGE.name, E.AGE.name), (E.DATE_OF_BIRTH.name, E.DATE_TIME.name),
    }
    if d.entity is not None and (d.entity, hint_ent) in sharpen:
        ok, why = _hint_check(hint_ent, strings, sample, kind, stats, prof) if hint_ent not in _DATE_HINTS else (True, "")
        if ok:
            h["used"] = f"sharpens the value decision {d.entity}"
            ev["value_decision"] = {"entity_type": d.entity, "category": d.category, "reason": d.reason}
            d.entity, d.category = hint_ent, cat_of(hint_ent)
            d.reason = f"{d.reason}; the name {hint[1]!r} sharpens it to {hint_ent}"
            d.confidence = round(min(1.0, d.confidence + 0.1), 3)
            return d
    if strength == "precise":
        h["rejected"] = f"values say {d.entity} (precise evidence); a name does not overrule it"
        return d
    ok, why = _hint_check(hint_ent, strings, sample, kind, stats, prof, cov)
    if not ok:
        h["rejected"] = why
        return d
    hcat = cat_of(hint_ent)
    # a weak value decision: the plausible name wins, but never erases a direct identifier into something weaker
    # unless the value evidence was only a key shape (near-unique strings) and the name says what they are
    if d.category == "direct_identifier" and _RANK[hcat] < _RANK["direct_identifier"] and d.entity != E.RECORD_ID.name \
            and d.entity not in (E.FIRST_NAME.name, E.LAST_NAME.name, E.PERSON.name):
        h["rejected"] = f"values say {d.entity}, a direct identifier; a name does not lower it"
        return d
    if d.entity == E.RECORD_ID.name and _RANK[hcat] < _RANK["direct_identifier"]:
        if d.evidence.get("identifier_support"):
            h["rejected"] = "values are a key (" + ", ".join(d.evidence["identifier_support"]) + ")"
            return d
        if hint_ent in (E.DATE_TIME.name, E.DATE_OF_BIRTH.name, E.POSTCODE.name, E.OCCUPATION.name, E.LOCATION.name, E.CITY.name, E.EMPLOYER.name, E.HEALTH.name,
                        E.FINANCIAL.name, E.INCOME.name, E.ASSESSMENT.name, E.EDUCATION.name, E.TITLE.name, E.NATIONALITY.name):
            pass  # near-unique strings named as an attribute: the name says what they are
        else:
            h["rejected"] = "values are a near-unique key"
            return d
    h["used"] = "the values were not conclusive" if d.entity is None else f"replaces the weaker value decision {d.entity}"
    if d.entity is not None:
        ev["value_decision"] = {"entity_type": d.entity, "category": d.category, "reason": d.reason}
    ent = hint_ent
    if ent in (E.FIRST_NAME.name, E.LAST_NAME.name, E.PERSON.name) and ev["stats"].get("max_length", 0) <= 2:
        ent = E.NAME_INITIAL.name
    cov_h = 0.0
    d.entity, d.category = ent, cat_of(ent)
    d.confidence = round(min(0.95, (0.75 if hint[2] else 0.6) + 0.2 * cov_h), 3)
    d.reason = f"column name matches {hint[1]!r}" + (f"; values: {ev['value_decision']['reason']}" if "value_decision" in ev else "")
    return d


def coded_values(sample: pd.Series, stats) -> Optional[dict]:
    """Evidence that a column holds codes (categories written as small integers, short labels or yes/no), or None.

    Codes: 2 to CODED_MAX_DISTINCT distinct values over the whole column, each seen CODED_MIN_REPEAT times or more on
    average, and either integers (no decimals; |v| < 10,000), booleans, or short labels (at most 40 characters and 4
    words). Numbers with decimals are measures, never codes. Shares and counts only (no value)."""
    C = _cols()
    kind = stats.kind
    if stats.non_null < 10 or not (2 <= stats.distinct <= CODED_MAX_DISTINCT) or stats.non_null / stats.distinct < CODED_MIN_REPEAT:
        return None
    if kind == "bool":
        return {"distinct": stats.distinct, "kind": "yes/no"}
    strings = C.to_strings(sample, kind)
    if not strings:
        return None
    if kind in ("int", "float"):
        x = pd.to_numeric(pd.Series(strings), errors="coerce").dropna()
        if len(x) < len(strings) or (x % 1 != 0).any() or (x.abs() >= 10_000).any():
            return None
        return {"distinct": stats.distinct, "kind": "integer codes"}
    if kind == "string" and max(len(s) for s in strings) <= 40 and max(len(s.split()) for s in strings) <= 4:
        return {"distinct": stats.distinct, "kind": "short labels"}
    return None


def table_context(decisions: dict, samples: dict, stats: dict) -> list[str]:
    """Table-level pass over the column decisions (name -> Decision), in place; returns the names it changed.

    Coded microdata: when at least CODED_TABLE_MIN columns and CODED_TABLE_SHARE of the table are codes
    (coded_values) that neither their values nor their name give a meaning (decided non_personal, no name hint used),
    and another column says the rows are people (any personal category), each such coded column becomes a
    quasi_identifier: in a census or survey file every coded attribute (sex, marital status, race, household,
    education, region codes) is a candidate key variable in statistical disclosure control (Hundepool et al.,
    Statistical Disclosure Control, 2012, 3.3), and the scan cannot tell which ones are safe without the codebook.
    In such a table the remaining numeric measures with no meaning from values or name become `sensitive`
    (attributes of the person: income, scores, ratios; a survey weight is the one common exception, and is
    reported sensitive too: the scan cannot tell it from an income). Outside coded tables nothing changes.
    The column's evidence keeps the value decision and says why it changed."""
    coded = {}
    for name, d in decisions.items():
        hint = d.evidence.get("name_hint") or {}
        if d.category != "non_personal" or d.entity is not None or ("used" in hint):
            continue
        cv = coded_values(samples[name], stats[name])
        if cv is not None:
            coded[name] = cv
    people = [n for n, d in decisions.items() if n not in coded and d.category != "non_personal"]
    if len(coded) < CODED_TABLE_MIN or len(coded) < CODED_TABLE_SHARE * len(decisions) or not people:
        return []
    changed = list(coded)
    # measures of the same records (numbers that are neither codes nor keys, no meaning from their name): attributes of
    # the person the scan cannot read (income, a score, a ratio), so not provably non-personal: sensitive
    for name, d in decisions.items():
        hint = d.evidence.get("name_hint") or {}
        if name in coded or d.category != "non_personal" or d.entity is not None or "used" in hint \
                or stats[name].kind not in ("int", "float") or stats[name].distinct < 2:
            continue
        d.evidence["value_decision"] = {"entity_type": None, "category": d.category, "reason": d.reason}
        d.evidence["measure_in_coded_table"] = {"coded_columns_in_table": len(coded), "columns_in_table": len(decisions)}
        d.category = "sensitive"
        d.confidence = 0.4
        d.reason = (f"a measure in a table of coded records about people ({len(coded)} of {len(decisions)} columns are codes): "
                    f"an attribute of the person whose meaning the scan cannot read (e.g. income), so possibly sensitive")
        changed.append(name)
    for name, cv in coded.items():
        d = decisions[name]
        d.evidence["coded"] = cv | {"coded_columns_in_table": len(coded), "columns_in_table": len(decisions)}
        d.evidence["value_decision"] = {"entity_type": None, "category": d.category, "reason": d.reason}
        d.category = "quasi_identifier"
        d.confidence = 0.5
        d.reason = (f"coded attribute ({cv['kind']}, {cv['distinct']} distinct values) in a table of coded records about people "
                    f"({len(coded)} of {len(decisions)} columns are codes): a possible quasi-identifier, its meaning is in a codebook "
                    f"the scan does not have")
    return changed
