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

    found = [classify(t) for t in texts]
    prior = dominant_language(Counter(lang for lang, p in found if lang and p >= PRIOR_CONFIDENT))
    return [language_given_prior(lang, p, prior, default) for lang, p in found]


def detect_languages(texts, default: Optional[str] = None, fixed: Optional[str] = None) -> list[str]:
    """One code per text; `fixed` skips identification (the caller knows the language)."""
    if fixed:
        return [fixed] * len(texts)
    d = default or DEFAULT_LANGUAGE
    return [detect_language(t, d) for t in texts]
