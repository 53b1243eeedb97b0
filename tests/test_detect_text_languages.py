"""Free text in five languages besides English, names in any casing, codes that are not PII,
throughput devices (cache, prefilter) and bad input. Values are fictitious."""

import warnings

import pytest

from privsynth.detect import analyze_texts
from privsynth.detect import text as textmod
from privsynth.detect.codes import code_context, normalise_separators, plausible_date
from privsynth.detect.language import detect_language
from privsynth.detect.person_names import find_names
from privsynth.detect.phones import find_phones


def _found(text, **kw):
    return {(text[s.start:s.end], s.entity_type) for s in analyze_texts([text], **kw)[0]}


@pytest.mark.parametrize("text,lang", [
    ("Sehr geehrte Damen und Herren, bitte überweisen Sie den Betrag bis Freitag.", "de"),
    ("Bonjour, pourriez-vous me rappeler demain matin au sujet de ma commande ?", "fr"),
    ("Hola, ¿me puede llamar mañana por la tarde para hablar del pedido?", "es"),
    ("Goedemorgen, kunt u mij morgen terugbellen over mijn bestelling?", "nl"),
    ("Buongiorno, potete richiamarmi domani pomeriggio per l'ordine?", "it"),
    ("Please call me back tomorrow afternoon about my order.", "en"),
    ("ok", "en"),
])
def test_the_language_of_each_document_is_identified_offline(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("text,piece,entity", [
    ("Anruf von Jolanta Weißhaupt wegen der Lieferung, bitte unter 030 12345678 zurückrufen.", "Jolanta Weißhaupt", "PERSON"),
    ("Anruf von Jolanta Weißhaupt wegen der Lieferung, bitte unter 030 12345678 zurückrufen.", "030 12345678", "PHONE_NUMBER"),
    ("Sehr geehrte Frau Obermüller,\nvielen Dank für Ihr Schreiben.", "Obermüller", "PERSON"),
    ("Das Paket ging an Lindenstraße 14, 04109 Leipzig.", "Lindenstraße 14", "STREET_ADDRESS"),
    # the town after the postcode belongs to the address (session 8, F-T2; was a separate LOCATION)
    ("Das Paket ging an Lindenstraße 14, 04109 Leipzig.", "Lindenstraße 14, 04109 Leipzig", "STREET_ADDRESS"),
    ("Lieferung an 04109 Leipzig, Hinterhaus.", "04109", "POSTCODE"),
    ("M. Gaspard Lefébure a appelé du 06 12 34 56 78 hier soir.", "06 12 34 56 78", "PHONE_NUMBER"),
    ("M. Gaspard Lefébure a appelé du 06 12 34 56 78 hier soir.", "Gaspard Lefébure", "PERSON"),
    ("Le colis pour le 14, rue des Lilas n'est jamais arrivé.", "14, rue des Lilas", "STREET_ADDRESS"),
    ("La Sra. Remedios Albarracín pidió que la llamen al 612 345 678.", "Remedios Albarracín", "PERSON"),
    ("La Sra. Remedios Albarracín pidió que la llamen al 612 345 678.", "612 345 678", "PHONE_NUMBER"),
    ("De heer van den Broekhuizen belde over zijn factuur.", "van den Broekhuizen", "PERSON"),
    ("Klant Maaike de Vries-Bakker woont op Kerkstraat 12, 3512 JK Utrecht.", "Maaike de Vries-Bakker", "PERSON"),
    ("Klant Maaike de Vries-Bakker woont op Kerkstraat 12, 3512 JK Utrecht.", "Kerkstraat 12", "STREET_ADDRESS"),
    ("Il sig. Gianluca Pettinari ha chiamato dal 347 123 4567 per la fattura.", "Gianluca Pettinari", "PERSON"),
    ("Il sig. Gianluca Pettinari ha chiamato dal 347 123 4567 per la fattura.", "347 123 4567", "PHONE_NUMBER"),
    ("Patiënt: Evert Hooijkaas, 54 jaar, geboren op 03-02-1971.", "03-02-1971", "DATE_OF_BIRTH"),
    ("Paziente: Ottavia Frattini, 61 anni.", "61", "AGE"),
])
def test_identifiers_in_european_languages_are_found_with_their_span(text, piece, entity):
    if entity == "STREET_ADDRESS":  # an address span may go on over the postcode and city
        a = text.index(piece)
        assert any(s.entity_type == entity and s.start == a and s.end >= a + len(piece) for s in analyze_texts([text])[0])
    else:
        assert (piece, entity) in _found(text)


@pytest.mark.parametrize("text,not_person", [
    ("Die Rechnung wurde am Montag per Post verschickt.", "Rechnung"),
    ("Kundin meldet, dass das Paket nicht angekommen ist.", "Kundin"),
    ("Appelez le service client avant midi.", "Appelez"),
    ("Tel: 06 12 34 56 78", "Tel"),
    ("My IBAN is DE44 5001 0517 5407 3249 31.", "IBAN"),
])
def test_sentence_initial_capitals_german_nouns_and_labels_are_not_names(text, not_person):
    a = text.index(not_person)
    spans = analyze_texts([text])[0]
    assert not any(s.entity_type == "PERSON" and s.start <= a < s.end for s in spans)


@pytest.mark.parametrize("text,name", [
    ("callback requested by rosalind ketteridge about her invoice", "rosalind ketteridge"),
    ("CALLBACK REQUESTED BY ROSALIND KETTERIDGE", "ROSALIND KETTERIDGE"),
    ("Notes from Dr. Oswin Fairweather on the case.", "Oswin Fairweather"),
    ("forwarded by marcus delacroix-hale yesterday", "marcus delacroix-hale"),
    ("Brief an Frau Annelie von Stetten-Kriegsheim geschickt.", "Annelie von Stetten-Kriegsheim"),
])
def test_names_are_found_in_any_casing_with_particles_and_hyphens(text, name):
    assert any(text[s:e] == name for s, e, _, _ in find_names(text, "en"))


@pytest.mark.parametrize("text,lang,number", [
    ("Erreichbar unter 0049 (0)30 1234 5678 ab Montag.", "de", "0049 (0)30 1234 5678"),
    ("Rückruf an +49 (0) 89 1234567 bitte.", "de", "+49 (0) 89 1234567"),
    ("Appelez le 06 12 34 56 78.", "fr", "06 12 34 56 78"),
    ("Llámame al +34 612 34 56 78.", "es", "+34 612 34 56 78"),
    ("Bel me op 06-12345678.", "nl", "06-12345678"),
    ("Chiamami al 347 123 4567.", "it", "347 123 4567"),
    ("contact:testdata630-555-0199", "en", "630-555-0199"),
])
def test_phone_numbers_are_parsed_in_the_regions_of_the_document_language(text, lang, number):
    assert [text[s:e] for s, e, _, _ in find_phones(text, lang)] == [number]


@pytest.mark.parametrize("text", [
    "Form W-2 (OMB No. 1545-0008) filed.",
    "The upload failed with error E-2231-0457 again.",
    "Ticket INC-0045821 was closed.",
    "Rechnung RE-2024-08151 ist bezahlt.",
    "Commande B68105572-76 expédiée.",
    "Updated to version 4.12.1 last night.",
    "Order 4471-2290-18 shipped.",
])
def test_form_error_invoice_order_and_version_numbers_are_not_dates_or_phones(text):
    assert not {e for _, e in _found(text)} & {"DATE_TIME", "PHONE_NUMBER", "NL_BSN", "DE_TAX_ID"}


def test_a_valid_identifier_wins_over_a_date_on_the_same_digits():
    text = "Please refund DE44-5001-0517-5407-3249-31 today."
    assert _found(text) >= {("DE44-5001-0517-5407-3249-31", "IBAN_CODE")}
    assert not any(e == "DATE_TIME" for _, e in _found(text))


@pytest.mark.parametrize("raw,norm", [
    ("DE44-5001-0517", "DE44 5001 0517"),
    ("6011.9725.1027.3463", "6011 9725 1027 3463"),
    ("a - b", "a - b"),
])
def test_separators_inside_identifiers_are_normalised_without_moving_offsets(raw, norm):
    assert normalise_separators(raw) == norm and len(normalise_separators(raw)) == len(raw)


@pytest.mark.parametrize("s,ok", [("12.03.1981", True), ("1545-0008", False), ("31/02/2020", True), ("4.2.1", False), ("2024-13-01", False)])
def test_only_real_day_month_year_numbers_are_dates(s, ok):
    assert plausible_date(s) is ok


def test_a_phone_word_overrides_a_code_label():
    text = "Order questions: phone 030 1234567"
    assert not code_context(text, text.index("030"))


def test_texts_without_a_capitalised_word_mid_sentence_skip_the_model():
    assert not textmod.needs_ner("No issues reported.")
    assert not textmod.needs_ner("customer satisfied, no further action")
    assert textmod.needs_ner("Spoke with Anna Berg about the refund.")


@pytest.mark.parametrize("text,needs", [
    ("error E-4012-0031 when paying", False),                   # a code holds a digit: no name or place
    ("Escalated ticket INC-0045821 after the outage", False),
    ("Form W-2 filed again", False),
    ("error E-4012-0031 when paying for Anna Berg", True),      # the name still calls for the model
    ("flight to Perth on the 4th", True),
])
def test_capitalised_words_holding_a_digit_do_not_call_for_the_model(text, needs):
    assert textmod.needs_ner(text) is needs


def test_the_model_of_a_language_is_looked_up_once_per_process(monkeypatch):
    import importlib.util

    from privsynth.detect import engine

    engine.ner_model_for("en")  # cached from here on
    monkeypatch.setattr(importlib.util, "find_spec", lambda *a, **k: (_ for _ in ()).throw(AssertionError("looked up again")))
    assert engine.ner_model_for("en") == engine.DEFAULT_MODEL


def test_each_distinct_text_is_analysed_once(monkeypatch):
    calls = []
    real = textmod._analyze_one

    def counting(text, *a, **kw):
        calls.append(text)
        return real(text, *a, **kw)

    monkeypatch.setattr(textmod, "_analyze_one", counting)
    out = analyze_texts(["Call Anna Berg on 030 1234567.", "No issues.", "Call Anna Berg on 030 1234567.", "No issues."])
    assert len(calls) == 2
    assert out[0] == out[2] and out[0]


@pytest.mark.parametrize("text", [
    "\x00\x01\x02\xff\xfe binary \x1b[0m junk \ufffd\ufffd",
    "اتصل بأحمد على الرقم 0501234567 غدا",
    "מספר הטלפון של דנה הוא 052-1234567",
    "🙂🙂 call me 📞 +44 20 7946 0958 🎉",
    "\u202eevil right-to-left override\u202c John Smith",
])
def test_binary_junk_right_to_left_text_and_emoji_do_not_crash(text):
    spans = analyze_texts([text])[0]
    assert all(0 <= s.start < s.end <= len(text) for s in spans)


def test_a_document_over_the_cap_is_scanned_up_to_it_with_a_warning_saying_what_was_not():
    head = "Contact Anna Berg at anna.berg@example.org. "
    text = head + "x" * (textmod.MAX_DOC_CHARS + 10) + " tail.person@example.org"
    missed = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spans = analyze_texts([text], unscanned=missed)[0]
    assert ("anna.berg@example.org", "EMAIL_ADDRESS") in {(text[s.start:s.end], s.entity_type) for s in spans}
    assert all(s.end <= textmod.MAX_DOC_CHARS for s in spans)
    assert missed == [(0, textmod.MAX_DOC_CHARS, len(text))]
    msgs = [str(w.message) for w in caught if issubclass(w.category, textmod.TextNotFullyScanned)]
    assert msgs and f"{textmod.MAX_DOC_CHARS:,}-{len(text):,}" in msgs[0] and "example.org" not in msgs[0]


def test_empty_and_whitespace_texts_give_no_spans():
    assert analyze_texts(["", " \n\t ", None]) == [[], [], []]
