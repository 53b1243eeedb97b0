"""Column roles and types for synthesis, decided from privsynth's scan (never SDV's detection).

Roles:
  identifier  direct identifiers and RECORD_ID keys: never modelled; regenerated or dropped
  free_text   free-text columns: never modelled; dropped or rewritten by the transform stage
  constant    one value in every row: not modelled; the release repeats it
  empty       every value missing: not modelled; the release has the column, all missing
  model       everything else, with an sdtype: numerical, datetime or categorical

Type handling for modelled columns (``privsynth.io.read_table`` reads numbers, leaves dates and
everything else as strings):
  * numeric dtypes -> numerical; integer columns come back as integers (nullable if needed),
    within the training range (SDV's min/max enforcement and rounding).
  * text columns whose every non-missing value is a date/datetime in one of DATE_FORMATS ->
    datetime. Values may mix formats: each is parsed with the first format that fits. Slash
    dates: day-first when some value only fits day-first and none only fits month-first,
    otherwise month-first (US). The release writes every value in the column's most common
    format.
  * text columns where at least 80% but not all values are numbers, or dates -> an error naming
    the column (probably a data-entry problem); set ``synthesize.column_types.<column>`` to
    ``categorical`` (or clean the column) to proceed.
  * anything else (including numbers kept as text because of leading zeros) -> categorical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd

from privsynth import entities as E
from privsynth.errors import InputError

from privsynth.dates import DATE_FORMATS, DateStorage, date_shaped, date_storage, from_datetimes, parse_dates, to_datetimes  # noqa: F401

MIXED_SHARE = 0.8


@dataclass
class ColumnPlan:
    name: str
    role: str  # identifier | free_text | constant | empty | model
    sdtype: Optional[str] = None  # numerical | datetime | categorical (role model only)
    entity_type: Optional[str] = None
    category: str = "non_personal"
    date_format: Optional[str] = None  # output format of a datetime column read from text
    date_formats_seen: list[str] = field(default_factory=list)
    date_storage: Optional[DateStorage] = None  # dates stored as numbers (YYYYMMDD, Excel serial, epoch), written back so
    integer: bool = False
    constant: object = None
    note: str = ""


def _text_kind(s: pd.Series, name: str) -> tuple[str, Optional[pd.Series], dict[str, int]]:
    nn = s.dropna().astype(str).str.strip()
    nn = nn[nn != ""]
    if nn.empty:
        return "categorical", None, {}
    shape = date_shaped(nn)
    if shape.mean() >= MIXED_SHARE:
        parsed, counts = parse_dates(nn)
        share = float(parsed.notna().mean())
        if share == 1.0:
            return "datetime", parsed, counts
        if share >= MIXED_SHARE:
            bad = int(parsed.isna().sum())
            raise InputError(
                f"column {name!r}: {bad} of {len(nn)} values are not dates in a supported format; "
                f"clean them or set synthesize.column_types.{name}: categorical"
            )
    num = pd.to_numeric(nn, errors="coerce")
    share = float(num.notna().mean())
    if MIXED_SHARE <= share < 1.0:
        bad = int(num.isna().sum())
        raise InputError(
            f"column {name!r} mixes numbers and text ({bad} of {len(nn)} values are not numbers); "
            f"clean it or set synthesize.column_types.{name}: categorical"
        )
    return "categorical", None, {}


def _placeholders(nn: pd.Series):
    """Repeated placeholders of a column's non-null values and its other values (privsynth.detect.profile.placeholders,
    over every row, not a sample), or None."""
    from privsynth.detect.profile import placeholders

    return placeholders([str(v) for v in nn.tolist()])


def plan_columns(df: pd.DataFrame, scan, policy, column_types: Optional[dict[str, str]] = None) -> list[ColumnPlan]:
    """One ColumnPlan per column of ``df``, roles from ``scan`` (and policy column rules)."""
    by = scan.by_name()
    overrides = column_types if column_types is not None else (getattr(policy.synthesize, "column_types", {}) or {})
    plans: list[ColumnPlan] = []
    for col in df.columns:
        cs = by.get(col)
        if cs is None:
            raise InputError(f"column {col!r} is not in the scan result; rescan the table")
        category, entity = cs.category, cs.entity_type
        rule = policy.columns.get(col)
        if rule is not None:
            category = rule.category or category
            entity = rule.entity_type or entity
        p = ColumnPlan(name=col, role="model", entity_type=entity, category=category)
        s = df[col]
        if category == "direct_identifier" or (entity or "").upper() == E.RECORD_ID.name:
            p.role = "identifier"
        elif category == "free_text":
            p.role = "free_text"
        elif s.isna().all():
            p.role, p.note = "empty", "all values missing: not modelled, released all missing"
        elif s.nunique(dropna=False) == 1:
            p.role, p.constant = "constant", s.iloc[0]
            p.note = "a single value in every row: not modelled, repeated in the release"
        else:
            forced = overrides.get(col)
            if forced:
                p.sdtype = forced
                if forced == "numerical":
                    nn = pd.to_numeric(s, errors="coerce").dropna()
                    p.integer = bool(len(nn) and (nn % 1 == 0).all())
                if forced == "datetime":
                    parsed, counts = parse_dates(s.dropna())
                    if parsed.isna().any():
                        raise InputError(f"column {col!r}: synthesize.column_types says datetime but some values are not dates in a supported format")
                    p.date_formats_seen = sorted(counts, key=counts.get, reverse=True)  # type: ignore[arg-type]
                    p.date_format = p.date_formats_seen[0] if counts else None
            elif pd.api.types.is_bool_dtype(s):
                p.sdtype = "categorical"
            elif pd.api.types.is_numeric_dtype(s) and (entity or "").upper() in (E.DATE_OF_BIRTH.name, E.DATE_TIME.name) \
                    and (st := date_storage(s, named_as_date=True)) is not None:
                # dates stored as numbers are modelled as datetimes and written back in their storage, so a
                # synthesized YYYYMMDD column never holds an impossible date such as 19758630
                p.sdtype, p.date_storage = "datetime", st
                p.note = f"dates stored as {st.kind} numbers: modelled as dates, released in the same storage"
            elif pd.api.types.is_numeric_dtype(s):
                p.sdtype = "numerical"
                nn = s.dropna()
                p.integer = bool(pd.api.types.is_integer_dtype(s) or (len(nn) and (nn % 1 == 0).all()))
            elif pd.api.types.is_datetime64_any_dtype(s):
                p.sdtype = "datetime"
            else:
                kind, _, counts = _text_kind(s, col)
                p.sdtype = kind
                if kind == "datetime":
                    p.date_formats_seen = sorted(counts, key=counts.get, reverse=True)  # type: ignore[arg-type]
                    p.date_format = p.date_formats_seen[0]
                    if len(counts) > 1:
                        p.note = (f"dates in {len(counts)} formats ({', '.join(p.date_formats_seen)}): "
                                  f"parsed per value, released as {p.date_format}")
        if p.role == "model" and p.sdtype == "categorical":
            nn = s.dropna()
            k = int(nn.nunique())
            rows, where = len(nn), ""
            if 20 < k <= 0.5 * len(nn) and (ph := _placeholders(nn)) is not None and len(set(ph.core)) > 20:
                # a few repeated fillers ("keine Angabe", "-", "unknown") hide near-unique values in the other rows
                # (trial finding F-S1: 359 real names sampled from a column that was one-third names): judged on those
                k, rows = len(set(ph.core)), len(ph.core)
                where = f", besides {len(ph.values)} repeated placeholder values in {ph.share:.0%} of the rows"
            if k > 20 and k > 0.5 * rows and overrides.get(col):
                p.note = (f"near-unique category ({k} distinct values in {rows} rows{where}) modelled because "
                          "synthesize.column_types says so: its released values are real training values")
            elif k > 20 and k > 0.5 * rows:
                # a category model releases training values: with near-unique values that would copy
                # real people's values (full postcodes, rare job titles) into the release
                p.role = "identifier"
                p.note = (f"near-unique category ({k} distinct values in {rows} rows{where}): modelling it would release "
                          "real training values, so it is regenerated as fake values of the same kind; generalise it "
                          "in the input (e.g. postcode district) to keep it in the model")
        plans.append(p)
    return plans


def to_model_frame(df: pd.DataFrame, plans: list[ColumnPlan]) -> pd.DataFrame:
    """The frame a synthesizer sees: modelled columns only, dates parsed to datetime64."""
    cols = {}
    for p in plans:
        if p.role != "model":
            continue
        s = df[p.name]
        if p.sdtype == "datetime" and p.date_storage is not None:
            s = to_datetimes(s, p.date_storage)
        elif p.sdtype == "datetime" and not pd.api.types.is_datetime64_any_dtype(s):
            s, _ = parse_dates(s)
        elif p.sdtype == "categorical":
            s = s.astype(object).map(lambda v: np.nan if pd.isna(v) else (v if isinstance(v, str) else str(v)))
        elif p.sdtype == "numerical":
            s = pd.to_numeric(s, errors="coerce")
        cols[p.name] = s
    return pd.DataFrame(cols, index=df.index)


def from_model_frame(sampled: pd.DataFrame, plans: list[ColumnPlan], original: pd.DataFrame) -> dict[str, pd.Series]:
    """Restore the original representation of sampled modelled columns."""
    out: dict[str, pd.Series] = {}
    for p in plans:
        if p.role != "model":
            continue
        s = sampled[p.name]
        orig = original[p.name]
        if p.sdtype == "datetime" and p.date_storage is not None:
            s = from_datetimes(s, p.date_storage, like=orig)
        elif p.sdtype == "datetime":
            s = pd.to_datetime(s, errors="coerce")
            if not pd.api.types.is_datetime64_any_dtype(orig) and p.date_format:
                s = s.dt.strftime(p.date_format).astype(object).where(s.notna(), np.nan)
        elif p.sdtype == "numerical":
            s = pd.to_numeric(s, errors="coerce")
            if p.integer:
                s = s.round()
                s = s.astype("int64") if s.notna().all() and pd.api.types.is_integer_dtype(orig) else s.astype("Int64")
        elif p.sdtype == "categorical" and pd.api.types.is_bool_dtype(orig):
            s = s.map({"True": True, "False": False, True: True, False: False})
            s = s.astype(bool) if s.notna().all() else s
        out[p.name] = s.reset_index(drop=True)
    return out
