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


def _detect_all(detector: Detector, batches: list[list[str]]) -> list[list[list[tuple]]]:
    """In the child: the detector on each list of texts; spans as plain tuples (cheaper to pickle)."""
    return [[[(s.start, s.end, s.entity_type, s.score) for s in spans] for spans in detector(texts)] for texts in batches]


class TextPrefetch:
    """A text detector (n texts -> n lists of spans) that answers from a child process's result
    when asked for texts the child detected, and runs `detector` in this process otherwise.

    `cancel()` stops the child (idempotent); use the object as a context manager to cancel on any
    exit. `used` counts the calls answered by the child, `in_process` the others."""

    def __init__(self, detector: Detector, batches: list[list[str]], job: Any = None) -> None:
        self._detector = detector
        self._batches = batches
        self._job = job
        self._results: Optional[list[list[list[Span]]]] = None
        self.used = 0
        self.in_process = 0

    def __call__(self, texts: list[str]) -> list[list[Span]]:
        texts = list(texts)
        for k, batch in enumerate(self._batches):
            if batch is not None and len(batch) == len(texts) and batch == texts:
                spans = self._take(k)
                if spans is not None:
                    self.used += 1
                    return spans
                break
        self.in_process += 1
        return self._detector(texts)

    def _take(self, k: int) -> Optional[list[list[Span]]]:
        if self._results is None:
            if self._job is None:
                return None
            raw = self._job.result()
            self._job = None
            self._results = [[[Span(start=a, end=b, entity_type=et, score=sc) for a, b, et, sc in spans] for spans in batch] for batch in raw]
        self._batches[k] = None  # type: ignore[call-overload]  # each prefetched result is used once
        return self._results[k]

    @property
    def started(self) -> bool:
        return self._job is not None or self._results is not None

    def cancel(self) -> None:
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
    job = Forked(_detect_all, detector, batches, fork=None if processes is None else True)
    return TextPrefetch(detector, batches, job)
