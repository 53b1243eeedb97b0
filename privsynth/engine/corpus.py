"""Scan a JSONL text corpus (one or more shards) on Dask: spans in every document, detected in
parallel per block, equal to what the local scan of the same documents gives.

Each shard is cut into blocks of about `block_bytes` (4 MiB, about 40,000 short notes; smaller
for small corpora, so that each worker gets about four) at line ends. Three passes, one task per
block each:

1. `scan-read`: read, parse and check every document (`io.readers.parse_text_document`, the local
   reader's rule) and identify the language of each distinct text (`detect.language.classify`).
   The driver gets the block's line and document counts, its first malformed line, and per
   language the 64-bit hashes of the distinct texts identified with probability >=
   `PRIOR_CONFIDENT`; the per-document languages stay on the worker for pass 2.
2. `scan-text`: each document's language, with the *corpus's* dominant language as the prior
   (the rule of `detect.language.languages_with_prior`, over the distinct texts of all shards),
   then `detect.analyze_texts` once per language on the whole block (spaCy `nlp.pipe` batches,
   rules first, one analysis per distinct text; spaCy in-process, since Dask is the parallelism).
   The detector (spaCy pipelines, Presidio recognizers, gazetteers) is loaded once per worker
   process by the detect stage's own caches: tasks carry the policy, never a model. The driver
   gets the surnames the block shows (`detect.person_names.collection_surnames`); the spans
   stay on the worker as arrays.
3. `scan-names`: the surnames of the whole corpus (the union over blocks) propagated to the
   block's documents (`propagate_surnames`), as the local scan propagates them over its one
   collection; the spans come to the driver in corpus order, as offsets and entity types.

Only those two steps of `analyze_texts` look at more than one text (the language prior and the
surname propagation); doing them over the whole corpus makes the result the local scan's
(tested on two shards where each step crosses a shard). The driver holds the small per-block
summaries and the spans of blocks finished ahead of their turn, never the texts.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Iterator, NamedTuple, Optional

import numpy as np

from privsynth.engine.tasks import Progress, collect, iter_in_order, submit_parts
from privsynth.results import DocumentSpans, Span

BLOCK_BYTES = 4 << 20


def _blocks(path: Path, block_bytes: int) -> list[tuple[int, int]]:
    """Byte ranges of `path`, about `block_bytes` each, cut after a newline."""
    size = path.stat().st_size
    cuts = [0]
    with open(path, "rb") as f:
        pos = block_bytes
        while pos < size:
            f.seek(pos)
            f.readline()
            nxt = f.tell()
            if nxt >= size:
                break
            if nxt > cuts[-1]:
                cuts.append(nxt)
            pos = nxt + block_bytes
    cuts.append(size)
    return [(a, b) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]


def _lines(block: tuple[str, int, int]) -> list[str]:
    """The block's lines, decoded as UTF-8 (a byte-order mark dropped at the start of a shard)."""
    path, start, end = block
    with open(path, "rb") as f:
        f.seek(start)
        raw = f.read(end - start)
    if start == 0 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.decode("utf-8", errors="replace").splitlines() if raw else []


def _documents(block: tuple[str, int, int], text_field: str, id_field: Optional[str], first_line: int,
               only: Optional[np.ndarray] = None) -> Iterator[tuple[int, Any, str]]:
    """(line within the block, id, text) of the block's documents (non-blank lines), or of those
    numbered `only` (0-based among the block's documents). DocumentError names the problem; the
    caller adds the place."""
    from privsynth.io.readers import parse_text_document

    wanted = None if only is None else set(int(x) for x in only)
    doc = -1
    for j, line in enumerate(_lines(block)):
        if not line.strip():
            continue
        doc += 1
        if wanted is not None and doc not in wanted:
            continue
        doc_id, text = parse_text_document(line, text_field, id_field, default_id=first_line + j)
        yield j, doc_id, text


# --------------------------------------------------------------------------- pass 1: read, check, identify languages


def _read_task(block: tuple[str, int, int], text_field: str, id_field: Optional[str]) -> tuple[dict, dict]:
    """({lines, documents, bad: (line, message) | None, sure: {language: uint64 hashes}},
    {"lang": language per document or None, "prob": its probability}). `sure` holds the distinct
    texts identified with probability >= PRIOR_CONFIDENT, the ones that make a prior."""
    import pandas as pd

    from privsynth.detect.language import PRIOR_CONFIDENT, classify
    from privsynth.detect.text import MAX_DOC_CHARS
    from privsynth.io.readers import DocumentError, parse_text_document

    lines = _lines(block)
    langs: list[Optional[str]] = []
    probs: list[float] = []
    seen: dict[str, tuple[Optional[str], float]] = {}
    bad = None
    for j, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            _, text = parse_text_document(line, text_field, id_field, default_id=None)
        except DocumentError as e:
            bad = (j, str(e))
            break
        if not text.strip():
            langs.append(None)
            probs.append(0.0)
            continue
        found = seen.get(text)
        if found is None:
            found = seen[text] = classify(text[:MAX_DOC_CHARS])
        langs.append(found[0])
        probs.append(found[1])
    docs = len(langs)
    by_lang: dict[str, list[str]] = {}
    for t, (lang, p) in seen.items():
        if lang and p >= PRIOR_CONFIDENT:
            by_lang.setdefault(lang, []).append(t)
    sure = {lang: np.unique(pd.util.hash_pandas_object(pd.Series(ts, dtype=object), index=False).to_numpy()) for lang, ts in by_lang.items()}
    head = {"lines": len(lines), "documents": docs, "bad": bad, "sure": sure}
    return head, {"lang": langs, "prob": np.asarray(probs, dtype=np.float64)}


def _head(result: tuple) -> Any:
    return result[0]


def corpus_prior(sure: dict[str, np.ndarray]) -> Optional[str]:
    """The corpus's dominant language, or None: `languages_with_prior`'s rule
    (`detect.language.dominant_language`) applied to the distinct texts of the whole corpus. `sure`:
    {language: hashes of its distinct surely identified texts}."""
    from privsynth.detect.language import dominant_language

    return dominant_language({lang: len(h) for lang, h in sure.items()})


# --------------------------------------------------------------------------- pass 2: detect


class _Spans(NamedTuple):
    """Spans of a block's documents as arrays: document `i` has spans `offsets[i]:offsets[i+1]`."""

    ids: list
    offsets: np.ndarray  # int64, len(ids) + 1
    start: np.ndarray    # int64
    end: np.ndarray      # int64
    kind: np.ndarray     # int16 index into `kinds`
    score: np.ndarray    # float64
    kinds: list[str]
    unscanned: dict      # document number in the block -> [start, end) not scanned (longer than MAX_DOC_CHARS)

    @classmethod
    def of(cls, ids: list, spans: list[list[Span]], unscanned: dict) -> "_Spans":
        flat = [s for sp in spans for s in sp]
        kinds = sorted({s.entity_type for s in flat})
        code = {k: i for i, k in enumerate(kinds)}
        offsets = np.zeros(len(spans) + 1, dtype=np.int64)
        np.cumsum([len(sp) for sp in spans], out=offsets[1:])
        return cls(ids, offsets, np.fromiter((s.start for s in flat), np.int64, len(flat)), np.fromiter((s.end for s in flat), np.int64, len(flat)),
                   np.fromiter((code[s.entity_type] for s in flat), np.int16, len(flat)), np.fromiter((s.score for s in flat), np.float64, len(flat)),
                   kinds, unscanned)

    def spans(self, i: int) -> list[Span]:
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return [Span(start=int(self.start[k]), end=int(self.end[k]), entity_type=self.kinds[self.kind[k]], score=float(self.score[k])) for k in range(a, b)]

    def documents(self) -> list[DocumentSpans]:
        return [DocumentSpans(id=d, spans=self.spans(i), not_scanned=self.unscanned.get(i)) for i, d in enumerate(self.ids)]


def _propagate(texts: list[str], spans: list[list[Span]], known: frozenset[str]) -> None:
    """`analyze_texts`' last step with the surnames `known`: PERSON spans for those surnames where
    they stand alone, added in place (sorted as it sorts them, only where something was added).
    Applying it again with more surnames gives what one application with all of them gives: a
    propagated span is one word, neither a source of surnames nor overlapping another word."""
    from privsynth.detect.person_names import propagate_surnames
    from privsynth.detect.text import MAX_DOC_CHARS

    if not known:
        return
    for t, sps in zip(texts, spans):
        extra = propagate_surnames(t[:MAX_DOC_CHARS], sps, known)
        if extra:
            sps.extend(Span(start=a, end=b, entity_type=et, score=sc) for a, b, et, sc in extra)
            sps.sort(key=lambda sp: (sp.start, sp.end))


def _detect_task(block: tuple[str, int, int], read: tuple[dict, dict], first_line: int, prior: Optional[str], text_field: str,
                 id_field: Optional[str], policy, only: Optional[np.ndarray] = None) -> tuple[frozenset, _Spans]:
    """(the surnames the block's documents show, their spans). `read` is the block's pass-1 result."""
    import warnings

    from privsynth.detect.language import language_given_prior
    from privsynth.detect.person_names import collection_surnames
    from privsynth.detect.text import TextNotFullyScanned, analyze_texts
    from privsynth.errors import InputError
    from privsynth.io.readers import DocumentError

    langs, probs = read[1]["lang"], read[1]["prob"]
    ids: list = []
    texts: list[str] = []
    groups: dict[str, list[int]] = {}
    try:
        for k, (j, doc_id, text) in enumerate(_documents(block, text_field, id_field, first_line, only)):
            pos = int(only[k]) if only is not None else k  # the document's number within the block
            if text.strip():
                groups.setdefault(language_given_prior(langs[pos], float(probs[pos]), prior), []).append(len(texts))
            ids.append(doc_id)
            texts.append(text)
    except DocumentError as e:  # the shard changed since pass 1
        raise InputError(f"{block[0]}: changed while it was scanned ({e})") from None
    spans: list[list[Span]] = [[] for _ in texts]
    unscanned: dict[int, list[int]] = {}
    with warnings.catch_warnings():  # counted in the summary and marked per document instead (a worker's warning reaches no one)
        warnings.simplefilter("ignore", TextNotFullyScanned)
        for lang, idx in groups.items():
            cut: list = []
            got = analyze_texts([texts[i] for i in idx], policy, language=lang, n_process=1, unscanned=cut)
            for i, sp in zip(idx, got):
                spans[i] = sp
            for k, a, b in cut:  # k: the position in this call
                unscanned[idx[k]] = [a, b]
    seen: dict[str, list[Span]] = {}
    for t, sp in zip(texts, spans):
        seen.setdefault(t, sp)
    known = collection_surnames(list(seen.items()))
    if len(groups) > 1:  # each analyze_texts call propagated only its own language's surnames
        _propagate(texts, spans, known)
    return known, _Spans.of(ids, spans, unscanned)


def _surnames(result: tuple) -> frozenset:
    return result[0]


# --------------------------------------------------------------------------- pass 3: the corpus's surnames


def _names_task(block: tuple[str, int, int], detected: tuple[frozenset, _Spans], extra: frozenset, first_line: int, text_field: str,
                id_field: Optional[str], only: Optional[np.ndarray] = None) -> _Spans:
    """The block's spans with the surnames `extra` (found in other blocks) propagated."""
    got = detected[1]
    if not extra:
        return got
    texts = [t for _, _, t in _documents(block, text_field, id_field, first_line, only)]
    spans = [got.spans(i) for i in range(len(got.ids))]
    _propagate(texts, spans, detected[0] | extra)
    return _Spans.of(got.ids, spans, got.unscanned)


# --------------------------------------------------------------------------- the scan


def scan_corpus(client, shards: list[Path], text_field: str, id_field: Optional[str], policy, *, block_bytes: int = BLOCK_BYTES,
                progress: Progress = None, sample: Optional[int] = None, summary: Optional[dict] = None) -> Iterator[DocumentSpans]:
    """Spans per document of a JSONL corpus (one or more `.jsonl` shards), in corpus order, equal to
    the local scan's (`detect.scan_texts` over all documents of all shards in order).

    Document ids are the `id_field` value, else the line number - 1 within its shard (as
    `privsynth.io.read_text_documents` numbers them).

    `sample` (optional): span detection on `sample` documents drawn uniformly without replacement
    among all documents of all shards (numpy Generator seeded with `scan.seed`, the table scan's
    `_sample_index`); every document is still read and checked. A sampled document's spans are the
    full scan's, except that surnames are propagated from the sampled documents only.

    `summary` (a dict, if given) receives the evidence, counts only: {"documents",
    "documents_scanned", "documents_with_spans", "spans": {entity type: count}, "not_fully_scanned",
    "shards": [{"shard", "documents", "documents_scanned", "documents_with_spans", "spans"}], and with
    `sample` "sampled" and "seed"}; it is complete once the iterator is exhausted.

    Raises InputError naming the shard and line of the first malformed document (before any
    detection runs) or when there are no documents; EngineError when workers are lost.
    """
    from privsynth.errors import InputError

    blocks: list[tuple[str, int, int]] = []
    workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
    total = sum(s.stat().st_size for s in shards)
    block_bytes = int(min(block_bytes, max(64 << 10, total // (4 * workers) + 1)))
    for s in shards:
        if s.suffix.lower() not in (".jsonl", ".ndjson"):
            raise InputError(f"{s}: a text corpus for the dask engine is .jsonl shards")
        blocks.extend((str(s), a, b) for a, b in _blocks(s, block_bytes))
    if not blocks:
        raise InputError(f"{shards[0] if shards else 'corpus'}: no documents")

    # pass 1: read and check every document, identify languages
    read = submit_parts(client, _read_task, blocks, stage="scan-read", text_field=text_field, id_field=id_field)
    heads = collect(client, submit_parts(client, _head, read, stage="scan-read-head", priority=1), stage="scan-read", progress=progress)
    firsts: list[int] = []
    line: dict[str, int] = {}
    sure: dict[str, np.ndarray] = {}
    for (path, _, _), h in zip(blocks, heads):
        firsts.append(line.get(path, 0))
        if h["bad"] is not None:
            client.cancel(read)
            raise InputError(f"{path}: line {firsts[-1] + h['bad'][0] + 1}: {h['bad'][1]}")
        line[path] = line.get(path, 0) + h["lines"]
        for lang, hs in h["sure"].items():
            sure[lang] = np.union1d(sure.get(lang, np.array([], dtype=np.uint64)), hs)
    docs = np.array([h["documents"] for h in heads], dtype=np.int64)
    total_docs = int(docs.sum())
    if total_docs == 0:
        client.cancel(read)
        raise InputError(f"{shards[0] if len(shards) == 1 else 'corpus'}: no documents")
    prior = corpus_prior(sure)
    per_block: list[dict] = [{"first_line": f, "read": r} for f, r in zip(firsts, read)]
    todo = list(range(len(blocks)))
    if sample is not None:
        from privsynth.detect.columns import _sample_index

        idx = np.sort(_sample_index(total_docs, int(sample), policy.scan.seed))
        starts = np.concatenate([[0], np.cumsum(docs)])
        which = np.searchsorted(starts, idx, side="right") - 1
        todo = [int(i) for i in np.unique(which)]
        for i in todo:
            per_block[i]["only"] = idx[which == i] - starts[i]
    del read

    # pass 2: detect, block by block; the driver gets each block's surnames
    detected = submit_parts(client, _detect_task, [blocks[i] for i in todo], stage="scan-text", per_part=[per_block[i] for i in todo],
                            prior=prior, text_field=text_field, id_field=id_field, policy=policy)
    for pb in per_block:
        pb.pop("read")
    # the small tasks that pick the surnames out run as soon as their block is done (priority): progress is the detection's
    names = collect(client, submit_parts(client, _surnames, detected, stage="scan-text-names", priority=1), stage="scan-text", progress=progress)
    known = frozenset().union(*names)

    # pass 3: the corpus's surnames everywhere; spans to the driver in corpus order
    final = submit_parts(client, _names_task, [blocks[i] for i in todo], stage="scan-names",
                         per_part=[{**per_block[i], "detected": d, "extra": known - n} for i, d, n in zip(todo, detected, names)],
                         text_field=text_field, id_field=id_field)
    del detected
    shard_docs: dict[str, int] = {}
    for (path, _, _), n in zip(blocks, docs):
        shard_docs[path] = shard_docs.get(path, 0) + int(n)
    per_shard = {p: {"shard": Path(p).name, "documents": n, "documents_scanned": 0, "documents_with_spans": 0, "spans": Counter()} for p, n in shard_docs.items()}
    unscanned = 0
    for i, got in zip(todo, iter_in_order(client, final, stage="scan-names", progress=progress)):
        ev = per_shard[blocks[i][0]]
        ev["documents_scanned"] += len(got.ids)
        ev["documents_with_spans"] += int(np.count_nonzero(np.diff(got.offsets)))
        for k, c in zip(*np.unique(got.kind, return_counts=True)):
            ev["spans"][got.kinds[int(k)]] += int(c)
        unscanned += len(got.unscanned)
        yield from got.documents()
    if summary is not None:
        shards_ev = [{**ev, "spans": dict(sorted(ev["spans"].items()))} for ev in per_shard.values()]
        totals: Counter = Counter()
        for ev in per_shard.values():
            totals.update(ev["spans"])
        summary.update({"documents": total_docs, "documents_scanned": sum(e["documents_scanned"] for e in shards_ev),
                        "documents_with_spans": sum(e["documents_with_spans"] for e in shards_ev), "spans": dict(sorted(totals.items())),
                        "not_fully_scanned": unscanned, "shards": shards_ev})
        if sample is not None:
            summary.update({"sampled": int(len(idx)), "seed": policy.scan.seed})


def summary_line(summary: dict) -> str:
    """One line for people (stderr) from `scan_corpus`'s summary: counts only, never a value."""
    shards = len(summary.get("shards", []))
    head = f"corpus: {summary['documents']:,} documents in {shards} shard{'s' if shards != 1 else ''} read and checked; "
    if "sampled" in summary:
        head += f"spans detected in a sample of {summary['sampled']:,} (seed {summary['seed']})"
    else:
        head += f"spans detected in all {summary['documents_scanned']:,}"
    kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(summary["spans"].items(), key=lambda kv: -kv[1]))
    tail = f"; {summary['documents_with_spans']:,} with personal data" + (f" ({kinds})" if kinds else "")
    if summary.get("not_fully_scanned"):
        tail += f"; {summary['not_fully_scanned']:,} longer than the per-document limit scanned up to it"
    return head + tail
