"""National identifiers in free text (issue 14, session 8): the Portuguese NIF (checksum AND
context), the other countries' numbers with their spans, and numbers that only look like them.
Every value is fictitious: check digits computed from made-up digits."""

import random

import pytest

from privsynth import entities as E
from privsynth.checksums import pt_nif_check_digit
from privsynth.detect import analyze_texts
from privsynth.detect.engine import context_words_pattern, own_context
from privsynth.detect.validators import VALIDATORS, nl_bsn, pt_nif

NIF = "255979711"            # passes the mod-11 check, first digit 2 (a person)
NIF_BAD_CHECK = "255979712"
ORDER_LIKE_NIF = "501964843"  # first digit 5 (a company): a valid NIPC, here used as an order number
BSN = "214035797"            # passes the 11-proef (and not the NIF check)
STEUER_ID = "24170586492"


def _spans(text, **kw):
    return {(text[s.start:s.end], s.entity_type) for s in analyze_texts([text], **kw)[0]}


def _types_on(text, piece):
    a = text.index(piece)
    return {s.entity_type for s in analyze_texts([text])[0] if s.start < a + len(piece) and a < s.end}


# --- the validator -------------------------------------------------------------------------------

@pytest.mark.parametrize("value,ok", [
    (NIF, True), ("255 979 711", True), ("255.979.711", True), (ORDER_LIKE_NIF, True),
    ("123456789", True),                 # weights 9..2: sum 156, 156 mod 11 = 2, check 9
    (NIF_BAD_CHECK, False),
    ("055979711", False),                # no NIF starts with 0
    ("455979711", False),                # 4 only as 45 (non-resident people)
    ("735979711", False), ("765979711", False),  # 73 and 76 are not assigned
    ("111111111", False),                # one digit repeated
    ("25597971", False), ("2559797110", False),
])
def test_pt_nif_validator_checks_length_first_digits_and_mod_11(value, ok):
    assert pt_nif(value) is ok


def test_when_the_mod_11_remainder_is_0_or_1_then_the_check_digit_is_0():
    assert pt_nif_check_digit("10000000") == "2"  # sum 9, remainder 9: 11 - 9
    assert pt_nif_check_digit("10000008") == "8"  # sum 9 + 16 = 25, remainder 3: 11 - 3
    body = next(b for b in (f"2{n:07d}" for n in range(1000)) if sum(int(c) * w for c, w in zip(b, range(9, 1, -1))) % 11 in (0, 1))
    assert pt_nif_check_digit(body) == "0" and pt_nif(body + "0")


def test_pt_nif_is_declared_once_in_the_catalogue_with_its_validator():
    et = E.get("PT_NIF")
    assert et.national_id and et.strength == E.STRONG and et.checksum_collides
    (spec,) = et.recognizers
    assert spec.validator == "pt_nif" and spec.context_required and VALIDATORS.get("pt_nif") is pt_nif
    r = random.Random(3)
    assert all(pt_nif(et.fake(None, r)) for _ in range(50))


def test_a_recognizer_that_requires_context_must_declare_context_words():
    with pytest.raises(ValueError, match="context_required needs context words"):
        E.RecognizerSpec("X", (E.PatternSpec("x", r"\d{9}", 0.2),), context_required=True)


# --- free text: found with the right span --------------------------------------------------------

@pytest.mark.parametrize("text,piece", [
    (f"O cliente pediu a fatura com o NIF {NIF}, por favor corrigir.", NIF),
    ("Contribuinte n.º 255 979 711 - morada atualizada.", "255 979 711"),
    (f"Número de identificação fiscal: {NIF}", NIF),
    ("pf emitir recibo c/ nif 255.979.711 obg", "255.979.711"),
    (f"Customer asked to add his Portuguese NIF {NIF} to the invoice.", NIF),
    (f"Kunde aus Porto, portugiesische Steuernummer (NIF) {NIF}.", NIF),
    (f"Client portugais, NIF {NIF}, facture à refaire.", NIF),
    (f"Número de contribuyente portugués: {NIF}", NIF),
    (f"Klant uit Lissabon, fiscaal nummer (NIF) {NIF}.", NIF),
    (f"Cliente portoghese con NIF {NIF}, rifare la fattura.", NIF),
    (f"{NIF} (NIF) do titular", NIF),   # the word after the number
])
def test_a_portuguese_nif_next_to_its_context_word_is_found_with_its_span(text, piece):
    assert (piece, "PT_NIF") in _spans(text)


def test_a_nif_wins_over_a_portuguese_landline_on_the_same_digits_when_labelled():
    text = "Contribuinte 255 979 711."  # 2xx xxx xxx is also how a Portuguese landline is written
    assert _types_on(text, "255 979 711") == {"PT_NIF"}


@pytest.mark.parametrize("text,piece,entity", [
    (f"Mijn BSN is {BSN}.", BSN, "NL_BSN"),
    ("burgerservicenummer 2140.35.797 graag", "2140.35.797", "NL_BSN"),
    ("Mi DNI es 30703945A, gracias.", "30703945A", "ES_NIF"),
    ("NIE Z1715087M del cliente.", "Z1715087M", "ES_NIE"),
    ("Il mio codice fiscale è BCCFRC15M25E852P.", "BCCFRC15M25E852P", "IT_FISCAL_CODE"),
    ("Mon numéro de sécurité sociale est 1 72 02 32 013 121 26.", "1 72 02 32 013 121 26", "FR_NIR"),
    (f"Steueridentifikationsnummer: {STEUER_ID[:2]} {STEUER_ID[2:5]} {STEUER_ID[5:8]} {STEUER_ID[8:]}",
     f"{STEUER_ID[:2]} {STEUER_ID[2:5]} {STEUER_ID[5:8]} {STEUER_ID[8:]}", "DE_TAX_ID"),
    ("My NI number is JG 10 37 59 A.", "JG 10 37 59 A", "UK_NINO"),
    ("My SSN is 138-73-1034.", "138-73-1034", "US_SSN"),
])
def test_the_other_national_ids_are_found_in_free_text_with_their_span(text, piece, entity):
    assert (piece, entity) in _spans(text)


@pytest.mark.parametrize("text", [
    f"Meine Steuer-ID ist {STEUER_ID}.",     # "Steuer-ID" is also a code word (Steuer-ID of a company file)
    f"Die Steuer-ID lautet {STEUER_ID}.",
])
def test_an_id_whose_own_label_is_also_a_code_word_is_kept(text):
    assert (STEUER_ID, "DE_TAX_ID") in _spans(text)


# --- free text: numbers that pass the check but are not NIFs --------------------------------------

@pytest.mark.parametrize("text", [
    f"O pedido {NIF} foi enviado.",
    f"A encomenda {NIF} foi expedida ontem.",
    f"Fatura {NIF} paga por transferência.",
    f"Order {NIF} shipped on Monday.",
    f"Invoice no. {NIF}, due in 30 days.",
    f"Rechnungsnummer {NIF} bitte angeben.",
    f"Paid {NIF} yesterday.",                         # no label at all
    f"Order {NIF} caused a significant delay.",      # `nif` inside a word is not the word NIF
    f"Ligue para {NIF[:3]} {NIF[3:6]} {NIF[6:]}, depois das 18h.",  # a phone number written like a NIF
])
def test_a_number_passing_the_nif_check_without_its_context_word_is_not_a_nif(text):
    assert "PT_NIF" not in {e for _, e in _spans(text)}


def test_the_context_word_belongs_to_the_nearest_number_only():
    text = f"Nº de contribuinte {NIF}; número de cliente {ORDER_LIKE_NIF}."
    found = _spans(text)
    assert (NIF, "PT_NIF") in found
    assert not any(p == ORDER_LIKE_NIF and e == "PT_NIF" for p, e in found)


@pytest.mark.parametrize("digits", ["255979712", "255979713", "987654321", "100000000"])
def test_nine_digits_failing_the_check_are_not_a_nif_even_with_context(digits):
    assert not pt_nif(digits)
    assert "PT_NIF" not in {e for _, e in _spans(f"NIF {digits}")}


def test_random_nine_digit_order_numbers_are_never_nifs_without_context():
    r = random.Random(14)
    numbers = []
    while len(numbers) < 40:  # numbers that DO pass the NIF check: the hard case
        body = str(r.randint(1, 9)) + "".join(str(r.randrange(10)) for _ in range(7))
        n = body + pt_nif_check_digit(body)
        if pt_nif(n):
            numbers.append(n)
    texts = [f"Encomenda {n} enviada." if i % 2 else f"Tracking {n}, parcel delayed." for i, n in enumerate(numbers)]
    found = analyze_texts(texts)
    assert not any(s.entity_type == "PT_NIF" for doc in found for s in doc)
    labelled = analyze_texts([f"NIF: {n}" for n in numbers])
    assert all([(s.start, s.end, s.entity_type) for s in doc] == [(5, 14, "PT_NIF")] for doc in labelled)


def test_a_grouped_number_between_the_label_and_the_match_takes_the_label():
    text = "Sr. Alves (NIF: 296 450 707) reclamou da entrega 282658343."  # both pass the check
    found = _spans(text)
    assert ("296 450 707", "PT_NIF") in found and ("282658343", "PT_NIF") not in found


def test_own_context_reads_whole_words_and_stops_at_another_number():
    words = context_words_pattern(("nif", "contribuinte"))
    low = "o nif 255979711"
    assert own_context(low, 6, 15, words)
    low = "significant 255979711"
    assert not own_context(low, 12, 21, words)
    low = "nif 255979711 e cliente 501964843"
    assert not own_context(low, 24, 33, words)
    low = "contribuintes: 255979711"
    assert own_context(low, 15, 24, words)


def test_a_bsn_passing_number_is_unchanged_by_the_nif_recognizer():
    # NL BSN keeps its own rule (no context required: 0.85 without its word); it is not a NIF
    assert nl_bsn(BSN) and not pt_nif(BSN)
    assert (BSN, "NL_BSN") in _spans(f"BSN {BSN}")


# --- US SSN without separators: free text only, after its own word --------------------------------

@pytest.mark.parametrize("text", ["social security number 138731034", "SSN: 138731034.", "My SSN is 138731034, thanks."])
def test_nine_bare_digits_after_ssn_are_an_ssn_not_a_phone(text):
    assert ("138731034", "US_SSN") in _spans(text)


@pytest.mark.parametrize("text", ["Order 138731034 shipped.", "Paid 138731034 yesterday.", "My SSN is 666731034."])
def test_nine_bare_digits_without_ssn_or_with_an_invalid_area_are_not_an_ssn(text):
    assert "US_SSN" not in {e for _, e in _spans(text)}


def test_text_only_recognizers_never_run_on_table_cells():
    from privsynth.detect.engine import pattern_recognizers, text_recognizers

    assert "UsSsnCompactInText" in {r.name for r in text_recognizers()}
    assert "UsSsnCompactInText" not in {r.name for r in pattern_recognizers()}
    assert "PtNifValidated" in {r.name for r in pattern_recognizers()}  # a NIF column is decided from its values


def test_text_only_needs_context_required():
    with pytest.raises(ValueError, match="text_only needs context_required"):
        E.RecognizerSpec("X", (E.PatternSpec("x", r"\d{9}", 0.2),), context=("x",), text_only=True)
