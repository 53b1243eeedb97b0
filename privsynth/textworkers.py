"""Free-text detection started early, in a worker process, while `anonymize` does everything else.

`privsynth anonymize` spends most of its time on two independent things: detecting PII spans in
the free-text column(s) (`privsynth.detect.analyze_texts` on every distinct text) and everything
else (the column scan, the structured operators, building the record-aware redaction). The
second needs none of the first until the text operator runs, so on a machine with two or more
cores the detection runs in a forked child process (`privsynth.forked.Forked`) from the moment
the table is read, and the transform's detector takes the child's result when it asks for the
same texts.

Which columns: the scan has not decided yet when the child starts, so the columns are guessed
(`likely_text_columns`): a column the policy sends to a free-text operator (`surrogate`,
`llm`), or, when free text goes to one by default, a string column most of whose first cells
read as sentences. A wrong guess costs only the child's CPU: the result is used only when the
transform asks for exactly the texts the child detected (the same list, in the same order), so
the spans are the ones `detector(texts)` gives in this process: same function, same inputs,
same collection (a text's spans depend on the other texts of the call: the language prior and
surname propagation of `analyze_texts`). Anything else (another column, a re-check of rewritten
texts, a child that failed or was killed) is detected in this process, as before.

Before forking, the detector is warmed on a few of the texts (recognizers, the language model)
and the spaCy NER model of their language is loaded (`load_ner_models`: the warm texts alone
rarely need NER, so the child and the column scan each loaded it again), so that the child
inherits them and the column scan that follows in this process does not load them a second time.
Then every object of this process is moved to the garbage collector's permanent generation
(`gc.freeze()`, `_freeze_heap`) until the worker is done: neither process's collector traverses
the loaded models again (in the example's run the first process spent ≈ 0.8 CPU s in six full
collections), and the child does not copy the pages a collector pass would write to.

Processes: `processes=1` (or `PRIVSYNTH_NO_FORK`, or a single usable core, or any condition
under which `privsynth.forked.fork_useful` says no) keeps everything in this process; the
default (None) uses one child when forking is useful. Ctrl-C: the caller cancels the child
(`TextPrefetch.cancel`, SIGTERM then wait) before the interrupt propagates, and the child itself
leaves without writing anything (it only computes and sends spans).
"""

from __future__ import annotations

import os
import pickle
import threading
import warnings
from typing import Any, Callable, NamedTuple, Optional, Sequence

import pandas as pd

from privsynth.results import Span

Detector = Callable[[list[str]], list[list[Span]]]

#: cells looked at to guess whether a column holds sentences, and how many must
GUESS_CELLS = 200
GUESS_SHARE = 0.5
#: distinct texts below which a child costs more (fork, pickling the spans back) than it saves
MIN_TEXTS = 200
#: texts the detector is warmed on before the fork (loads the models the child and the scan need)
WARM_TEXTS = 20
WARM_CHARS = 2000

def _text_operators() -> set[str]:
    from privsynth.transform.base import OPERATORS

    return {name for name in OPERATORS.names() if getattr(OPERATORS.get(name), "text", False)}


def likely_text_columns(df: pd.DataFrame, policy) -> list[str]:
    """The columns whose texts the transform will probably give the text detector, before the scan.

    A column whose policy rule names a free-text operator (`llm` only without record-aware
    redaction: with it, the texts the detector sees are the redacted ones); otherwise, when free
    text goes to a free-text operator by default (`transform.default_operators.free_text`, `transform.text_method`),
    a column declared `free_text`, or an undeclared string column where at least GUESS_SHARE of
    the first GUESS_CELLS non-empty cells read as sentences. Returns column names in table order."""
    from privsynth.detect.profile import is_sentence
    from privsynth.transform import text as _text  # noqa: F401  (registers the free-text operators)

    text_ops = _text_operators()
    t = policy.transform
    if t.record_redaction:
        # the llm operator first removes each row's identifiers, then detects the redacted texts: not these
        text_ops.discard("llm")
    default_is_text = t.default_operator("free_text") in text_ops
    out = []
    for col in df.columns:
        rule = policy.columns.get(str(col))
        if rule is not None and rule.operator:
            if rule.operator in text_ops:
                out.append(str(col))
            continue
        if not default_is_text:
            continue
        if rule is not None and rule.category:
            if rule.category == "free_text":
                out.append(str(col))
            continue
        s = df[col]
        if s.dtype != object and not pd.api.types.is_string_dtype(s.dtype):
            continue
        cells = [v for v in s.head(GUESS_CELLS * 4).tolist() if isinstance(v, str) and v.strip()][:GUESS_CELLS]
        if cells and sum(is_sentence(v) for v in cells) >= GUESS_SHARE * len(cells):
            out.append(str(col))
    return out


def distinct_texts(series: pd.Series) -> list[str]:
    """The texts a free-text operator gives the detector for `series`: its distinct non-null
    values in order of first appearance, as strings (`pd.factorize`, as `privsynth.transform`'s
    text operators do)."""
    _, uniques = pd.factorize(series, use_na_sentinel=True)
    return [v if isinstance(v, str) else str(v) for v in uniques]


#: texts claimed at a time by either process when both rewrite one collection (see `Claims`)
REWRITE_CHUNK = 64


class Claims:
    """Who rewrites which texts: per collection, the child claims chunks of REWRITE_CHUNK texts from
    the front and the parent from the back, under one lock in memory shared across the fork
    (`multiprocessing.Array`), until they meet. Whichever process is free earlier does more, so
    neither waits long for the other whatever the load. The child's texts are a prefix [0, f) and
    the parent's the rest [f, n), so the two parts join in order."""

    def __init__(self, sizes: Sequence[int]) -> None:
        import multiprocessing

        self.sizes = list(sizes)
        self._a = multiprocessing.Array("q", [x for n in self.sizes for x in (0, n)])  # per collection: front, back

    def front(self, k: int) -> Optional[tuple[int, int]]:
        """The next chunk [start, end) from the front of collection k, or None when none is left."""
        with self._a.get_lock():
            f, b = self._a[2 * k], self._a[2 * k + 1]
            if f >= b:
                return None
            self._a[2 * k] = e = min(f + REWRITE_CHUNK, b)
            return f, e

    def back(self, k: int) -> Optional[tuple[int, int]]:
        """The next chunk [start, end) from the back of collection k, or None when none is left."""
        with self._a.get_lock():
            f, b = self._a[2 * k], self._a[2 * k + 1]
            if f >= b:
                return None
            self._a[2 * k + 1] = st = max(b - REWRITE_CHUNK, f)
            return st, b

    def met(self, k: int) -> int:
        """Where the front and the back met (or stand) in collection k."""
        with self._a.get_lock():
            return self._a[2 * k]


class _Pipes(NamedTuple):
    """File descriptors and facts the child needs besides the texts (see `_detect_all`)."""
    config_r: int  # the surrogate factory's settings, parent -> child
    config_w: int
    spans_r: int  # the spans, child -> parent, sent as soon as they are detected
    spans_w: int
    parent: int  # the parent's pid: run in that process, `_detect_all` only detects
    claims: Claims  # which texts each process rewrites


def _send(fd: int, obj: Any) -> None:
    with os.fdopen(fd, "wb") as f:
        f.write(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def _rewrite(settings: bytes, batches: list[list[str]], spans: list[list[list[Span]]], claims: Claims) -> list:
    """Per collection, (the texts of a prefix claimed from the front (`Claims.front`) rewritten by a
    `SurrogateFactory` built from the pickled (key, locale, reserve) `settings`, the mapping entries
    recorded), or None when that failed (the parent then rewrites the prefix itself)."""
    try:
        from privsynth.transform.surrogates import SurrogateFactory
        from privsynth.transform.text import rewrite_with_factory

        key, locale, reserve = pickle.loads(settings)
        factory = SurrogateFactory(key, locale, reserve=reserve)
        out: list = []
        for k, (texts, sp) in enumerate(zip(batches, spans)):
            done: list[str] = []
            record: list = []
            while (chunk := claims.front(k)) is not None:
                done.extend(rewrite_with_factory(texts[chunk[0]:chunk[1]], sp[chunk[0]:chunk[1]], factory, record))
            out.append((done, record))
        return out
    except Exception:  # noqa: BLE001 - the parent rewrites these texts itself, and raises there if it fails again
        return [None] * len(batches)


def _detect_all(detector: Detector, batches: list[list[str]], pipes: Optional[_Pipes] = None) -> dict[str, Any]:
    """The detector on each collection of texts; in a child, then also a share of the rewriting.

    In this process (no `pipes`, or `pipes.parent` is this process: `Forked` did not fork, or reruns
    the work after losing the child) it returns {"spans": per collection, per text, a list of
    (start, end, entity type, score) tuples (cheaper to pickle than Span), "rewritten": None}.

    In the child: the spans go to the parent through `pipes.spans_w` as soon as they are detected
    (from a thread: the child does not wait for the parent to read them); then, when the parent has
    sent the surrogate factory's settings through `pipes.config_r` (`TextPrefetch.offer_factory`; end
    of file = none), the child rewrites a prefix of each collection with an equal factory while the
    parent rewrites the rest from the back (`_rewrite`, `Claims`). Returns {"spans": None,
    "rewritten": per collection (texts, mapping entries) or None}."""
    def plain(spans: list[list[list[Span]]]) -> list:
        return [[[(s.start, s.end, s.entity_type, s.score) for s in sp] for sp in batch] for batch in spans]

    def detect_all() -> list[list[list[Span]]]:
        # the free-text operator warns about these cells itself, naming the column and the row positions
        # (privsynth.transform.text.note_unscanned); the detector's warning knows only a position in its call
        from privsynth.detect.text import TextNotFullyScanned

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TextNotFullyScanned)
            return [detector(texts) for texts in batches]

    if pipes is None or os.getpid() == pipes.parent:
        return {"spans": plain(detect_all()), "rewritten": None}
    os.close(pipes.config_w)  # this process's copies of the parent's ends: its closes must reach us as end of file
    os.close(pipes.spans_r)
    got: dict[str, bytes] = {}

    def read() -> None:  # while detecting: the parent's write (the reserve can exceed a pipe's buffer) never waits
        with os.fdopen(pipes.config_r, "rb") as f:
            got["settings"] = f.read()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    spans = detect_all()
    writer = threading.Thread(target=_send, args=(pipes.spans_w, plain(spans)), daemon=True)
    writer.start()
    reader.join()
    rewritten = _rewrite(got["settings"], batches, spans, pipes.claims) if got.get("settings") else None
    writer.join()
    return {"spans": None, "rewritten": rewritten}


class TextPrefetch:
    """A text detector (n texts -> n lists of spans) that answers from a child process's result
    when asked for texts the child detected, and runs `detector` in this process otherwise.

    The texts the child detected are also rewritten with keyed surrogates, by the child from the
    front and by this process from the back at the same time (`Claims`), once the child is given
    the surrogate factory's settings
    (`offer_factory`, right after the scan): `rewritten(texts, factory)` gives (spans, (rewritten
    texts, mapping entries)) for that very factory and those very texts. The surrogate operator
    would compute the same here from the same spans with an equal factory
    (`privsynth.transform.text.rewrite_with_factory`): a keyed surrogate is a function of the key,
    the locale, the reserve and the span's type and value, not of what was computed before; the
    two parts are joined in order, texts and mapping entries alike.

    `cancel()` stops the child (idempotent); use the object as a context manager to cancel on any
    exit. `used` counts the calls answered by the child, `in_process` the others, `rewrites_used`
    the collections rewritten partly by the child."""

    def __init__(self, detector: Detector, batches: list[list[str]], job: Any = None, pipes: Optional[_Pipes] = None,
                 frozen: bool = False) -> None:
        self._detector = detector
        self._frozen = frozen  # `gc.freeze()` was called for the fork (see `_freeze_heap`): undone by `cancel`
        self._batches = batches
        self._job = job
        self._spans_r = pipes.spans_r if pipes is not None else None
        self._config_w = pipes.config_w if pipes is not None else None
        self._claims = pipes.claims if pipes is not None else None
        self._results: Optional[list[list[list[Span]]]] = None
        self._rewritten: Optional[list] = None
        self._offered: Any = None
        self.used = 0
        self.in_process = 0
        self.rewrites_used = 0

    def __call__(self, texts: list[str]) -> list[list[Span]]:
        return self._spans(texts, None)[0]

    def rewritten(self, texts: list[str], factory: Any) -> tuple[list[list[Span]], Optional[tuple[list[str], list]]]:
        """(spans of `texts`, (`texts` rewritten by `factory` with those spans, the mapping entries
        (entity type, original, replacement) in order), or None when `factory` is not the one
        offered to the child or the child did not detect exactly these texts)."""
        return self._spans(texts, factory)

    def _spans(self, texts: list[str], factory: Any) -> tuple[list[list[Span]], Optional[tuple[list[str], list]]]:
        texts = list(texts)
        for k, batch in enumerate(self._batches):
            if batch is not None and len(batch) == len(texts) and batch == texts:
                spans = self._take(k)
                if spans is not None:
                    self.used += 1
                    rew = self._rewrite(k, texts, spans, factory) if (factory is not None and factory is self._offered) else None
                    self._batches[k] = None  # type: ignore[call-overload]  # each prefetched result is used once
                    return spans, rew
                break
        self.in_process += 1
        return self._detector(texts), None

    def _rewrite(self, k: int, texts: list[str], spans: list[list[Span]], factory: Any) -> tuple[list[str], list]:
        from privsynth.transform.text import rewrite_with_factory

        parts: list[tuple[list[str], list]] = []  # chunks from the back, while the child rewrites from the front
        while (chunk := self._claims.back(k)) is not None:  # type: ignore[union-attr]
            rec: list = []
            parts.append((rewrite_with_factory(texts[chunk[0]:chunk[1]], spans[chunk[0]:chunk[1]], factory, rec), rec))
        head = self._final()[k]
        if head is None:  # the child could not rewrite its prefix: the same here
            f = self._claims.met(k)  # type: ignore[union-attr]
            rec = []
            head = (rewrite_with_factory(texts[:f], spans[:f], factory, rec), rec)
        out, record = list(head[0]), list(head[1])
        for done, rec in reversed(parts):
            out.extend(done)
            record.extend(rec)
        self.rewrites_used += 1
        return out, record

    def offer_factory(self, factory: Any, key: bytes, locale: str, reserve: Any) -> None:
        """Send the settings of `factory` (a `SurrogateFactory(key, locale, reserve=reserve)`) to the
        child, which rewrites its share of the texts with an equal factory after detecting them.
        Once; a no-op without a child."""
        fd, self._config_w = self._config_w, None
        if fd is None:
            return
        try:
            _send(fd, (key, locale, reserve))
            self._offered = factory
        except (OSError, pickle.PicklingError):  # a child that is gone, a reserve that cannot be sent: rewritten here
            pass

    def _close_config(self) -> None:
        fd, self._config_w = self._config_w, None
        if fd is not None:
            os.close(fd)  # end of file for the child: it rewrites nothing

    def _take(self, k: int) -> Optional[list[list[Span]]]:
        if self._results is None:
            if self._job is None:
                return None
            raw = None
            if self._spans_r is not None:  # sent by the child as soon as it has them
                fd, self._spans_r = self._spans_r, None
                with os.fdopen(fd, "rb") as f:
                    data = f.read()
                if data:
                    raw = pickle.loads(data)
            if raw is None:  # no child, or a child that died before sending them: its result (or the work, here)
                raw = self._final_raw()["spans"]
            self._results = [[[Span(start=a, end=b, entity_type=et, score=sc) for a, b, et, sc in spans] for spans in batch]
                             for batch in raw]
        return self._results[k]

    def _final_raw(self) -> dict[str, Any]:
        self._close_config()
        job, self._job = self._job, None
        out = job.result() if job is not None else {"spans": None, "rewritten": None}
        self._rewritten = out["rewritten"] or [None] * len(self._batches)
        return out

    def _final(self) -> list:
        if self._rewritten is None:
            self._final_raw()
        return self._rewritten  # type: ignore[return-value]

    @property
    def started(self) -> bool:
        return self._job is not None or self._results is not None

    def cancel(self) -> None:
        if self._frozen:
            import gc

            self._frozen = False
            gc.unfreeze()
        self._close_config()
        if self._spans_r is not None:
            os.close(self._spans_r)
            self._spans_r = None
        if self._job is not None:
            self._job.cancel()
            self._job = None

    def __enter__(self) -> "TextPrefetch":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cancel()


def start(df: pd.DataFrame, policy, detector: Detector, processes: Optional[int] = None,
          columns: Optional[Sequence[str]] = None) -> TextPrefetch:
    """Start detecting the likely free-text columns of `df` in a forked child; return the detector
    the transform should be given (a `TextPrefetch`).

    `processes`: 1 = no child (everything in this process); None = a child when
    `privsynth.forked.fork_useful()`; 2 or more = a child whenever `os.fork` exists (for tests).
    `columns` overrides the guess (`likely_text_columns`). Raises ValueError for processes < 1."""
    from privsynth.forked import Forked, fork_useful

    if processes is not None and processes < 1:
        raise ValueError(f"processes must be at least 1, not {processes}")
    if processes == 1 or (processes is None and not fork_useful()):
        return TextPrefetch(detector, [])
    cols = list(columns) if columns is not None else likely_text_columns(df, policy)
    batches = [distinct_texts(df[c]) for c in cols if c in df.columns]
    batches = [b for b in batches if b]
    if sum(len(b) for b in batches) < MIN_TEXTS:
        return TextPrefetch(detector, [])
    warm = [t[:WARM_CHARS] for t in batches[0][:WARM_TEXTS]]
    try:
        detector(warm)  # loads recognizers and models once, here: the child and the column scan inherit them
        load_ner_models(warm, policy)
    except Exception:  # noqa: BLE001 - e.g. a spaCy model not installed: raised where it was before (scan, transform)
        return TextPrefetch(detector, [])
    config_r, config_w = os.pipe()  # the surrogate factory's settings, parent -> child (TextPrefetch.offer_factory)
    spans_r, spans_w = os.pipe()  # the spans, child -> parent, before the child's share of the rewriting
    pipes = _Pipes(config_r, config_w, spans_r, spans_w, os.getpid(), Claims([len(b) for b in batches]))
    frozen = _freeze_heap()
    try:
        job = Forked(_detect_all, detector, batches, pipes, fork=None if processes is None else True)
    except BaseException:
        if frozen:
            import gc

            gc.unfreeze()
        raise
    os.close(config_r)
    os.close(spans_w)
    if not job.forked:  # detection will run in this process, when asked: nothing to send or receive
        os.close(config_w)
        os.close(spans_r)
        return TextPrefetch(detector, batches, job, frozen=frozen)
    return TextPrefetch(detector, batches, job, pipes, frozen=frozen)


def load_ner_models(texts: list[str], policy) -> list[str]:
    """Load (`privsynth.detect.engine.spacy_ner`) the spaCy NER model of every language among
    `texts` that has one (`ner_model_for`: English, the policy's `scan.model`; French), so that a
    child forked afterwards inherits it instead of loading it again (≈ 0.3 CPU s each), and the
    column scan's NER evidence finds it loaded. Loading a model changes no result: the detector
    loads the same model on first use. Returns the model names; raises what `spacy_ner` raises."""
    from privsynth.detect.engine import ner_model_for, spacy_ner
    from privsynth.detect.language import languages_with_prior

    model_en = getattr(getattr(policy, "scan", None), "model", None)
    models = [m for m in dict.fromkeys(ner_model_for(lang, model_en) for lang in languages_with_prior(texts)) if m]
    for m in models:
        spacy_ner(m)
    return models


def _freeze_heap() -> bool:
    """`gc.freeze()`: every object this process holds now (the loaded models, recognizers, word
    lists, the table) goes to the collector's permanent generation, as Python's documentation
    advises before a fork: neither process's cyclic collector traverses them again, so the child
    does not copy the pages they live on (a collector pass writes to each object's header) and
    both processes' full collections cost a fraction (the first process spent ≈ 0.8 CPU s in 6
    full collections of the example's `anonymize` before). Objects and results are unchanged;
    cyclic garbage among the frozen objects is kept until `gc.unfreeze()` (`TextPrefetch.cancel`).
    False (nothing done) when something else froze objects already."""
    import gc

    if gc.get_freeze_count():
        return False
    gc.freeze()
    return True
