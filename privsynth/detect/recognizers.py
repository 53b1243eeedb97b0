"""Recognizers privsynth adds to Presidio's defaults, and the ones a policy declares.

European identifiers carry a validator (checksum where one exists) looked up by name in
`privsynth.detect.validators.VALIDATORS`; a match that fails its validator is dropped.
"""

from __future__ import annotations

import re
from typing import Callable, List, Optional, Sequence, Union

from privsynth.detect.engine import import_nlp_libraries

import_nlp_libraries()  # Presidio without torch (see engine.import_nlp_libraries)

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult  # noqa: E402

from privsynth import entities as E  # noqa: E402
from privsynth.detect.validators import get_validator  # noqa: E402
from privsynth.errors import PolicyError  # noqa: E402


def _result(rec: EntityRecognizer, entity: str, start: int, end: int, score: float) -> RecognizerResult:
    expl = AnalysisExplanation(recognizer=rec.name, original_score=score, textual_explanation=rec.name)
    return RecognizerResult(entity, start, end, score, analysis_explanation=expl,
                            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: rec.name,
                                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: rec.id})


class ValidatedPatternRecognizer(PatternRecognizer):
    """A regex recognizer whose matches must pass a validator (then scored 1.0).

    `validator`: a name in `privsynth.detect.validators.VALIDATORS`, or a callable `str -> bool`
    (a declaration in `privsynth.entities` may carry its own check); None: no validation.
    `context_required`: free text keeps a match only next to one of its context words
    (`privsynth.detect.engine.own_context`; `RecognizerSpec.context_required`)."""

    def __init__(self, *, validator: Union[str, Callable[[str], bool], None] = None, context_required: bool = False, **kw):
        self.context_required = context_required
        if validator is None or isinstance(validator, str):
            self.validator_name = validator
            self._validator = get_validator(validator) if validator else None
        else:
            self.validator_name = getattr(validator, "__name__", "validator")
            self._validator = validator
        super().__init__(**kw)

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        if self._validator is None:
            return None
        return bool(self._validator(pattern_text))


def _p(name: str, regex: str, score: float) -> Pattern:
    return Pattern(name=name, regex=regex, score=score)


_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Av|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Square|Sq|Terrace|Close|"
    r"Crescent|Cres|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Trl|Row|Gardens|Hill|Mews|Alley|Walk|Grove|Park|Loop|Pike|"
    r"Plaza|Path|Ridge|Point|Turnpike|Expressway|Freeway|Crossing|Route|Heights|Junction|Bypass|Mall|Commons)s?(?![\w'’-])\.?"
)
_CAPWORD = r"[A-ZÀ-Ý][\w'’.-]*"
_EU_STREET = r"\w*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|gracht|laan|straat|plein|vej|gade|gatan|vägen|katu|tie|utca|ulica|ul\.)"
_UNIT = r"(?:\s*,?\s*(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Fl\.?|Room|#)\s*[\w-]+)?"

ADDRESS_PATTERNS = [
    # 123 Main Street, 6750 Koskikatu 25 Apt. 864
    _p("us_street", rf"\b\d{{1,6}}[A-Za-z]?\s+(?:{_CAPWORD}\s+){{0,4}}{_STREET_SUFFIX}(?:\s+\d{{1,5}})?{_UNIT}", 0.6),
    # Koskikatu 25 / Hauptstraße 5 / Via Roma 12 (European order: name then number)
    _p("eu_street", rf"(?i:\b{_EU_STREET})\s+\d{{1,5}}[a-zA-Z]?(?:\s*[-/]\s*\d{{1,4}})?{_UNIT}", 0.6),
    _p("romance_street", rf"\b(?:Rue|Avenue|Boulevard|Chemin|Place|Allée|Impasse|Calle|Avenida|Plaza|Paseo|Carrer|Via|Viale|Piazza|Corso|Rua|Travessa|Largo|ul\.|Ulica|Straße)\s+(?:(?:de|del|la|le|les|des|du|da|do|di|della|dos|das)\s+)?(?:{_CAPWORD}\s*){{1,4}},?\s*\d{{1,5}}[a-zA-Z]?{_UNIT}", 0.55),
    _p("num_romance", rf"\b\d{{1,5}},?\s+(?:rue|avenue|boulevard|chemin|place|allée|impasse)\s+(?:(?:de|du|des|la|le|les)\s+)?(?:{_CAPWORD}\s*){{1,4}}", 0.6),
    _p("po_box", r"\b(?:P\.?\s?O\.?\s?Box|Postfach|Apartado|Boîte postale|BP|Casilla)\s+\d{1,6}\b", 0.6),
]

POSTCODE_PATTERNS = [
    _p("uk_postcode", r"\b(?:GIR 0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKS-UW]|[A-HK-Y]\d[ABEHMNPRV-Y]) ?\d[ABD-HJLNP-UW-Z]{2})\b", 0.5),
    _p("ca_postcode", r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b", 0.5),
    _p("nl_postcode", r"\b[1-9]\d{3} ?[A-Z]{2}\b", 0.3),
    _p("pt_postcode", r"\b\d{4}-\d{3}\b", 0.3),
    _p("pl_postcode", r"\b\d{2}-\d{3}\b", 0.15),
    _p("us_zip4", r"\b\d{5}-\d{4}\b", 0.4),
    _p("zip5", r"\b\d{5}\b", 0.05),
]
POSTCODE_CONTEXT = ["zip", "postcode", "postal", "post code", "plz", "postleitzahl", "code postal", "cp", "cap", "zipcode"]


class PhoneRegexRecognizer(PatternRecognizer):
    """International phone formats that `phonenumbers` leniency rejects in running text
    (+CC groups, (area) local, dotted and spaced national formats, extensions)."""

    PATTERNS = [
        _p("intl", r"(?<![\w+])\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,4}(?:\s*(?:x|ext\.?)\s*\d{1,5})?(?!\w)", 0.6),
        _p("paren", r"(?<!\w)\(\d{2,5}\)\s?\d{2,4}[\s.-]?\d{2,4}(?:[\s.-]?\d{2,4})?(?:\s*(?:x|ext\.?)\s*\d{1,5})?(?!\w)", 0.5),
        _p("grouped", r"(?<![\w.+-])0\d{1,4}[\s.-]\d{2,4}[\s.-]\d{2,4}(?:[\s.-]\d{2,4})?(?![\w-])", 0.4),
        _p("us_dashed", r"(?<![\w.+-])(?:1[\s.-])?\d{3}[.-]\d{3}[.-]\d{4}(?:\s*(?:x|ext\.?)\s*\d{1,5})?(?![\w-])", 0.45),
        _p("ext_x", r"(?<![\w.+-])\d{3}[\s.-]?\d{3}[\s.-]?\d{4}\s*x\d{1,5}(?!\w)", 0.6),
    ]

    def __init__(self) -> None:
        super().__init__(supported_entity=E.PHONE_NUMBER.name, patterns=self.PATTERNS, name="PhoneInternational",
                         context=["phone", "tel", "telephone", "mobile", "cell", "call", "fax", "contact", "number", "téléphone", "telefon", "handy"])

    _DATE = re.compile(r"^\s*(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})\s*$")

    def invalidate_result(self, pattern_text: str) -> Optional[bool]:
        if self._DATE.match(pattern_text):
            return True
        d = re.sub(r"\D", "", pattern_text.split("x")[0])
        return not (7 <= len(d) <= 15) or len(set(d)) < 3


class AgeRecognizer(PatternRecognizer):
    PATTERNS = [
        _p("years_old", r"\b\d{1,3}(?=[\s-]*(?:years?|yrs?|yo)[\s-]*(?:old|of age)?\b)", 0.7),
        _p("aged", r"(?<=\baged )\d{1,3}\b|(?<=\bage )\d{1,3}\b|(?<=\bage: )\d{1,3}\b|(?<=\bage of )\d{1,3}\b", 0.75),
        _p("is_n", r"(?<=\bis )\d{1,2}(?=[.,!?]?$)|(?<=\bturned )\d{1,3}\b|(?<=\bturns )\d{1,3}\b|(?<=\bturning )\d{1,3}\b", 0.5),
    ]

    def __init__(self) -> None:
        super().__init__(supported_entity=E.AGE.name, patterns=self.PATTERNS, name="AgeRecognizer", context=["age", "old", "aged", "years"])

    def invalidate_result(self, pattern_text: str) -> Optional[bool]:
        return int(pattern_text) > 125


class DateOfBirthRecognizer(PatternRecognizer):
    """Dates in common numeric and written formats; scored high next to birth context words."""

    _M = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
    PATTERNS = [
        _p("iso", r"\b(?:19|20)\d{2}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])\b", 0.5),
        _p("dmy", r"\b(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:19|20)?\d{2}\b", 0.45),
        _p("mdy", r"\b(?:0?[1-9]|1[0-2])[./-](?:0?[1-9]|[12]\d|3[01])[./-](?:19|20)?\d{2}\b", 0.45),
        _p("written_dmy", rf"\b(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?{_M}\.?,?\s+(?:19|20)\d{{2}}\b", 0.55),
        _p("written_mdy", rf"\b{_M}\.?\s+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}\b", 0.55),
        _p("month_year", rf"\b{_M}\.?\s+(?:19|20)\d{{2}}\b", 0.4),
        _p("written_dm", rf"\b(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?{_M}\b", 0.4),
        _p("written_md", rf"\b{_M}\s+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\b", 0.4),
    ]

    def __init__(self) -> None:
        super().__init__(supported_entity=E.DATE_TIME.name, patterns=self.PATTERNS, name="DateFormats",
                         context=["born", "birth", "dob", "birthday", "date", "geboren", "geburtsdatum", "né", "née", "nacimiento"])


class AddressRecognizer(PatternRecognizer):
    def __init__(self) -> None:
        super().__init__(supported_entity=E.STREET_ADDRESS.name, patterns=ADDRESS_PATTERNS, name="StreetAddress",
                         context=["address", "street", "lives", "live", "located", "adresse", "anschrift", "dirección", "indirizzo"])


class PostcodeRecognizer(PatternRecognizer):
    def __init__(self) -> None:
        super().__init__(supported_entity=E.POSTCODE.name, patterns=POSTCODE_PATTERNS, name="Postcode", context=POSTCODE_CONTEXT)


class InternationalPhoneRecognizer(EntityRecognizer):
    """phonenumbers-based matching over many regions (Presidio's default checks 8)."""

    REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "PL", "SE", "PT", "AT", "CH", "IE", "DK", "NO", "FI", "CZ", "AU", "CA", "BR", "IN", "MX")

    def __init__(self) -> None:
        super().__init__(supported_entities=[E.PHONE_NUMBER.name], name="PhoneNumbersIntl", context=["phone", "tel", "telephone", "mobile", "cell", "call"])

    def load(self) -> None:  # noqa: D102
        pass

    def analyze(self, text: str, entities: List[str], nlp_artifacts=None) -> List[RecognizerResult]:
        import phonenumbers

        out: list[RecognizerResult] = []
        if not any(ch.isdigit() for ch in text):
            return out
        seen = set()
        for region in self.REGIONS:
            for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
                if (m.start, m.end) in seen:
                    continue
                seen.add((m.start, m.end))
                out.append(_result(self, E.PHONE_NUMBER.name, m.start, m.end, 0.6))
        return out


class PhoneCellRecognizer(EntityRecognizer):
    """Whole-cell phone check for table columns (fast; phonenumbers' matcher is too slow per cell).

    A cell is a phone number when it holds only phone characters with 7-15 digits, and either
    starts with + / 00 and parses as a possible international number, or is written in groups
    (spaces, dashes, dots, parentheses) or with a national trunk prefix 0."""

    _CHARS = re.compile(r"^\+?[\d\s().\-]+(?:\s*(?:x|ext\.?)\s*\d{1,5})?$", re.I)

    _DATE = re.compile(r"^(?:\d{4}[-.]\d{1,2}[-.]\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{2,4})$")

    def __init__(self) -> None:
        super().__init__(supported_entities=[E.PHONE_NUMBER.name], name="PhoneCell")

    def load(self) -> None:  # noqa: D102
        pass

    def analyze(self, text: str, entities: List[str], nlp_artifacts=None) -> List[RecognizerResult]:
        t = text.strip()
        if not self._CHARS.match(t) or self._DATE.match(t):
            return []
        main = re.split(r"(?i)x|ext", t)[0]
        d = re.sub(r"\D", "", main)
        if not 7 <= len(d) <= 15 or len(set(d)) < 3:
            return []
        score = 0.0
        if t.startswith(("+", "00")):
            import phonenumbers

            try:
                num = phonenumbers.parse(t if t.startswith("+") else "+" + t[2:], None)
                score = 0.8 if phonenumbers.is_possible_number(num) else 0.0
            except phonenumbers.NumberParseException:
                score = 0.0
        elif re.search(r"[\s().\-]", main.strip()) or d.startswith("0"):
            score = 0.5
        if score <= 0:
            return []
        start = text.index(t[0])
        return [_result(self, E.PHONE_NUMBER.name, start, start + len(t), score)]


def catalogue_recognizers(text_only: bool = False) -> list[EntityRecognizer]:
    """One Presidio recognizer per `RecognizerSpec` declared in `privsynth.entities`, in declaration
    order: the specs for tables and text (`text_only=False`), or those declared `text_only`."""
    recs: list[EntityRecognizer] = []
    for et in E.all_types():
        for spec in et.recognizers:
            if spec.text_only != text_only:
                continue
            recs.append(ValidatedPatternRecognizer(
                supported_entity=et.name, name=spec.name, patterns=[_p(p.name, p.regex, p.score) for p in spec.patterns],
                context=list(spec.context), validator=spec.validator, context_required=spec.context_required))
    return recs


def builtin_recognizers() -> list[EntityRecognizer]:
    """The catalogue's pattern recognizers plus privsynth's code recognizers (phones, ages,
    dates, street addresses, postcodes), to add to Presidio's predefined ones."""
    recs: list[EntityRecognizer] = catalogue_recognizers()
    recs += [PhoneRegexRecognizer(), InternationalPhoneRecognizer(), AgeRecognizer(), DateOfBirthRecognizer(), AddressRecognizer(), PostcodeRecognizer()]
    return recs


def policy_recognizers(specs: Sequence) -> list[EntityRecognizer]:
    """Build recognizers from `policy.scan.recognizers`; each problem is a one-line PolicyError."""
    out: list[EntityRecognizer] = []
    seen: set[str] = set()
    for i, spec in enumerate(specs):
        where = f"policy scan.recognizers[{i}] ({spec.name})"
        if spec.name in seen:
            raise PolicyError(f"{where}: duplicate recognizer name")
        seen.add(spec.name)
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", spec.entity_type):
            raise PolicyError(f"{where}: entity_type {spec.entity_type!r} must be UPPER_SNAKE_CASE")
        if not spec.patterns and not spec.deny_list:
            raise PolicyError(f"{where}: needs at least one pattern or a deny_list")
        for j, pat in enumerate(spec.patterns):
            try:
                re.compile(pat.regex)
            except re.error as e:
                raise PolicyError(f"{where}: patterns[{j}].regex does not compile ({e.msg} at position {e.pos})") from None
            if re.fullmatch(pat.regex, ""):
                raise PolicyError(f"{where}: patterns[{j}].regex matches the empty string")
        if spec.validator:
            get_validator(spec.validator, f"{where}: validator")
        out.append(ValidatedPatternRecognizer(
            supported_entity=spec.entity_type, name=spec.name,
            patterns=[Pattern(name=p.name, regex=p.regex, score=p.score) for p in spec.patterns] or None,
            deny_list=list(spec.deny_list) or None, context=list(spec.context) or None, validator=spec.validator,
        ))
    return out
