"""Issue 14's cases from public bug reports (fictitious values), each with the span it must give.

`expected` is (piece of the text, entity type) that must be found as exactly that span;
`forbidden` is (piece, entity type or None for any type) that must not be reported.
"""

import pytest

from privsynth.detect import analyze_texts


def _spans(text):
    return {(text[s.start:s.end], s.entity_type) for s in analyze_texts([text])[0]}


def _covering(text, piece):
    """Entity types of spans that overlap `piece`."""
    a = text.index(piece)
    b = a + len(piece)
    return {s.entity_type for s in analyze_texts([text])[0] if s.start < b and a < s.end}


FOUND = [
    # names in any casing
    ("Callback requested by rosalind ketteridge about her invoice.", "rosalind ketteridge", "PERSON"),
    ("Callback requested by ROSALIND KETTERIDGE about her invoice.", "ROSALIND KETTERIDGE", "PERSON"),
    ("Callback requested by Rosalind Ketteridge about her invoice.", "Rosalind Ketteridge", "PERSON"),
    ("Appointment moved for DR. OSWIN FAIRWEATHER to Tuesday.", "OSWIN FAIRWEATHER", "PERSON"),
    ("forwarded by marcus delacroix-hale yesterday", "marcus delacroix-hale", "PERSON"),
    # separators inside identifiers
    ("Refund to DE44-5001-0517-5407-3249-31 please.", "DE44-5001-0517-5407-3249-31", "IBAN_CODE"),
    ("Paid with card 6011.9725.1027.3463 on site.", "6011.9725.1027.3463", "CREDIT_CARD"),
    ("Erreichbar unter 0049 (0)30 1234 5678 ab Montag.", "0049 (0)30 1234 5678", "PHONE_NUMBER"),
    ("contact:testdata630-555-0199", "630-555-0199", "PHONE_NUMBER"),
    # French phone numbers in national format
    ("Appelez le 06 12 34 56 78 avant midi.", "06 12 34 56 78", "PHONE_NUMBER"),
    ("Tel 06 12 34 56 78", "06 12 34 56 78", "PHONE_NUMBER"),
    ("My IBAN is DE44 5001 0517 5407 3249 31.", "DE44 5001 0517 5407 3249 31", "IBAN_CODE"),
]


@pytest.mark.parametrize("text,piece,entity", FOUND)
def test_each_reported_case_is_found_as_exactly_its_span(text, piece, entity):
    assert (piece, entity) in _spans(text)


NOT_FOUND = [
    ("Form OMB No. 1545-0008 must be attached.", "1545-0008", None),
    ("The upload failed with error E-2231-0457 again.", "E-2231-0457", None),
    ("Appelez le 06 12 34 56 78 avant midi.", "Appelez le", "PERSON"),
    ("Tel 06 12 34 56 78", "Tel", "PERSON"),
    ("My IBAN is DE44 5001 0517 5407 3249 31.", "My IBAN", "PERSON"),
    ("Refund to DE44-5001-0517-5407-3249-31 please.", "DE44-5001-0517-5407-3249-31", "DATE_TIME"),
    ("Paid with card 6011.9725.1027.3463 on site.", "6011.9725.1027.3463", "MAC_ADDRESS"),
]


@pytest.mark.parametrize("text,piece,entity", NOT_FOUND)
def test_codes_and_words_from_the_reports_are_not_taken_for_personal_data(text, piece, entity):
    types = _covering(text, piece)
    if entity is None:
        assert not types
    else:
        assert entity not in types
