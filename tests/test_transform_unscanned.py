"""Text the detector did not scan never leaves as written (new-user trial 14, findings C4 and M6).

A note longer than the per-document cap (`MAX_DOC_CHARS`) was released with its unscanned tail
unchanged, exit 0; the warning named neither column nor row; `scan --format json` gave
`"spans": []` for such a document with nothing recording the cut. All values are fictitious.
"""

import json
import logging

import pandas as pd
import pytest
from click.testing import CliRunner

from privsynth.cli import cli
from privsynth.detect import text as textmod
from privsynth.detect.text import MAX_DOC_CHARS, scan_texts
from privsynth.policy.models import Policy
from privsynth.results import DocumentSpans, Span
from privsynth.transform import anonymize_table, rewrite_texts
from privsynth.transform.text import UNSCANNED_MARKER, cut_unscanned, scanned_end

KEY = bytes(range(32))
FILLER = "Routine follow-up, nothing to report. "


def no_spans(texts):
    return [[] for _ in texts]


def long_note(tail: str) -> str:
    body = FILLER * (MAX_DOC_CHARS // len(FILLER) + 2)
    return body + tail


TAILS = [  # what lies past the cap, in several languages
    "Contact: Hugo Brandtner +49 30 12345678.",
    "Contacter Odile Parmentel au 06 12 34 56 78.",
    "Llamar a Rocío Anzuátegui al 612 34 56 78.",
    "Bel Femke Draaisma op 06-12345678.",
]


@pytest.mark.parametrize("tail", TAILS)
def test_when_a_note_is_longer_than_the_cap_then_its_unscanned_tail_is_removed_and_counted(tail, caplog):
    note = long_note(tail)
    df = pd.DataFrame({"name": ["Ada Quillfeather", "Hugo Brandtner"], "notes": ["Short note.", note]})
    pol = Policy.model_validate({"columns": {"name": {"category": "direct_identifier", "entity_type": "PERSON"},
                                             "notes": {"category": "free_text"}}})
    root = logging.getLogger("privsynth")
    was = root.propagate
    root.propagate = True  # the CLI routes privsynth's warnings to stderr and stops propagation
    try:
        with caplog.at_level(logging.WARNING, logger="privsynth.transform"):
            out = anonymize_table(df, None, pol, key=KEY, detector=no_spans)
    finally:
        root.propagate = was
    new = out.data["notes"][1]
    assert tail not in new and max(tail.split(), key=len) not in new, new[-200:]
    assert len(new) <= MAX_DOC_CHARS + 100
    removed = len(note) - scanned_end(note)
    assert new.endswith(UNSCANNED_MARKER.format(n=f"{removed:,}")), new[-120:]
    assert out.data["notes"][0] == "Short note."
    st = out.report.stats["columns"]["notes"]["not_scanned"]
    assert st == {"cells": 1, "characters": len(note) - MAX_DOC_CHARS, "rows": [1]}
    notes_t = next(t for t in out.report.treatments if t.column == "notes")
    assert "unscanned characters removed" in notes_t.note  # the report's column table shows it
    msgs = [r.getMessage() for r in caplog.records if "limit" in r.getMessage()]
    assert msgs and "'notes'" in msgs[0] and "row position 1" in msgs[0], msgs
    assert not any(w in msgs[0] for w in tail.split() if len(w) > 3), msgs[0]


def test_the_cut_falls_on_a_whitespace_before_the_cap_and_keeps_a_span_that_reaches_past_it_whole():
    text = "a" * (MAX_DOC_CHARS - 20) + " Call +49 30 12345678 today" + " b" * 50
    cut = scanned_end(text)
    assert cut <= MAX_DOC_CHARS and text[cut].isspace() and cut > MAX_DOC_CHARS - 1000
    i = text.index("+49")
    span = Span(start=i, end=i + len("+49 30 12345678"), entity_type="PHONE_NUMBER", score=0.9)
    assert scanned_end(text, [span]) == span.end
    new = rewrite_texts([text], [[span]], KEY)[0]
    assert "12345678" not in new and "+49 30" not in new
    assert new.endswith(UNSCANNED_MARKER.format(n=f"{len(text) - span.end:,}"))


def test_a_text_within_the_cap_is_left_as_it_was():
    text = FILLER * 10
    assert scanned_end(text) == len(text)
    assert rewrite_texts([text], [[]], KEY) == [text]
    s = pd.Series([text, None])
    assert cut_unscanned(s) is s


def test_text_sent_elsewhere_is_cut_before_it_leaves():  # the `llm` operator: nothing unscanned reaches the model
    note = long_note(TAILS[0])
    got = cut_unscanned(pd.Series(["ok", note, None]))
    assert got[0] == "ok" and got[2] is None
    assert TAILS[0] not in got[1] and got[1].endswith("characters removed]")


def test_scan_records_per_document_that_it_was_cut_and_where():
    texts = ["Call Rita Quillfeather on +44 20 7946 0958", long_note(TAILS[0])]
    with pytest.warns(textmod.TextNotFullyScanned, match="document number 2"):
        res = scan_texts(texts, ["n1", "n2"], None)
    assert res.documents[0].not_scanned is None
    assert res.documents[1].not_scanned == [MAX_DOC_CHARS, len(texts[1])]
    dumped = [d.model_dump(mode="json") for d in res.documents]
    assert "not_scanned" not in dumped[0] and dumped[1]["not_scanned"] == [MAX_DOC_CHARS, len(texts[1])]
    assert DocumentSpans.model_validate(dumped[1]).not_scanned == dumped[1]["not_scanned"]


def test_scan_cli_json_gives_the_range_not_scanned(tmp_path):
    f = tmp_path / "docs.jsonl"
    f.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in [("n1", "No issues."), ("n2", long_note(TAILS[1]))]) + "\n")
    with pytest.warns(textmod.TextNotFullyScanned):
        r = CliRunner().invoke(cli, ["scan", str(f), "--text-field", "text", "--id-field", "id", "--format", "json"], catch_exceptions=False)
    assert r.exit_code == 0
    docs = json.loads(r.stdout)["documents"]
    assert "not_scanned" not in docs[0] and docs[1]["not_scanned"][0] == MAX_DOC_CHARS
