"""Typed results shared by every stage, and the evidence document (the JSON of record).

Every stage computes once into one of these models; the CLI renders them as tables or JSON and
the report renders the evidence as HTML or Markdown without recomputing anything.

Invariant for everything in this module: no real record value, no per-record distance of a
real record, and no key material. Only column names, aggregates, counts and fingerprints.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_serializer

SCHEMA_VERSION = "1.1"  # 1.1: verdict label inconclusive, TestResult.minimum_detectable_leak/power, EvaluationReport.max_undetected_leak

Category = Literal[
    "direct_identifier",
    "quasi_identifier",
    "special_category",
    "sensitive",
    "free_text",
    "non_personal",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]

GdprClass = Literal["pseudonymization", "anonymization", "synthesis", "removed", "none"]
VerdictLabel = Literal["personal_data", "pseudonymized", "anonymous_candidate", "inconclusive"]
VERDICT_LABELS: tuple[str, ...] = VerdictLabel.__args__  # type: ignore[attr-defined]
# The status of one gate check (docs/report.md, "Check status"): never "pass" for a check whose
# interval reaches its threshold, whose test lacked the power the policy asks for, or that did not run.
CheckStatus = Literal["pass", "fail", "inconclusive", "not_run", "not_applicable"]
CHECK_STATUSES: tuple[str, ...] = CheckStatus.__args__  # type: ignore[attr-defined]
TestStatus = Literal["pass", "fail", "not_run", "info"]
Severity = Literal["error", "warn"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- scan


class ColumnScan(_Model):
    """The decision for one column, with its evidence (never raw values)."""

    name: str
    entity_type: Optional[str] = None
    category: Category = "non_personal"
    confidence: float = 0.0
    coverage: float = 0.0
    evidence: dict[str, Any] = Field(default_factory=dict)
    dtype: str = "object"
    overridden: bool = False


class ScanResult(_Model):
    columns: list[ColumnScan]
    rows: int
    rows_sampled: int
    seed: int = 0

    def by_name(self) -> dict[str, ColumnScan]:
        return {c.name: c for c in self.columns}

    def names(self, *categories: str) -> list[str]:
        return [c.name for c in self.columns if c.category in categories]


class Span(_Model):
    start: int
    end: int
    entity_type: str
    score: float


class DocumentSpans(_Model):
    """Spans of one document. `not_scanned`: [start, end) character offsets of the part the detector
    did not scan (a document longer than `privsynth.detect.text.MAX_DOC_CHARS`); absent from the
    JSON when the whole document was scanned."""

    id: Any
    spans: list[Span]
    not_scanned: Optional[list[int]] = None

    @model_serializer(mode="wrap")
    def _without_empty_cut(self, handler):
        d = handler(self)
        if isinstance(d, dict) and d.get("not_scanned") is None:
            d.pop("not_scanned", None)
        return d


class TextScanResult(_Model):
    documents: list[DocumentSpans]


# --------------------------------------------------------------------------- transform


class ColumnTreatment(_Model):
    """What was done to one column. `params` never holds secrets."""

    column: str
    operator: str
    params: dict[str, Any] = Field(default_factory=dict)
    gdpr_class: GdprClass = "none"
    note: str = ""


class TransformReport(_Model):
    treatments: list[ColumnTreatment]
    key_fingerprint: Optional[str] = None
    mapping_written: bool = False
    rows_in: int = 0
    rows_out: int = 0
    suppressed_rows: int = 0
    stats: dict[str, Any] = Field(default_factory=dict)


# --------------------------------------------------------------------------- synthesis


class SynthesisReport(_Model):
    model: str
    params: dict[str, Any] = Field(default_factory=dict)
    seed: int
    holdout_fraction: float
    train_rows: int
    holdout_rows: int
    release_rows: int
    train_sha256: str = ""
    holdout_sha256: str = ""
    modelled_columns: list[str] = Field(default_factory=list)
    treatments: list[ColumnTreatment] = Field(default_factory=list)
    utility: dict[str, Any] = Field(default_factory=dict)
    model_saved_to: Optional[str] = None
    release_sha256: str = ""  # SHA-256 of the release file as written
    release_path: str = ""  # the release file as written
    release_columns: Optional[int] = None


# --------------------------------------------------------------------------- evaluation


class TestResult(_Model):
    """One verification test. `value` is compared with `threshold` to give `passed`."""

    __test__ = False  # not a pytest class

    id: str  # stable identifier, e.g. "exact_match", "mia.dcr", "wp29.singling_out"
    name: str  # human title
    family: str  # "similarity" | "membership_inference" | "wp29" | "sdc" | "residual_pii" | ...
    measures: str = ""  # what it measures
    how_to_read: str = ""  # how to read the value
    threat_model: str = ""  # what the attacker is assumed to know
    status: TestStatus = "info"
    value: Optional[float] = None
    ci_low: Optional[float] = None
    ci_high: Optional[float] = None
    p_value: Optional[float] = None
    threshold: Optional[float] = None
    comparator: Literal["<=", ">=", "<", ">", "=="] = "<="
    passed: Optional[bool] = None
    required: bool = True  # counts toward the anonymous_candidate verdict
    # smallest leak (share of the release's rows) this test detects with probability `power` at its level;
    # None when the test does not say (the verdict needs it <= EvaluationReport.max_undetected_leak)
    minimum_detectable_leak: Optional[float] = None
    power: Optional[float] = None
    reason_not_run: str = ""
    details: dict[str, Any] = Field(default_factory=dict)  # aggregates only
    charts: dict[str, Any] = Field(default_factory=dict)  # aggregate series for SVG charts


class EvaluationReport(_Model):
    tests: list[TestResult]
    columns_used: list[str] = Field(default_factory=list)
    rows: dict[str, int] = Field(default_factory=dict)  # original/release/holdout/control
    distance: dict[str, Any] = Field(default_factory=dict)  # backend, exact/approximate, encoding
    seed: int = 0
    # policy evaluate.max_undetected_leak: the largest leak (share of released rows) that may go undetected
    # for an anonymous_candidate verdict
    max_undetected_leak: Optional[float] = None

    def get(self, test_id: str) -> Optional[TestResult]:
        for t in self.tests:
            if t.id == test_id:
                return t
        return None


# --------------------------------------------------------------------------- gate & verdict


class GateCheck(_Model):
    """One CI check. `status` says what was found (see `CheckStatus`); `passed` is False for every
    status but pass and not_applicable; `quantity` names what `threshold` is compared with
    ("value" or "p-value")."""

    name: str
    test: Optional[str] = None
    status: Optional[CheckStatus] = None
    quantity: str = "value"
    value: Optional[float] = None
    threshold: Optional[float] = None
    comparator: str = "<="
    severity: Severity = "error"
    passed: bool
    message: str = ""


class GateResult(_Model):
    checks: list[GateCheck]
    passed: bool

    @property
    def failed(self) -> list[GateCheck]:
        return [c for c in self.checks if not c.passed]


class VerdictReason(_Model):
    text: str
    test: Optional[str] = None


class Verdict(_Model):
    label: VerdictLabel
    reasons: list[VerdictReason]
    threat_model: str = ""
    tests_not_run: list[str] = Field(default_factory=list)
    caveat: str = (
        "This is evidence, not a legal determination: whether the data is anonymous in the sense "
        "of GDPR Recital 26 is the controller's judgement, case by case, taking into account the "
        "means reasonably likely to be used by the recipients."
    )


# --------------------------------------------------------------------------- evidence


class ShardEntry(_Model):
    """One file of a dataset of shards (its manifest line)."""

    file: str
    rows: int
    sha256: str

class InputRead(_Model):
    """How an input file was read: encoding, dialect and structure (never a record value).

    `physical_lines` counts lines in the file, `records` the data rows read from them (they
    differ when quoted values hold line breaks, when lines are blank, and by the header).
    `warnings` are the one-line warnings the reader gave (also printed on stderr).
    """

    format: str
    encoding: Optional[str] = None
    encoding_method: Optional[str] = None  # override | bom | utf-8 | utf-16 pattern | detected
    encoding_confident: bool = True
    encoding_alternatives: list[str] = Field(default_factory=list)
    delimiter: Optional[str] = None
    quotechar: Optional[str] = None
    decimal: Optional[str] = None
    thousands: Optional[str] = None
    overrides: list[str] = Field(default_factory=list)  # options given by the user (--encoding ...)
    physical_lines: Optional[int] = None
    records: int = 0
    blank_lines: int = 0
    multiline_records: int = 0
    short_rows: int = 0
    padded_rows: int = 0  # rows with extra empty trailing fields, dropped
    numeric_missing: dict[str, int] = Field(default_factory=dict)  # column -> inf/nan/NA tokens read as missing
    warnings: list[str] = Field(default_factory=list)


class InputFile(_Model):
    role: str  # original | release | holdout | train | policy (role "release": the file shared, as written)
    path: str
    sha256: str  # of the file; for a dataset of shards, of its canonical manifest (privsynth.engine.dataset)
    rows: Optional[int] = None
    columns: Optional[int] = None
    shards: Optional[list[ShardEntry]] = None  # a directory or glob of shards: every file, its rows and SHA-256
    read: Optional[InputRead] = None  # how a single file was read (encoding, dialect, structure)

    @model_serializer(mode="wrap")
    def _omit_unset_shards(self, handler):  # a single file's record stays as it was before datasets existed
        d = handler(self)
        if isinstance(d, dict) and d.get("shards") is None:
            d.pop("shards", None)
        return d


class Signature(_Model):
    """A signature over the evidence digest (`privsynth.gate.evidence_digest`: SHA-256 of the
    canonical JSON without `signature` and `signoff`). `algorithm` is `hmac-sha256` (the project
    key) or `ed25519`; `key_id` is the key's fingerprint, never the key."""

    algorithm: Literal["hmac-sha256", "ed25519"]
    digest: str
    value: str  # hex (HMAC) or base64 (Ed25519)
    key_id: str = ""


class Evidence(_Model):
    schema_version: str = SCHEMA_VERSION
    created_at: str
    command: list[str] = Field(default_factory=list)
    mode: str = "evaluate"  # audit-synthesize | audit-anonymize | evaluate
    inputs: list[InputFile] = Field(default_factory=list)
    policy: dict[str, Any] = Field(default_factory=dict)
    policy_name: str = ""
    scan: Optional[ScanResult] = None
    transform: Optional[TransformReport] = None
    synthesis: Optional[SynthesisReport] = None
    evaluation: Optional[EvaluationReport] = None
    gate: Optional[GateResult] = None
    verdict: Optional[Verdict] = None
    versions: dict[str, str] = Field(default_factory=dict)
    seeds: dict[str, int] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict)
    key_fingerprint: Optional[str] = None
    outputs: Optional[list[InputFile]] = None  # datasets written (directories of shards + manifest)
    signoff: dict[str, Any] = Field(default_factory=dict)
    signature: Optional[Signature] = None

    def release_file(self) -> Optional[InputFile]:
        """The release this evidence is bound to (the input or output with role `release`)."""
        return next((i for i in self.inputs if i.role == "release"), None)

    def _repr_html_(self) -> str:
        """The one-screen summary of the report, for Jupyter (`privsynth.audit(...)` in a notebook)."""
        from privsynth.report import render_summary_html

        return render_summary_html(self)

    @model_serializer(mode="wrap")
    def _omit_unset_outputs(self, handler):  # evidence without dataset outputs keeps its earlier shape
        d = handler(self)
        if isinstance(d, dict) and d.get("outputs") is None:
            d.pop("outputs", None)
        return d


def evidence_json_schema() -> dict[str, Any]:
    s = Evidence.model_json_schema()
    s["$comment"] = f"privsynth evidence schema_version {SCHEMA_VERSION}; generated by `python -m privsynth.results`"
    return s


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(evidence_json_schema(), indent=2))
