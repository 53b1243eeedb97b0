"""PII spans in free text: Presidio with our recognizers, spaCy batched through `nlp.pipe`,
then overlap resolution and a few precision/recall fixes Presidio lacks."""

from __future__ import annotations

from typing import Optional, Sequence

from privsynth.results import DocumentSpans, Span, TextScanResult

DEFAULT_THRESHOLD = 0.35
BATCH_SIZE = 64
MAX_CHARS = 100_000  # longer texts are analysed in windows of this size

# Entity priority when spans overlap (higher wins on ties of score).
_PRIORITY = {
    "CREDIT_CARD": 9, "IBAN_CODE": 9, "US_SSN": 9, "EMAIL_ADDRESS": 9, "UK_NINO": 8, "UK_NHS": 7, "DE_TAX_ID": 7,
    "FR_NIR": 8, "ES_NIF": 8, "ES_NIE": 8, "IT_FISCAL_CODE": 8, "NL_BSN": 6, "PL_PESEL": 7, "SE_PERSONNUMMER": 7,
    "EU_VAT": 7, "IMEI": 7, "IP_ADDRESS": 8, "MAC_ADDRESS": 8, "PHONE_NUMBER": 6, "STREET_ADDRESS": 6, "URL": 5,
    "PERSON": 5, "LOCATION": 4, "POSTCODE": 3, "DATE_TIME": 3, "AGE": 4, "NRP": 3, "CREDIT_CARD_DAMAGED": 8,
}


def _resolve(results: list, text: str) -> list[Span]:
    """Drop overlaps: keep the highest-scoring span, then the higher-priority type, then the longer."""
    ranked = sorted(results, key=lambda r: (-r.score, -_PRIORITY.get(r.entity_type, 1), -(r.end - r.start), r.start))
    taken: list[tuple[int, int]] = []
    kept: list[Span] = []
    for r in ranked:
        s, e = r.start, r.end
        # trim whitespace and trailing punctuation a regex may have swallowed
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
            e -= 1
        if e <= s:
            continue
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        kept.append(Span(start=s, end=e, entity_type=r.entity_type, score=round(float(r.score), 4)))
    kept.sort(key=lambda sp: (sp.start, sp.end))
    return kept


def analyze_texts(texts: Sequence[str], policy=None, *, score_threshold: Optional[float] = None,
                  batch_size: int = BATCH_SIZE, n_process: int = 1, analyzer=None) -> list[list[Span]]:
    """PII spans per text with the full engine. Empty or non-string entries give no spans."""
    from privsynth.detect.engine import build_analyzer

    analyzer = analyzer or build_analyzer(policy)
    thr = DEFAULT_THRESHOLD if score_threshold is None else score_threshold
    clean = [t if isinstance(t, str) else "" for t in texts]
    out: list[list[Span]] = [[] for _ in clean]
    idx = [i for i, t in enumerate(clean) if t.strip()]
    if not idx:
        return out
    # long texts: analyse in windows so spaCy's max_length is never hit
    pieces: list[tuple[int, int, str]] = []  # (doc index, offset, text)
    for i in idx:
        t = clean[i]
        for off in range(0, len(t), MAX_CHARS):
            pieces.append((i, off, t[off:off + MAX_CHARS]))
    nlp = analyzer.nlp_engine
    batch = nlp.process_batch([p[2] for p in pieces], language="en", batch_size=batch_size, n_process=n_process)
    for (i, off, piece), (_, artifacts) in zip(pieces, batch):
        res = analyzer.analyze(text=piece, language="en", nlp_artifacts=artifacts, score_threshold=thr)
        for sp in _resolve(res, piece):
            out[i].append(Span(start=sp.start + off, end=sp.end + off, entity_type=sp.entity_type, score=sp.score))
    return out


def scan_texts(texts: Sequence[str], ids: Sequence, policy) -> TextScanResult:
    """Spans per document, with the caller's ids (the public `{"documents": [...]}` shape)."""
    if len(ids) != len(texts):
        from privsynth.errors import PrivsynthError

        raise PrivsynthError(f"scan_texts: {len(texts)} texts but {len(ids)} ids")
    spans = analyze_texts(texts, policy)
    return TextScanResult(documents=[DocumentSpans(id=i, spans=s) for i, s in zip(ids, spans)])
