"""Short numbers that are personal data only because of the word next to them.

* Postcodes after a postcode word: `gave postcode 8293`, `postcode: 2000`, `PLZ 8010`, `code postal
  1000`, `CAP 00184`, `código postal 28013`, `postcode 1012 AB`, `postcode 64000-150` (BR),
  `postcode 510 53` (SE); scored 0.9, above a model's DATE on `2036`. 4-digit postcodes (AU, AT, BE, CH,
  DK, NL without letters, ...) are too common as plain numbers to be found without the word.
* Ages in brackets or between commas after a patient/claimant word (and up to three name words in
  any casing) or a name: `Pt Davidson (42)`, `Pt Sitar, 70, lives`,
  `The claimant Lydia Gray (22) says`, `Patient, 42, seen today`, `Patientin (42 J.)`, German
  `53 J.` (Jahre). Names are found elsewhere; the bracket form after a PERSON span is handled in
  text.py (`_ages_after_names`), the forms here need no name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from privsynth import entities as E

POSTCODE_WORDS = (r"post[ -]?codes?|postal[ -]code|zip(?:[ -]?code)?|plz|postleitzahl|code[ -]postal|c\.p\.|(?-i:CAP)"
                  r"|c[óo]digo[ -]postal|codice[ -]postale")
_POSTCODE = re.compile(rf"(?i)\b(?:{POSTCODE_WORDS})(?:[ \t]*(?:is|was|:|=|-|of|nr\.?|no\.?))?[ \t]*"
                       r"(\d{5}-\d{3,4}|\d{3} \d{2}|\d{4,5}(?:[ \t]?[A-Z]{2}(?![A-Za-z]))?)(?![\d.,/-]?\d)")
PATIENT_WORDS = (r"patient(?:in|e)?|pt|pat|client(?:e)?|claimant|resident|pupil|student|paciente|paziente|patiënt|cliënt"
                 r"|kind|child|enfant|niño|niña|bambino|bambina")
# a surname between the patient word and the bracket, whatever the model made of it: capitalised,
# upper case, or hyphenated/apostrophed (`Pt Houston (94)`, `Pt rose-murray (80)`, `Pt von Shaw (35)`)
_NAME_WORD = (r"(?:(?-i:[A-ZÀ-Þ])[\w'’-]*|[^\W\d_]+['’-][\w'’-]+|(?-i:von|van|de|der|den|di|da|del|du|le|la|ten|ter|mc|o'))")
_AGE_AFTER_WORD = re.compile(rf"(?i)\b(?:{PATIENT_WORDS})\.?(?:[ \t]+{_NAME_WORD}){{0,3}}[ \t]*(?:,[ \t]*(\d{{1,3}})(?=[ \t]*,)|"
                             r"\([ \t]*(\d{1,3})(?=[ \t]*(?:j\.|jahre|y\.?|yrs?|years?|ans|años|anni|jaar|a\.)?[ \t]*\)))")
_AGE_J = re.compile(r"(?<![\w.,])(\d{1,3})[ \t]?J\.(?=[\s,;)]|$)")


def find_labelled_numbers(text: str, lang: str = "en") -> list[tuple[int, int, str, float]]:
    """(start, end, POSTCODE | AGE, score) for the forms in the module docstring. Ages above 120
    are dropped."""
    out: list[tuple[int, int, str, float]] = []
    if not any(map(str.isdigit, text)):
        return out
    from privsynth.detect.engine import fold_case

    folded = fold_case(text)
    postcode, age = _gates()
    if postcode is None or postcode(folded):
        for m in _POSTCODE.finditer(text):
            out.append((m.start(1), m.end(1), E.POSTCODE.name, 0.9))  # the label outranks a model's DATE
    # (every match holds a postcode or patient word (`_gates`), or, for `53 J.`, the case-sensitive `J.`)
    for rx in ((_AGE_AFTER_WORD,) if age is None or age(folded) else ()) + ((_AGE_J,) if "J." in text else ()):
        for m in rx.finditer(text):
            g = 1 if m.group(1) is not None else 2
            if int(m.group(g)) <= 120:
                out.append((m.start(g), m.end(g), E.AGE.name, 0.75))
    return out


@lru_cache(maxsize=1)
def _gates() -> tuple:
    """(postcode, age): for `_POSTCODE` and `_AGE_AFTER_WORD`, a function telling whether the case-folded
    text (`engine.fold_case`) holds one of the words every match of the regex holds
    (`engine.necessary_strings`: the postcode words, the patient words), or None (no such words: search)."""
    from privsynth.detect.engine import keyword_search, necessary_strings

    out = []
    for rx in (_POSTCODE, _AGE_AFTER_WORD):
        kws = necessary_strings(rx.pattern, rx.flags)
        out.append(None if not kws else keyword_search(kws))
    return tuple(out)
