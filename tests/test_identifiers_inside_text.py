"""Defence in depth: identifiers inside short text (new-user finding, session 6).

A note column of one short sentence per row naming ANOTHER customer with their phone and national ID
("Segnalato da <name>, tel. <phone>, CF <code>.") was called non_personal by the scan (too few lower-case
words to read as sentences), kept verbatim by `anonymize --policy public-release`, and unseen by
residual_pii.text. Each layer now looks at the values itself: the scan calls the column free_text, the
transform never keeps such a column silently, and residual_pii.text scans every column whose values look like
text, whatever the scan called it, naming the column (never the values).

The values are fictitious (Faker, fixed seeds); real Presidio recognizers and spaCy run, nothing is stubbed.
"""

from __future__ import annotations

import json
import random

import pandas as pd
import pytest
from click.testing import CliRunner
from faker import Faker

from privsynth.cli import cli
from privsynth.detect import scan_table
from privsynth.evaluate.prepared import Prepared
from privsynth.evaluate.residual import text_test
from privsynth.matching import normalize
from privsynth.pipeline import text_detector
from privsynth.policy.models import Policy
from privsynth.results import ColumnScan, ScanResult

N = 60

# (locale, template): {name}, {phone}, {id}, {email} are another customer's values
TEMPLATES = {
    "it_referral": ("it_IT", "Segnalato da {name}, tel. {phone}, CF {id}."),
    "es_referral": ("es_ES", "Referido por {name}, tel. {phone}, DNI {id}."),
    "en_contact": ("en_GB", "Ask {name} at {email}, mob {phone}."),
    "de_callback": ("de_DE", "Rückruf {name} Tel. {phone} erbeten"),
}


def _people(locale: str, n: int, seed: int) -> pd.DataFrame:
    f = Faker(locale)
    f.seed_instance(seed)
    ident = {"it_IT": f.ssn, "es_ES": getattr(f, "nif", f.ssn)}.get(locale, f.ssn)
    return pd.DataFrame({"name": [f.name() for _ in range(n)], "phone": [f.phone_number() for _ in range(n)],
                         "id": [ident() for _ in range(n)], "email": [f.email() for _ in range(n)]})


def _customers(template: str, header: str, n: int = N, seed: int = 3) -> pd.DataFrame:
    locale, tpl = TEMPLATES[template]
    p = _people(locale, n, seed)
    r = random.Random(seed)
    notes = []
    for _ in range(n):
        o = p.iloc[r.randrange(n)]  # another customer
        notes.append(tpl.format(name=o["name"], phone=o["phone"], id=o["id"], email=o["email"]))
    return pd.DataFrame({"cliente_id": [f"C{1000 + i}" for i in range(n)], "nombre": p["name"], "telefono": p["phone"],
                         "documento": p["id"], "segmento": [("retail", "business", "public")[i % 3] for i in range(n)],
                         header: notes})


def _scan(df: pd.DataFrame) -> dict[str, ColumnScan]:
    return {c.name: c for c in scan_table(df, Policy()).columns}


# --------------------------------------------------------------------------- the scan


@pytest.mark.parametrize("template, header", [("it_referral", "notas"), ("es_referral", "c13"), ("en_contact", "notes"),
                                              ("de_callback", "Bemerkung")])
def test_short_notes_naming_other_peoples_phones_and_ids_are_free_text_whatever_the_header(template, header):
    col = _scan(_customers(template, header))[header]
    assert col.category == "free_text", col.evidence["reason"]
    assert col.evidence["text_cells_with_pii"] > 0  # the evidence says what the text detector found
    assert "PHONE_NUMBER" in col.evidence["text_spans"]


def test_short_notes_naming_the_customer_are_free_text():
    f = Faker("es_ES")
    f.seed_instance(11)
    names = [f.name() for _ in range(N)]
    df = pd.DataFrame({"nombre": names, "notas": [f"Hablé con {n} ayer." for n in names]})
    col = _scan(df)["notas"]
    assert col.category == "free_text", col.evidence["reason"]
    assert "PERSON" in col.evidence["text_spans"]


@pytest.mark.parametrize("values", [
    ["Pack of 12 units, 250 ml each", "Box of 6, 1.5 l bottles", "Carton of 24 cans, 330 ml", "Bag of 3, 2 kg"] * 15,
    ["Model X200 Pro, 256 GB", "Model A15 Lite, 128 GB", "Model Z9 Max, 512 GB", "Model Q3 Mini, 64 GB"] * 15,
    [f"Order {1000 + i} shipped in {i % 5 + 1} parcels" for i in range(N)],
])
def test_short_multi_word_values_without_people_stay_non_personal(values):
    col = _scan(pd.DataFrame({"remarks": values}))["remarks"]
    assert col.category == "non_personal", col.evidence
    assert "identifiers_inside_text" not in col.evidence


# --------------------------------------------------------------------------- the transform


def _write(tmp_path, df: pd.DataFrame, name: str = "cross.csv"):
    p = tmp_path / name
    df.to_csv(p, index=False)
    return p


OVERRIDE = "extends: public-release\ncolumns:\n  notas:\n    category: non_personal\n"
KEEP = "extends: public-release\ncolumns:\n  notas:\n    category: non_personal\n    operator: keep\n"


@pytest.mark.parametrize("policy_text, kept, warned", [
    (None, False, False),  # public-release: the scan says free_text, free text is dropped
    (OVERRIDE, False, True),  # the policy says non_personal: the values outrank it, dropped as free text, with a warning
    (KEEP, True, True),  # the policy names keep for the column: kept, never silently
], ids=["scan_says_free_text", "policy_says_non_personal", "policy_says_keep"])
def test_anonymize_for_public_release_never_silently_keeps_notes_with_identifiers(tmp_path, policy_text, kept, warned):
    df = _customers("it_referral", "notas")
    data = _write(tmp_path, df)
    policy = "public-release"
    if policy_text is not None:
        (tmp_path / "p.yaml").write_text(policy_text)
        policy = str(tmp_path / "p.yaml")
    out = tmp_path / "out.csv"
    r = CliRunner().invoke(cli, ["anonymize", str(data), "--out", str(out), "--policy", policy, "--quiet"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    rel = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert ("notas" in rel.columns) == kept
    assert ("column 'notas'" in r.stderr) == warned
    if warned:
        assert "PHONE_NUMBER" in r.stderr or "IT_FISCAL_CODE" in r.stderr
        for v in df["telefono"].head(5):  # never a value in a message
            assert v not in r.stderr


def test_anonymize_with_surrogates_removes_every_phone_and_id_from_the_notes(tmp_path):
    df = _customers("it_referral", "notas")
    data = _write(tmp_path, df)
    key = tmp_path / "k.key"
    key.write_bytes(b"0123456789abcdef0123456789abcdef")
    out = tmp_path / "out.csv"
    r = CliRunner().invoke(cli, ["anonymize", str(data), "--out", str(out), "--key-file", str(key), "--quiet"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    notes = " ".join(pd.read_csv(out, dtype=str, keep_default_na=False)["notas"])
    flat = normalize(notes)
    survivors = [v for c in ("telefono", "documento") for v in df[c] if normalize(v) in flat]
    assert survivors == []


# --------------------------------------------------------------------------- the verifier


def _prepared(original: pd.DataFrame, release: pd.DataFrame, categories: dict[str, tuple[str, str | None]]) -> Prepared:
    scan = ScanResult(columns=[ColumnScan(name=c, category=cat, entity_type=et) for c, (cat, et) in categories.items()],
                      rows=len(original), rows_sampled=len(original))
    policy = Policy()
    return Prepared(policy=policy, scan=scan, columns=list(original.columns), enc=None, original=original, release=release,
                    holdout_eval=None, control=None, release_kind="anonymized", text_detector=text_detector(policy))


@pytest.mark.parametrize("notes_category", ["non_personal", "quasi_identifier", "sensitive"])
def test_residual_text_finds_identifiers_in_a_column_the_scan_did_not_call_free_text_and_names_it(notes_category):
    df = _customers("it_referral", "notas")
    release = df.drop(columns=["nombre", "telefono", "documento"])  # identifier columns removed, the notes kept
    assert "notas" in release.columns
    ctx = _prepared(df, release, {"cliente_id": ("direct_identifier", "RECORD_ID"), "nombre": ("direct_identifier", "PERSON"),
                                  "telefono": ("direct_identifier", "PHONE_NUMBER"),
                                  "documento": ("direct_identifier", "IT_FISCAL_CODE"), "notas": (notes_category, None)})
    t = text_test(ctx, ctx.text_detector)
    assert t.passed is False and t.value > 0
    assert "notas" in t.details["text_columns_not_free_text_in_scan"]
    assert list(t.details["columns_with_leaks"]) == ["notas"]
    assert all(v not in json.dumps(t.details) for v in df["telefono"])  # column names and counts, never values


def test_residual_text_passes_when_the_notes_were_removed():
    df = _customers("it_referral", "notas")
    release = df.drop(columns=["nombre", "telefono", "documento", "notas"])
    ctx = _prepared(df, release, {"telefono": ("direct_identifier", "PHONE_NUMBER"), "notas": ("non_personal", None)})
    t = text_test(ctx, ctx.text_detector)
    assert t.passed is True and t.value == 0
