"""Language of each document: py3langid (a maintained fork of langid.py, BSD; its naive-Bayes
model ships inside the wheel, nothing is downloaded), restricted to the languages privsynth has
rules for. Short or ambiguous texts fall back to the default language.
"""

from __future__ import annotations

import threading
from typing import Optional

SUPPORTED = ("en", "de", "fr", "es", "nl", "it")
DEFAULT_LANGUAGE = "en"
MIN_PROBABILITY = 0.6   # below this (normalised over SUPPORTED) the default language is used
MIN_LETTERS = 12        # fewer letters than this: too little to tell

_lock = threading.Lock()
_identifier = None
_any_identifier = None
_model = None


def _model_arrays():
    """py3langid's shipped model, read once per process (an LZMA-compressed npz: ~0.7 CPU s) and shared
    by both identifiers below; the calls are those of `LanguageIdentifier.from_model_file`."""
    global _model
    if _model is None:
        import numpy as np

        ptc, pc, classes, nextmove, row, output = _load_model_file()
        _model = (np.asarray(ptc), np.asarray(pc), classes, nextmove, output, row)
    return _model


def _load_model_file():
    """`py3langid.modelio.load_model` of the shipped model, reading the npz from the decompressed copy in
    privsynth's cache (privsynth.detect.artefacts) when there is one: the same arrays, without decompressing
    the LZMA file in every process (0.7 CPU s). Falls back to py3langid's own loader."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, _load_model_file as load
    from py3langid.modelio import _to_array

    from privsynth.detect.artefacts import cached_decompressed_xz

    try:
        npz = cached_decompressed_xz("py3langid-model.npz", MODEL_DIR / MODEL_FILE, ("py3langid",))
        if npz is not None:
            with np.load(npz, allow_pickle=False) as data:  # the tail of py3langid.modelio.load_model
                return (data["ptc"], data["pc"], data["classes"].tolist(), _to_array(data["nextmove"]),
                        _to_array(data["nextmove_row"]), data["out_feat"].tolist())
    except Exception:  # a damaged cache entry: the package's loader
        pass
    return load(MODEL_DIR / MODEL_FILE)


def _get():
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import LanguageIdentifier

            ptc, pc, classes, nextmove, output, row = _model_arrays()
            ident = LanguageIdentifier(ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=row)
            ident.set_languages(list(SUPPORTED))
            _identifier = ident
        return _identifier


def classify_any_language(text: str) -> tuple[str, float]:
    """`py3langid.classify(text)` (every language of the model, raw scores) on the model already read
    for `detect_language`: (ISO 639-1 code, score)."""
    global _any_identifier
    with _lock:
        if _any_identifier is None:
            from py3langid.langid import LanguageIdentifier

            ptc, pc, classes, nextmove, output, row = _model_arrays()
            _any_identifier = LanguageIdentifier(ptc, pc, classes, nextmove, output, tk_row=row)
        ident = _any_identifier
    return ident.classify(text)


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """ISO 639-1 code of `text` among SUPPORTED; `default` when the text is too short or the
    classifier's normalised probability is below MIN_PROBABILITY."""
    sample = text[:2000]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return default
    lang, prob = _get().classify(sample)
    return lang if prob >= MIN_PROBABILITY else default


def classify(text: str) -> tuple[Optional[str], float]:
    """(language among SUPPORTED, normalised probability); (None, 0.0) when too short to tell."""
    sample = text[:2000]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None, 0.0
    lang, prob = _get().classify(sample)
    return lang, float(prob)


def classify_many(texts) -> list[tuple[Optional[str], float]]:
    """`[classify(t) for t in texts]`, the byte walk of all texts done at once: the same (language,
    probability) pairs, bit for bit.

    py3langid finds a text's features by walking its model's automaton (a DFA over the UTF-8 bytes,
    `py3langid.langid.visit_counts`) one byte at a time in Python: two thirds of its time on short
    texts. Here texts of similar length take each step together (NumPy indexing over the texts,
    LANGID_WALK_CHUNK at a time); each text's features are then counted in the order of their
    first occurrence, as `visit_counts`' `Counter` does, and scored with py3langid's own
    `_sparse_score` and the rest of its `_decide` per text (the same NumPy operations on the
    same arrays). `tests/test_detect_ner_speed.py` compares it with `classify` text by text."""
    from collections import Counter

    import numpy as np

    texts = list(texts)
    out: list[tuple[Optional[str], float]] = [(None, 0.0)] * len(texts)
    todo = []
    for i, t in enumerate(texts):
        sample = t[:2000]
        if sum(map(str.isalpha, sample)) >= MIN_LETTERS:
            todo.append((i, sample))
    if not todo:
        return out
    ident = _get()
    walk = _walk_tables(ident)
    encoded = [(i, ident._encode(sample)) for i, sample in todo]
    encoded.sort(key=lambda x: len(x[1]))
    for c in range(0, len(encoded), LANGID_WALK_CHUNK):
        chunk = encoded[c:c + LANGID_WALK_CHUNK]
        for (i, data), feats in zip(chunk, _walk(walk, [d for _, d in chunk])):
            out[i] = _classify_counted(ident, Counter(feats) if feats else None, len(data))
    return out


LANGID_WALK_CHUNK = 256  # texts walked together (sorted by length, so little padding)


def _walk_tables(ident) -> tuple:
    """The identifier's automaton as NumPy arrays: (next state table, row offset per state, feature per state)."""
    global _walk_cache
    if _walk_cache is None or _walk_cache[0] is not ident:
        import numpy as np

        nm = np.frombuffer(ident.tk_nextmove, dtype=np.dtype(ident.tk_nextmove.typecode))  # a view, not a copy
        rowbase = np.asarray(ident._rowbase, dtype=np.int64)
        feat = np.asarray(ident.tk_output, dtype=np.int64)
        _walk_cache = (ident, (nm, rowbase, feat))
    return _walk_cache[1]


_walk_cache = None


def _walk(tables, datas: list) -> list:
    """Each byte string's features (`visit_counts`' list before counting: feature ids in the order
    visited), walking all strings in step; `datas` sorted by length, shortest first."""
    import numpy as np

    nm, rowbase, feat = tables
    n = len(datas)
    width = len(datas[-1])
    lengths = np.fromiter(map(len, datas), dtype=np.int64, count=n)
    grid = np.zeros((width, n), dtype=np.uint8)  # byte j of string k at grid[j, k]
    for k, d in enumerate(datas):
        grid[:len(d), k] = np.frombuffer(d, dtype=np.uint8)
    states = np.zeros(n, dtype=np.int64)
    visited = np.full((width, n), -1, dtype=np.int32)
    first = 0  # strings before `first` have ended (sorted by length)
    for j in range(width):
        while lengths[first] <= j:
            first += 1
        s = nm[rowbase[states[first:]] + grid[j, first:]]
        states[first:] = s
        visited[j, first:] = feat[s]
    cols = visited.T
    return [[f for f in cols[k, :lengths[k]].tolist() if f >= 0] for k in range(n)]


def _classify_counted(ident, visits, nbytes: int) -> tuple[str, float]:
    """`ident.classify` of a text whose features are `visits` (a Counter, or None when it has none)
    and whose encoding is `nbytes` long: py3langid's `_raw_score` and `_decide` after the walk."""
    import math

    import numpy as np
    from py3langid.langid import RAW_FLOOR

    if visits:
        scores = ident._sparse_score(visits, ident.nb_ptc)
    else:
        scores = np.full(len(ident.nb_classes), 0.0 if ident._norm_probs else RAW_FLOOR, dtype=np.float32)
    if ident._norm_probs:
        scores *= 1.0 / math.sqrt(nbytes or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
    for i, j in ident._alias_pairs:
        if ident._norm_probs:
            scores[i] += scores[j]
            scores[j] = 0.0
        else:
            scores[i] = max(scores[i], scores[j])
            scores[j] = RAW_FLOOR
    i = int(scores.argmax())
    conf = float(scores[i])
    if ident.min_confidence is not None and conf < ident.min_confidence:
        return "und", conf
    return ident.nb_classes[i], float(conf)


PRIOR_MIN_TEXTS = 20      # a collection needs this many confidently identified texts to have a prior
PRIOR_MIN_SHARE = 0.8     # ... and this share of them in one language
PRIOR_CONFIDENT = 0.9     # texts identified at least this surely count towards the prior
PRIOR_OVERRIDE_BELOW = 0.99  # a text whose own language is less sure than this takes the prior


def dominant_language(sure_counts) -> Optional[str]:
    """The collection's prior from {language: texts identified with probability >= PRIOR_CONFIDENT}:
    the most common language when there are at least PRIOR_MIN_TEXTS such texts and PRIOR_MIN_SHARE of
    them share it; None otherwise."""
    from collections import Counter

    counts = Counter({lang: k for lang, k in dict(sure_counts).items() if k})
    n = sum(counts.values())
    if n < PRIOR_MIN_TEXTS:
        return None
    top, k = counts.most_common(1)[0]
    return top if k >= PRIOR_MIN_SHARE * n else None


def language_given_prior(lang: Optional[str], p: float, prior: Optional[str], default: str = DEFAULT_LANGUAGE) -> str:
    """One text's language from its own identification (`lang`, probability `p`) and the collection's
    prior: the prior when the text is unidentified or identified otherwise below PRIOR_OVERRIDE_BELOW;
    `default` when unidentified or below MIN_PROBABILITY without a prior."""
    if prior and (lang is None or (lang != prior and p < PRIOR_OVERRIDE_BELOW)):
        return prior
    if lang is None or p < MIN_PROBABILITY:
        return default
    return lang


def languages_with_prior(texts, default: str = DEFAULT_LANGUAGE) -> list[str]:
    """One code per text, identified per text, with the collection's dominant language as a prior:
    when at least PRIOR_MIN_TEXTS texts are identified with probability >= PRIOR_CONFIDENT and
    PRIOR_MIN_SHARE of them share one language, a text identified otherwise with probability below
    PRIOR_OVERRIDE_BELOW (or too short to tell) takes that language. A column of English notes
    keeps "Dorothea von Schlegel was born in 1764 in Berlin" (German at 0.62) in English; a
    mixed-language collection has no prior and each text keeps its own language."""
    from collections import Counter

    found = classify_many(texts)
    prior = dominant_language(Counter(lang for lang, p in found if lang and p >= PRIOR_CONFIDENT))
    return [language_given_prior(lang, p, prior, default) for lang, p in found]


def detect_languages(texts, default: Optional[str] = None, fixed: Optional[str] = None) -> list[str]:
    """One code per text; `fixed` skips identification (the caller knows the language)."""
    if fixed:
        return [fixed] * len(texts)
    d = default or DEFAULT_LANGUAGE
    return [detect_language(t, d) for t in texts]
