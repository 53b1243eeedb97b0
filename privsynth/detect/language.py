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


def _get():
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
            ident.set_languages(list(SUPPORTED))
            _identifier = ident
        return _identifier


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """ISO 639-1 code of `text` among SUPPORTED; `default` when the text is too short or the
    classifier's normalised probability is below MIN_PROBABILITY."""
    sample = text[:2000]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return default
    lang, prob = _get().classify(sample)
    return lang if prob >= MIN_PROBABILITY else default


def detect_languages(texts, default: Optional[str] = None, fixed: Optional[str] = None) -> list[str]:
    """One code per text; `fixed` skips identification (the caller knows the language)."""
    if fixed:
        return [fixed] * len(texts)
    d = default or DEFAULT_LANGUAGE
    return [detect_language(t, d) for t in texts]
