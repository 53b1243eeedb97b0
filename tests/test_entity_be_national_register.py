"""The Belgian national register number: the example of adding an entity type with one
declaration (privsynth/entities/national_ids.py) and this test."""

import numpy as np
import pandas as pd
import pytest

from privsynth import entities
from privsynth.detect import analyze_texts, scan_table
from privsynth.entities.national_ids import be_national_register_ok
from privsynth.synthesize.identifiers import fake_values
from privsynth.transform.surrogates import SurrogateFactory

BE = entities.BE_NATIONAL_REGISTER.name


def _nrn(yy: int, mm: int, dd: int, seq: int, born_2000s: bool = False) -> str:
    body = f"{yy:02d}{mm:02d}{dd:02d}{seq:03d}"
    n = int(("2" if born_2000s else "") + body)
    return f"{body[:2]}.{body[2:4]}.{body[4:6]}-{body[6:]}.{97 - n % 97:02d}"


VALID = [_nrn(85, 7, 30, 33), _nrn(90, 2, 1, 997), _nrn(5, 11, 3, 2, born_2000s=True), _nrn(72, 0, 0, 123),
         _nrn(64, 21, 9, 15)]  # month 00 (date unknown) and +20 (bis number)


@pytest.mark.parametrize("number", VALID)
def test_when_the_mod_97_check_holds_then_the_number_is_valid(number):
    assert be_national_register_ok(number)
    assert be_national_register_ok(number.replace(".", "").replace("-", ""))


@pytest.mark.parametrize("number", [
    VALID[0][:-1] + str((int(VALID[0][-1]) + 1) % 10),  # check digits off by one
    "85.13.30-033.00",  # month 13
    "11111111111",  # repeated digit
    "85.07.30-033",  # too short
])
def test_when_the_check_or_the_date_fails_then_the_number_is_invalid(number):
    assert not be_national_register_ok(number)


def test_the_declaration_is_registered_with_its_category_rank_and_hints():
    et = entities.get(BE)
    assert et.category == "direct_identifier" and et.national_id and entities.is_strong(BE)
    assert "rijksregisternummer" in et.header_hints["nl"] and "niss" in et.header_hints["fr"]


def test_a_column_of_valid_numbers_is_detected_as_the_type():
    rng = np.random.default_rng(0)
    vals = [_nrn(int(rng.integers(40, 99)), int(rng.integers(1, 13)), int(rng.integers(1, 29)), int(rng.integers(1, 998)))
            for _ in range(60)]
    scan = scan_table(pd.DataFrame({"ref": vals, "amount": rng.integers(0, 100, 60)}))
    col = scan.by_name()["ref"]
    assert (col.entity_type, col.category) == (BE, "direct_identifier")


def test_a_dutch_header_names_the_type():
    from privsynth.detect.header_hints import name_hint

    assert name_hint("Rijksregisternummer")[0] == BE
    assert name_hint("numéro de registre national")[0] == BE


def test_a_number_in_running_text_is_a_span_of_the_type():
    text = f"Rijksregisternummer van de patiënt: {VALID[0]}."
    [spans] = analyze_texts([text])
    assert any(s.entity_type == BE and text[s.start:s.end] == VALID[0] for s in spans)


def test_fakes_are_valid_numbers_and_surrogates_keep_the_format():
    fakes = fake_values(BE, 25, np.random.default_rng(3))
    assert all(be_national_register_ok(v) for v in fakes)
    s = SurrogateFactory(b"k" * 32).surrogate(BE, VALID[0])
    assert s != VALID[0] and len(s) == len(VALID[0]) and s[2] == "." and s[8] == "-"
