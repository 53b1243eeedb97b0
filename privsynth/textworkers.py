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

Before forking, the detector is warmed on a few of the texts (recognizers, the language model,
the spaCy NER model for the languages seen) so that the child inherits them and the column scan
that follows in this process does not load them a second time.

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
from typing import Any, Callable, Optional, Sequence

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


def _detect_all(detector: Detector, batches: list[list[str]], config: Optional[tuple[int, int, int]] = None) -> dict[str, list]:
    """In the child: the detector on each list of texts (spans as plain tuples, cheaper to pickle), then,
    when the parent sends the surrogate factory's settings through `config_fd` (pickled (key, locale,
    reserve); end of file = none), each text rewritten with its spans by that factory
    (`privsynth.transform.text.rewrite_with_factory`, with the mapping entries it records).

    Returns {"spans": per batch, per text, [(start, end, entity type, score)], "rewritten": per batch
    (rewritten texts, mapping entries) or None}. Run in-process (`parent` is this process) it only
    detects. A failure while rewriting leaves "rewritten" None: the parent rewrites, and raises there.
    `config`: (read end, write end, the parent's pid) of the pipe the settings come through."""
    reader = None
    got: dict[str, Any] = {}
    if config is not None and os.getpid() != config[2]:
        config_fd = config[0]
        os.close(config[1])  # this process's copy of the parent's end: the parent's close must reach us as end of file
        # read while detecting: the parent's write (the reserve can exceed a pipe's buffer) never waits for the detection
        def read() -> None:
            with os.fdopen(config_fd, "rb") as f:
                got["data"] = f.read()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
    spans = [detector(texts) for texts in batches]
    out: dict[str, list] = {"spans": [[[(s.start, s.end, s.entity_type, s.score) for s in sp] for sp in batch] for batch in spans],
                            "rewritten": [None] * len(batches)}
    if reader is None:
        return out
    reader.join()
    data = got.get("data")
    if not data:
        return out
    try:
        from privsynth.transform.surrogates import SurrogateFactory
        from privsynth.transform.text import rewrite_with_factory

        key, locale, reserve = pickle.loads(data)
        factory = SurrogateFactory(key, locale, reserve=reserve)
        for k, (texts, sp) in enumerate(zip(batches, spans)):
            record: list = []
            out["rewritten"][k] = (rewrite_with_factory(texts, sp, factory, record), record)
    except Exception:  # noqa: BLE001 - the parent rewrites in-process and raises there if it fails again
        out["rewritten"] = [None] * len(batches)
    return out


class TextPrefetch:
    """A text detector (n texts -> n lists of spans) that answers from a child process's result
    when asked for texts the child detected, and runs `detector` in this process otherwise.

    The child can also rewrite the texts it detected with keyed surrogates once it is given the
    surrogate factory's settings (`offer_factory`, right after the scan): `rewritten(texts, factory)`
    then gives (spans, rewritten texts, mapping entries) for that very factory and those very texts,
    which the surrogate operator would otherwise compute here from the same spans with an equal
    factory (`privsynth.transform.text.rewrite_with_factory`: a keyed surrogate is a function of the
    key, the locale, the reserve and the span's type and value, not of what was computed before).

    `cancel()` stops the child (idempotent); use the object as a context manager to cancel on any
    exit. `used` counts the calls answered by the child, `in_process` the others, `rewrites_used`
    the rewritten collections taken from the child."""

    def __init__(self, detector: Detector, batches: list[list[str]], job: Any = None, config_w: Optional[int] = None) -> None:
        self._detector = detector
        self._batches = batches
        self._job = job
        self._results: Optional[list[list[list[Span]]]] = None
        self._rewritten: list = []
        self._config_w = config_w
        self._offered: Any = None
        self.used = 0
        self.in_process = 0
        self.rewrites_used = 0

    def __call__(self, texts: list[str]) -> list[list[Span]]:
        return self._spans(texts, None)[0]

    def rewritten(self, texts: list[str], factory: Any) -> tuple[list[list[Span]], Optional[tuple[list[str], list]]]:
        """(spans of `texts`, (`texts` rewritten by `factory` with those spans, the mapping entries
        (entity type, original, replacement) in order) or None when the child did not rewrite them
        with this factory's settings)."""
        return self._spans(texts, factory)

    def _spans(self, texts: list[str], factory: Any) -> tuple[list[list[Span]], Optional[tuple[list[str], list]]]:
        texts = list(texts)
        for k, batch in enumerate(self._batches):
            if batch is not None and len(batch) == len(texts) and batch == texts:
                spans = self._take(k)
                if spans is not None:
                    self.used += 1
                    rew = self._rewritten[k] if (factory is not None and factory is self._offered) else None
                    if rew is not None:
                        self.rewrites_used += 1
                    return spans, rew
                break
        self.in_process += 1
        return self._detector(texts), None

    def offer_factory(self, factory: Any, key: bytes, locale: str, reserve: Any) -> None:
        """Send the settings of `factory` (a `SurrogateFactory(key, locale, reserve=reserve)`) to the
        child, which rewrites its texts with an equal factory after detecting them. Once; a no-op
        without a child."""
        fd, self._config_w = self._config_w, None
        if fd is None:
            return
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(pickle.dumps((key, locale, reserve), protocol=pickle.HIGHEST_PROTOCOL))
            self._offered = factory
        except (OSError, pickle.PicklingError):  # a child that is gone, a reserve that cannot be sent: rewritten here
            pass

    def _close_config(self) -> None:
        fd, self._config_w = self._config_w, None
        if fd is not None:
            os.close(fd)  # end of file for the child: no rewriting

    def _take(self, k: int) -> Optional[list[list[Span]]]:
        if self._results is None:
            if self._job is None:
                return None
            self._close_config()
            raw = self._job.result()
            self._job = None
            self._results = [[[Span(start=a, end=b, entity_type=et, score=sc) for a, b, et, sc in spans] for spans in batch]
                             for batch in raw["spans"]]
            self._rewritten = list(raw["rewritten"])
        self._batches[k] = None  # type: ignore[call-overload]  # each prefetched result is used once
        return self._results[k]

    @property
    def started(self) -> bool:
        return self._job is not None or self._results is not None

    def cancel(self) -> None:
        self._close_config()
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
    except Exception:  # noqa: BLE001 - e.g. a spaCy model not installed: raised where it was before (scan, transform)
        return TextPrefetch(detector, [])
    r, w = os.pipe()  # the surrogate factory's settings, parent -> child (TextPrefetch.offer_factory)
    job = Forked(_detect_all, detector, batches, (r, w, os.getpid()), fork=None if processes is None else True)
    os.close(r)
    if not job.forked:  # detection will run in this process: nothing to send
        os.close(w)
        w = None
    return TextPrefetch(detector, batches, job, w)
