"""PII spans in free text: Presidio with our recognizers, spaCy batched through `nlp.pipe`,
then overlap resolution and a few precision/recall fixes Presidio lacks."""

from __future__ import annotations

import re
from typing import Optional, Sequence


from privsynth import entities as E
from privsynth.results import DocumentSpans, Span, TextScanResult

DEFAULT_THRESHOLD = 0.35
BATCH_SIZE = 64
MAX_CHARS = 100_000  # longer texts are analysed in windows of this size

_TITLE_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Mlle|Sr|Sra|Srta|Sig|Sig\.ra)\.?\s+"
                         r"((?:[A-ZÀ-ÖØ-Þ][\w'’-]+|[A-Z]\.)(?:[ ]+(?:[A-ZÀ-ÖØ-Þ][\w'’-]+|[A-Z]\.?)){0,3})")
_LABELLED_NAME = re.compile(r"(?im)^[ \t>]*(?:full )?name[ \t]*:[ \t]*((?:[A-ZÀ-ÖØ-Þ][\w'’-]*\.?)(?:[ ]{1,2}[A-ZÀ-ÖØ-Þ][\w'’-]*\.?){0,3})[ \t]*$")
_LABELLED_PHONE = re.compile(r"(?i)\b(?:phone|tel|telephone|mobile|cell|fax|téléphone|telefon|teléfono|telefono)\s*(?:no\.?|number|nr\.?)?\s*[:.]\s*"
                             r"(\+?[\d(][\d ()./-]{4,22}\d)")
_L = r"[^\W\d_]"  # any letter
_WORD = rf"{_L}[\w.'’-]*"
_ADDRESS_RULES = [
    # "the corner of X 12 and Y Street"
    re.compile(rf"\b(?:the )?corner of [^\n.,;]{{2,60}}? and (?:{_WORD}[ ]?){{1,4}}"),
    # "6750 Koskikatu 25", "31401 ul. Słowicza 10", "903 83 Dora Creek": number, words, number
    re.compile(rf"\b\d{{1,6}}(?:[ ]\d{{1,5}})?[ ](?:{_WORD}[ ]){{0,3}}[A-ZÀ-ÖØ-ÞΑ-Ω][\w.'’-]*(?:[ ]{_WORD}){{0,3}}[ ]\d{{1,5}}[A-Za-z]?\b\.?"),
    # number + words + street word: "22 Talga Court", "87645 22 Talga Court"
    re.compile(rf"\b\d{{1,6}}(?:[ ]\d{{1,5}})?[ ](?:[A-ZÀ-ÖØ-Þ][\w'’-]*[ ]){{1,3}}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Square|Terrace|Close|Crescent|Parkway|Highway|Alley|Grove|Gardens|Mews|Pass|Bypass|Circle|Trail|Row|Walk|Hill|Park|Loop)\b\.?"),
    # unit designators
    re.compile(r"\b(?:Apt\.?|Apartment|Suite|Unit|Flat|Room|Box|PSC|Postbox)[ ]?#?\d{1,6}\b"),
    # military / PO addresses
    re.compile(r"\b(?:APO|FPO|DPO)[ ](?:AA|AE|AP)[ ]\d{5}\b|\bUSN[SV][ ]\w+"),
]
_ADDRESS_RULES_LOWER = [re.compile(rf"\b\d{{1,6}}(?:[ ]\d{{1,5}})?[ ](?:{_WORD}[ ]){{1,4}}\d{{1,5}}[a-z]?\b")]
_STREET_WORD = re.compile(
    r"(?i)(?:street|st\.?|avenue|ave\.?|road|rd\.?|lane|drive|boulevard|blvd|way|court|place|square|terrace|close|crescent|"
    r"parkway|highway|alley|grove|gardens|mews|pass|bypass|radial|harbor|harbour|parks|greens|streets|creek|"
    r"straße|strasse|gasse|weg|platz|allee|laan|straat|plein|gracht|vej|gade|gatan|vägen|veien|vegen|katu|tie|tee|utca|útja|út|"
    r"ulica|ul\.|vicolo|via|viale|piazza|rue|calle|avenida|rua|kapu|sor|sugárút|körút|náměstí|ulice|cesta|trg|vegur)$")
_BLOCK_PART = re.compile(r"(?:[ ]*(?:,|\n)[ \t]*(?:>[ \t]*)*)((?:[^\W\d_][\w.'’()-]*(?:[ ][^\W\d_][\w.'’()-]*){0,3})?(?:[ ]?\d{5}-\d{4}|[ ]?\d{2,3}-\d{3}|[ ]?[A-Z]?\d{1,6}[A-Z]?(?:[ ]\d[A-Z]{2})?)?)")


def _augment(text: str, doc) -> list[tuple[int, int, str, float]]:
    """Extra spans from rules and gazetteers: titles + names, known first names, places, addresses."""
    from privsynth.detect import gazetteer

    out: list[tuple[int, int, str, float]] = []
    for m in _TITLE_NAME.finditer(text):
        out.append((m.start(1), m.end(1), E.PERSON.name, 0.8))
    for m in _LABELLED_NAME.finditer(text):
        out.append((m.start(1), m.end(1), E.PERSON.name, 0.8))
    for m in _LABELLED_PHONE.finditer(text):
        if sum(ch.isdigit() for ch in m.group(1)) >= 6:
            out.append((m.start(1), m.end(1), E.PHONE_NUMBER.name, 0.9))
    lower_text = text.islower()
    firsts, lasts, places = gazetteer.first_names(), gazetteer.last_names(), gazetteer.places()
    toks = list(doc) if doc is not None else []
    i = 0
    while i < len(toks):
        t = toks[i]
        w = t.text
        cand = w.title() if (w.isupper() and len(w) >= 3) or (lower_text and w.isalpha()) else w
        if cand[:1].isupper() and cand in firsts and w.lower() not in gazetteer.COMMON_WORDS:
            j = i + 1
            while j < len(toks) and j - i < 4:
                nw = toks[j].text
                if re.fullmatch(r"[A-ZÀ-ÖØ-Þ](?:\.)?", nw) or (nw[:1].isupper() and (nw in lasts or nw.title() in lasts or toks[j].pos_ == "PROPN")
                                                                 and nw.lower() not in gazetteer.COMMON_WORDS and not _STREET_WORD.match(nw)):
                    j += 1
                    continue
                break
            if j - i >= 2 or t.pos_ == "PROPN":
                end = toks[j - 1].idx + len(toks[j - 1].text)
                out.append((t.idx, end, E.PERSON.name, 0.7 if j - i >= 2 else 0.6))
                i = j
                continue
        # places: longest n-gram (up to 4 tokens) in the gazetteer
        if w[:1].isupper():
            for n in (4, 3, 2, 1):
                if i + n > len(toks):
                    continue
                span_text = text[t.idx: toks[i + n - 1].idx + len(toks[i + n - 1].text)]
                key = span_text if not span_text.isupper() else span_text.title()
                if key in places and (n > 1 or (t.pos_ == "PROPN" and w.lower() not in gazetteer.COMMON_WORDS)):
                    out.append((t.idx, t.idx + len(span_text), E.LOCATION.name, 0.6))
                    i += n - 1
                    break
        i += 1
    rules = _ADDRESS_RULES + (_ADDRESS_RULES_LOWER if text.islower() else [])
    for rx in rules:
        for m in rx.finditer(text):
            # rules beat the NER labels (DATE/PERSON) spaCy puts on pieces of an address
            out.append((m.start(), m.end(), E.STREET_ADDRESS.name, 0.9))
    return out


_NUMERIC_DATE = re.compile(r"\d{1,8}")


_CALENDAR_WORD = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|"
                            r"christmas|easter|new year|today|yesterday|tomorrow|tonight)")
_DURATION = re.compile(r"(?i)^(?:about |around |over |almost |nearly |some |the )?(?:\d+\+?|\d+(?:st|nd|rd|th))[ -]?"
                       r"(?:years?|months?|weeks?|days?|hours?|minutes?|yrs?)(?: old)?$")


def _drop_noise(text: str, results: list) -> list:
    """spaCy's DATE label covers much that is not a date of anybody: bare 4-6 digit numbers
    (postcodes, house numbers; years are kept), vague expressions without a digit or a calendar
    word ("this morning", "a few months ago"), and durations ("8+ years", "10th year")."""
    keep = []
    for r in results:
        if r.entity_type == E.DATE_TIME.name:
            t = text[r.start:r.end]
            if _NUMERIC_DATE.fullmatch(t) and not (len(t) == 4 and 1900 <= int(t) <= 2099):
                continue
            if not any(ch.isdigit() for ch in t) and not _CALENDAR_WORD.search(t):
                continue
            if _DURATION.match(t.strip()):
                continue
        keep.append(r)
    return keep


def _extend_addresses(text: str, spans: list[Span]) -> list[Span]:
    """An address continues over the following comma- or newline-separated parts (city, state,
    country, postcode) of an address block; swallow the spans inside the extension."""
    spans = sorted(spans, key=lambda s: s.start)
    out: list[Span] = []
    i = 0
    while i < len(spans):
        sp = spans[i]
        if sp.entity_type == E.STREET_ADDRESS.name:
            j = i + 1
            while True:
                end = sp.end
                for _ in range(6):
                    m = _BLOCK_PART.match(text, end)
                    if not m or not m.group(1) or len(m.group(1)) > 40:
                        break
                    seg = m.group(1)
                    if "@" in seg or ":" in seg or (seg.split()[0].lower() in ("i", "we", "it", "the", "and", "please", "call", "thanks")):
                        break
                    end = m.end()
                if end > sp.end:
                    sp = Span(start=sp.start, end=end, entity_type=sp.entity_type, score=sp.score)
                grew = False
                while j < len(spans) and spans[j].start < sp.end + 1:
                    if spans[j].end > sp.end:
                        sp = Span(start=sp.start, end=spans[j].end, entity_type=sp.entity_type, score=sp.score)
                        grew = True
                    j += 1
                if not grew:
                    break
            # a sentence-final full stop is not part of the address (but "St." and "Apt." keep theirs)
            if text[sp.end - 1] == "." and not re.search(r"(?:\b[A-Z][a-z]{0,3}|\b[A-Z]{1,3})\.$", text[max(0, sp.end - 6):sp.end]):
                sp = Span(start=sp.start, end=sp.end - 1, entity_type=sp.entity_type, score=sp.score)
            # a house or flat number just before the street ("03262 2437 Main St")
            m = re.search(r"(?:^|(?<=[\s>]))\d{1,6}[ ]+$", text[max(0, sp.start - 12):sp.start])
            if m:
                start = sp.start - (len(text[max(0, sp.start - 12):sp.start]) - m.start())
                if out and out[-1].end > start:
                    start = out[-1].end
                sp = Span(start=start, end=sp.end, entity_type=sp.entity_type, score=sp.score)
            out.append(sp)
            i = j
            continue
        out.append(sp)
        i += 1
    return out


_BIRTH_CONTEXT = re.compile(r"(?i)(?:\bborn\b|\bbirth|\bd\.?o\.?b\b|\bb-?day\b|geboren|geburts|\bnée?\b|naissance|nacimiento|nascita)[^.\n]{0,25}$")


def _mark_birth_dates(text: str, spans: list[Span]) -> list[Span]:
    """A date right after birth context ("born on", "DOB:", "Geburtsdatum") is a DATE_OF_BIRTH."""
    out = []
    for sp in spans:
        if sp.entity_type == E.DATE_TIME.name and _BIRTH_CONTEXT.search(text[max(0, sp.start - 40):sp.start]):
            sp = Span(start=sp.start, end=sp.end, entity_type=E.DATE_OF_BIRTH.name, score=sp.score)
        out.append(sp)
    return out


def _resolve(results: list, text: str) -> list[Span]:
    """Drop overlaps: keep the highest-scoring span, then the more specific type (the catalogue's
    one specificity rank, `privsynth.entities.specificity`), then the longer."""
    from presidio_analyzer import RecognizerResult

    # overlapping spans of the same type are one entity: take their union ("Ryan" + "Ryan P Costa")
    by_type: dict[str, list] = {}
    for r in results:
        by_type.setdefault(r.entity_type, []).append(r)
    merged = []
    for et, rs in by_type.items():
        rs.sort(key=lambda r: r.start)
        cur = None
        for r in rs:
            if cur is not None and r.start < cur.end:
                cur = RecognizerResult(et, cur.start, max(cur.end, r.end), max(cur.score, r.score))
            else:
                if cur is not None:
                    merged.append(cur)
                cur = RecognizerResult(et, r.start, r.end, r.score)
        if cur is not None:
            merged.append(cur)
    results = merged
    ranked = sorted(results, key=lambda r: (-r.score, -E.specificity(r.entity_type), -(r.end - r.start), r.start))
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
    from presidio_analyzer import RecognizerResult

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
        res = _drop_noise(piece, res)
        res += [RecognizerResult(e, s, t, sc) for s, t, e, sc in _augment(piece, getattr(artifacts, "tokens", None)) if sc >= thr]
        for sp in _mark_birth_dates(piece, _extend_addresses(piece, _resolve(res, piece))):
            out[i].append(Span(start=sp.start + off, end=sp.end + off, entity_type=sp.entity_type, score=sp.score))
    return out


def scan_texts(texts: Sequence[str], ids: Sequence, policy) -> TextScanResult:
    """Spans per document, with the caller's ids (the public `{"documents": [...]}` shape)."""
    if len(ids) != len(texts):
        from privsynth.errors import PrivsynthError

        raise PrivsynthError(f"scan_texts: {len(texts)} texts but {len(ids)} ids")
    spans = analyze_texts(texts, policy)
    return TextScanResult(documents=[DocumentSpans(id=i, spans=s) for i, s in zip(ids, spans)])
