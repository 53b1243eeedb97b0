"""Operator base class, the operator registry and the per-column context.

An operator is registered by name in `OPERATORS`; the policy names it per column. Each class
states its GDPR class:

- "pseudonymization": keyed or reversible (Art. 4(5)): still personal data while the key or a
  mapping exists (pseudonymize, tokenize, encrypt, surrogate text rewriting);
- "anonymization": an irreversible building block (generalize, mask, noise, ...): whether the
  release is anonymous is for the evaluation to show (Recital 26);
- "removed": the column's content is gone (drop, redact);
- "none": kept as is.

Operators are vectorized: they compute once per unique value and map back (`map_unique`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Optional, Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from privsynth.errors import KeyMaterialError, PolicyError
from privsynth.registry import Registry
from privsynth.results import Span

OPERATORS: Registry[type["Operator"]] = Registry("operator")

Detector = Callable[[list[str]], list[list[Span]]]
SECRET_PARAM_WORDS = ("key", "secret", "password", "token", "seed")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass
class OpContext:
    column: str
    where: str  # policy path naming this column's rule, for messages
    entity_type: Optional[str]
    category: str
    policy: Any
    df: pd.DataFrame  # the input table (operators read other columns from it, e.g. date_shift)
    key: Optional[bytes] = None
    locale: str = "en_US"
    detector_factory: Optional[Callable[[], Detector]] = None
    factory_getter: Optional[Callable[[], Any]] = None
    want_mapping: bool = False
    stats: dict[str, Any] = field(default_factory=dict)
    mapping: list[pd.DataFrame] = field(default_factory=list)
    note: str = ""
    gdpr_class: Optional[str] = None  # set by an operator whose class depends on what happened
    # dataset-wide facts computed by the Dask engine (value counts, quantiles, RNG states, ...) so
    # that an operator applied to one partition gives what it gives on the whole table; empty locally
    facts: dict[str, Any] = field(default_factory=dict)
    record_redactor: Any = None  # free text: privsynth.transform.record.RecordRedactor of the table's identifiers

    @property
    def factory(self):
        assert self.factory_getter is not None
        return self.factory_getter()

    def detector(self) -> Detector:
        assert self.detector_factory is not None
        return self.detector_factory()

    def add_mapping(self, originals: Sequence[Any], replacements: Sequence[Any], entity_type: Optional[str] = None) -> None:
        if not self.want_mapping:
            return
        self.mapping.append(
            pd.DataFrame(
                {
                    "column": self.column,
                    "entity_type": entity_type or self.entity_type or "",
                    "original": pd.Series(list(originals), dtype=object),
                    "replacement": pd.Series(list(replacements), dtype=object),
                }
            )
        )


class Operator:
    """A per-column operator. Subclasses set name, gdpr_class, keyed, Params and apply()."""

    name: ClassVar[str] = ""
    gdpr_class: ClassVar[str] = "none"
    keyed: ClassVar[bool] = False
    text: ClassVar[bool] = False  # a free-text operator
    summary: ClassVar[str] = ""

    class Params(Params):
        pass

    def __init__(self, params: dict[str, Any] | None, where: str) -> None:
        self.where = where
        self.params = self.validate(params or {}, where)

    @classmethod
    def validate(cls, params: dict[str, Any], where: str) -> BaseModel:
        try:
            return cls.Params(**params)
        except ValidationError as e:
            err = e.errors()[0]
            loc = ".".join(str(x) for x in err.get("loc", ()))
            at = f"{where}.params" + (f".{loc}" if loc else "")
            raise PolicyError(f"{at}: {err.get('msg', 'invalid value')} (operator {cls.name!r})") from None
        except (TypeError, ValueError) as e:
            raise PolicyError(f"{where}.params: invalid parameters for operator {cls.name!r} ({type(e).__name__})") from None

    def public_params(self) -> dict[str, Any]:
        """Parameters for the evidence: never secrets (keys, seeds of keyed derivations)."""
        d = self.params.model_dump(exclude_none=True)
        return {k: v for k, v in d.items() if not any(w in k.lower() for w in SECRET_PARAM_WORDS)}

    def check(self, series: pd.Series, ctx: OpContext) -> None:
        """Data-dependent validation run for every column before any operator is applied."""
        if self.keyed and ctx.key is None:
            raise KeyMaterialError(
                f"{ctx.where}: operator {self.name!r} on column {ctx.column!r} needs a key "
                "(give --key-file or set PRIVSYNTH_KEY; create one with `privsynth keygen`)"
            )

    def apply(self, series: pd.Series, ctx: OpContext) -> Optional[pd.Series]:
        raise NotImplementedError


def map_unique(series: pd.Series, fn: Callable[[np.ndarray], Sequence[Any]], dtype: Any = object) -> pd.Series:
    """Apply `fn` to the unique non-null values once and map the results back (nulls stay null)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    uv = np.asarray(uniques, dtype=object) if not isinstance(uniques, np.ndarray) else uniques
    new = np.asarray(list(fn(uv)) if len(uv) else [], dtype=dtype)
    if dtype is object:
        out = np.empty(len(series), dtype=object)
        out[:] = None
    else:
        out = np.full(len(series), np.nan, dtype=dtype)
    mask = codes >= 0
    if len(new):
        out[mask] = new[codes[mask]]
    return pd.Series(out, index=series.index, name=series.name)


def as_text(v: Any) -> str:
    """A cell as text, the way a CSV would hold it (42.0 -> "42")."""
    if isinstance(v, str):
        return v
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return str(v)
