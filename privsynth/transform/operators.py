"""Structured per-column operators (see docs/operators.md for users).

Every operator works once per unique value and maps back, or uses pandas/numpy column
operations: no Python loop per cell.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, Literal, Optional

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from privsynth import entities as E
from privsynth.errors import KeyMaterialError, PolicyError
from privsynth.transform.base import OPERATORS, Operator, OpContext, Params, as_text, map_unique
from privsynth.transform.keys import derive_key
from privsynth.transform.surrogates import DATE_FORMATS, normalize, raw_hmac

# --------------------------------------------------------------------------- helpers


def is_numeric_column(s: pd.Series) -> bool:
    """True for a numeric dtype that is not boolean."""
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def is_datetime_column(s: pd.Series) -> bool:
    """True for a datetime64 dtype (with or without time zone)."""
    return pd.api.types.is_datetime64_any_dtype(s)


def detect_date_format(values: pd.Series) -> Optional[str]:
    """The first strptime format that parses every non-null sampled value, or None."""
    sample = values.dropna().astype(str).str.strip()
    sample = sample[sample != ""]
    if sample.empty:
        return None
    sample = sample.drop_duplicates().head(200)
    for fmt in DATE_FORMATS:
        parsed = pd.to_datetime(sample, format=fmt, errors="coerce")
        if parsed.notna().all():
            return fmt
    return None


def _parse_dates(s: pd.Series, where: str, column: str):
    """(datetime series, how the column stores them): the original string format, a privsynth.dates.DateStorage
    for dates stored as numbers (YYYYMMDD, Excel serial, epoch; the policy says the column holds dates), or None
    if the column already is datetime."""
    if is_datetime_column(s):
        return s, None
    from privsynth.dates import numeric_date_storage, to_datetimes

    # numbers first: 19750630 (int or digit text) stays a YYYYMMDD date, not text in a "%Y%m%d" format
    storage = numeric_date_storage(s)
    if storage is not None:
        return to_datetimes(s, storage), storage
    fmt = detect_date_format(s)
    if fmt is None:
        raise PolicyError(f"{where}: column {column!r} does not hold dates in one recognised format")
    return pd.to_datetime(s.astype("string").str.strip(), format=fmt, errors="coerce"), fmt


def _numeric(s: pd.Series, ctx: OpContext, op: str) -> pd.Series:
    if is_numeric_column(s):
        return s.astype(float)
    conv = pd.to_numeric(s, errors="coerce")
    if conv.notna().sum() < s.notna().sum():
        raise PolicyError(f"{ctx.where}: operator {op!r} needs a numeric column; {ctx.column!r} has non-numeric values")
    return conv.astype(float)


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# --------------------------------------------------------------------------- none / removed


@OPERATORS.register("keep")
class Keep(Operator):
    name = "keep"
    gdpr_class = "none"
    summary = "Leave the column unchanged."

    def apply(self, series, ctx):
        return series


@OPERATORS.register("drop")
class Drop(Operator):
    name = "drop"
    gdpr_class = "removed"
    summary = "Remove the column from the output."

    def apply(self, series, ctx):
        return None


@OPERATORS.register("redact")
class Redact(Operator):
    name = "redact"
    gdpr_class = "removed"
    summary = "Replace every non-empty value with a fixed string."

    class Params(Params):
        replacement: str = "[REDACTED]"

    def apply(self, series, ctx):
        out = pd.Series(np.where(series.notna(), self.params.replacement, None), index=series.index, name=series.name, dtype=object)
        return out


# --------------------------------------------------------------------------- keyed


@OPERATORS.register("pseudonymize")
class Pseudonymize(Operator):
    name = "pseudonymize"
    gdpr_class = "pseudonymization"
    keyed = True
    summary = "Keyed consistent surrogate of the same kind (fake name, e-mail, valid IBAN/card, phone, date, ID)."

    class Params(Params):
        entity_type: Optional[str] = None
        locale: Optional[str] = None

    def apply(self, series, ctx):
        et = self.params.entity_type or ctx.entity_type
        ctx.note = f"surrogates of type {et}" if et else "format-preserving surrogates (no entity type)"
        fac = ctx.factory if not self.params.locale else _factory_for(ctx, self.params.locale)
        if is_datetime_column(series):
            def shift(uv):
                ts = pd.DatetimeIndex(uv)
                offs = np.array([fac.date_offset_days(t.date().isoformat()) for t in ts], dtype="int64")
                return (ts + pd.to_timedelta(offs, unit="D")).to_numpy()

            codes, uniques = pd.factorize(series, use_na_sentinel=True)
            new = shift(uniques)
            out = pd.Series(pd.NaT, index=series.index, dtype=series.dtype)
            m = codes >= 0
            out[m] = new[codes[m]]
            ctx.add_mapping(list(uniques), list(new), et)
            return out.rename(series.name)
        originals: list[Any] = []
        replacements: list[Any] = []

        widened = False

        def fn(uv):
            nonlocal widened
            texts = [as_text(v) for v in uv]
            res = fac.widened_ids(et, texts) if fac.uses_format_rule(et) else None
            widened = res is not None
            if res is None:
                res = fac.many(et, texts)
            else:
                ctx.note += "; short numeric IDs widened to more digits (same-length pseudonyms cannot be one-to-one and avoid the real values)"
            if ctx.want_mapping:
                originals.extend(uv)
                replacements.extend(res)
            ctx.stats["unique_values"] = len(uv)
            ctx.stats["surrogate_collisions"] = len(uv) - len(set(res))
            return res

        out = map_unique(series, fn)
        if widened and pd.api.types.is_integer_dtype(series.dtype):
            out = out.astype(series.dtype)  # integers stay integers (every widened pseudonym is a canonical integer)
        ctx.add_mapping(originals, replacements, et)
        return out


def _factory_for(ctx: OpContext, locale: str):
    from privsynth.transform.surrogates import SurrogateFactory

    return SurrogateFactory(ctx.key, locale)


_TOKEN_PREFIX = {
    E.PERSON.name: "person_", E.FIRST_NAME.name: "person_", E.LAST_NAME.name: "person_", E.EMAIL_ADDRESS.name: "email_",
    E.PHONE_NUMBER.name: "phone_", E.RECORD_ID.name: "id_", E.IBAN_CODE.name: "iban_", E.CREDIT_CARD.name: "card_",
}


@OPERATORS.register("tokenize")
class Tokenize(Operator):
    name = "tokenize"
    gdpr_class = "pseudonymization"
    keyed = True
    summary = "Keyed HMAC-SHA256 token with a readable prefix (e.g. email_3f9a...)."

    class Params(Params):
        prefix: Optional[str] = Field(None, max_length=40)
        length: int = Field(16, ge=8, le=64)

    def apply(self, series, ctx):
        et = ctx.entity_type
        prefix = self.params.prefix if self.params.prefix is not None else _TOKEN_PREFIX.get((et or "").upper(), "tok_")
        mac = raw_hmac(hmac.new(derive_key(ctx.key, "tokenize"), digestmod=hashlib.sha256))  # same bytes, less overhead
        n = self.params.length
        orig: list[Any] = []
        rep: list[Any] = []

        def fn(uv):
            res = []
            for v in uv:
                m = mac.copy()
                m.update(normalize(et, as_text(v)).encode("utf-8"))
                res.append(prefix + m.hexdigest()[:n])
            if ctx.want_mapping:
                orig.extend(uv)
                rep.extend(res)
            ctx.stats["unique_values"] = len(uv)
            ctx.stats["token_collisions"] = len(uv) - len(set(res))
            return res

        out = map_unique(series, fn)
        ctx.add_mapping(orig, rep)
        return out


ENC_PREFIX = "enc:"
_AAD = [b"privsynth/encrypt/v1"]


def aes_siv(key: bytes):
    """AES-SIV (RFC 5297, deterministic authenticated encryption) under a 64-byte subkey derived from `key`."""
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    return AESSIV(derive_key(key, "encrypt", 64))


@OPERATORS.register("encrypt")
class Encrypt(Operator):
    name = "encrypt"
    gdpr_class = "pseudonymization"
    keyed = True
    summary = "Deterministic authenticated encryption (AES-SIV); reversible with `privsynth reidentify`."

    def apply(self, series, ctx):
        siv = aes_siv(ctx.key)

        def fn(uv):
            ctx.stats["unique_values"] = len(uv)
            return [ENC_PREFIX + base64.urlsafe_b64encode(siv.encrypt(as_text(v).encode("utf-8"), _AAD)).decode("ascii").rstrip("=") for v in uv]

        return map_unique(series, fn)


def decrypt_values(uv, siv, column: str) -> list[Any]:
    from cryptography.exceptions import InvalidTag

    out = []
    for v in uv:
        if not isinstance(v, str) or not v.startswith(ENC_PREFIX):
            raise KeyMaterialError(f"column {column!r}: holds values that were not written by the encrypt operator")
        tok = v[len(ENC_PREFIX):]
        try:
            raw = base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4))
            out.append(siv.decrypt(raw, _AAD).decode("utf-8"))
        except InvalidTag:
            raise KeyMaterialError(f"column {column!r}: decryption failed (wrong key, or the values were altered)") from None
        except (ValueError, UnicodeDecodeError):
            raise KeyMaterialError(f"column {column!r}: malformed encrypted value") from None
    return out


# --------------------------------------------------------------------------- anonymization building blocks


@OPERATORS.register("mask")
class Mask(Operator):
    name = "mask"
    gdpr_class = "anonymization"
    summary = "Replace all but the last n characters with a mask character."

    class Params(Params):
        keep_last: int = Field(4, ge=0)
        char: str = Field("*", min_length=1, max_length=1)

    def apply(self, series, ctx):
        n, c = self.params.keep_last, self.params.char

        def fn(uv):
            res = []
            for v in uv:
                s = as_text(v)
                k = n if len(s) > n else 0  # a value no longer than n is masked entirely
                res.append(c * (len(s) - k) + (s[len(s) - k:] if k else ""))
            return res

        return map_unique(series, fn)


class GeneralizeParams(Params):
    width: Optional[float] = Field(None, gt=0)  # numeric bins of this width ("30-39"); age bands
    bins: Optional[list[float]] = None  # explicit edges ("[18, 25)")
    round_to: Optional[float] = Field(None, gt=0)  # round to a multiple
    date: Optional[Literal["month", "year", "decade"]] = None
    truncate: Optional[int] = Field(None, ge=0)  # keep the first n characters (postcodes)
    pad: str = ""  # appended after truncation, e.g. "***"
    hierarchy: Optional[str] = None  # name in policy transform.hierarchies
    levels: int = Field(1, ge=1)  # hierarchy levels to climb

    @model_validator(mode="after")
    def _one_mode(self):
        modes = [m for m in ("width", "bins", "round_to", "date", "truncate", "hierarchy") if getattr(self, m) is not None]
        if len(modes) != 1:
            raise ValueError("give exactly one of width, bins, round_to, date, truncate, hierarchy")
        if self.bins is not None and (len(self.bins) < 2 or sorted(self.bins) != self.bins):
            raise ValueError("bins must be at least two increasing edges")
        return self


def hierarchy_lookup(policy, name: str, where: str) -> dict[str, str]:
    h = policy.transform.hierarchies.get(name)
    if h is None:
        known = ", ".join(sorted(policy.transform.hierarchies)) or "none"
        raise PolicyError(f"{where}: hierarchy {name!r} is not declared in transform.hierarchies (declared: {known})")
    return {str(k): str(v) for k, v in h.items()}


def climb(values: pd.Series, h: dict[str, str], levels: int) -> pd.Series:
    out = values
    for _ in range(levels):
        out = out.map(lambda v: h.get(v, v) if isinstance(v, str) else v)
    return out


def numeric_bins(x: pd.Series, width: float, integral_values: Optional[bool] = None) -> pd.Series:
    """Labels "lo-hi" of bins of `width` (integers: "30-39"; floats: "[0.5, 1)").

    `integral_values`: whether every value of the whole column is a whole number (given by the
    Dask engine for one partition; computed from `x` when None)."""
    lo = np.floor(x / width) * width
    if integral_values is None:
        integral_values = bool(np.all(np.mod(x.dropna(), 1) == 0))
    integral = float(width).is_integer() and integral_values

    def fn(uv):
        if integral:
            return [f"{int(v)}-{int(v + width - 1)}" for v in uv]
        return [f"[{_fmt_num(v)}, {_fmt_num(v + width)})" for v in uv]

    return map_unique(lo, fn)


@OPERATORS.register("generalize")
class Generalize(Operator):
    name = "generalize"
    gdpr_class = "anonymization"
    summary = "Coarsen values: numeric bins or rounding, age bands, dates to month/year, truncation, category hierarchies."
    Params = GeneralizeParams  # type: ignore[assignment]

    def public_params(self):
        d = super().public_params()
        if self.params.truncate is None:
            d.pop("pad", None)
        if self.params.hierarchy is None:
            d.pop("levels", None)
        return d

    def check(self, series, ctx):
        super().check(series, ctx)
        p = self.params
        if p.hierarchy is not None:
            h = hierarchy_lookup(ctx.policy, p.hierarchy, f"{ctx.where}.params.hierarchy")
            vals = pd.Series(series.dropna().unique()).map(as_text)
            missing = int((~vals.isin(list(h))).sum())
            if missing:
                raise PolicyError(
                    f"transform.hierarchies.{p.hierarchy}: does not cover {missing} distinct value(s) of column {ctx.column!r}"
                )
        elif p.width is not None or p.bins is not None or p.round_to is not None:
            _numeric(series, ctx, self.name)
        elif p.date is not None:
            _parse_dates(series, ctx.where, ctx.column)

    def apply(self, series, ctx):
        p = self.params
        if p.width is not None:
            return numeric_bins(_numeric(series, ctx, self.name), p.width, ctx.facts.get("integral"))
        if p.round_to is not None:
            x = _numeric(series, ctx, self.name)
            r = np.round(x / p.round_to) * p.round_to
            integral = ctx.facts["integral"] if "integral" in ctx.facts else (x.dropna() % 1 == 0).all()
            return r.astype("Int64") if float(p.round_to).is_integer() and integral else r
        if p.bins is not None:
            x = _numeric(series, ctx, self.name)
            edges = p.bins
            labels = [f"[{_fmt_num(a)}, {_fmt_num(b)})" for a, b in zip(edges[:-1], edges[1:])]
            cut = pd.cut(x, bins=[-np.inf] + edges + [np.inf], right=False, labels=[f"< {_fmt_num(edges[0])}"] + labels + [f">= {_fmt_num(edges[-1])}"])
            return cut.astype(object).where(cut.notna(), None)
        if p.date is not None:
            dt, stored = _parse_dates(series, ctx.where, ctx.column)
            if stored is not None and not isinstance(stored, str):
                # dates stored as numbers cannot hold "2021-03": each becomes its period's middle day, in its storage
                from privsynth.dates import from_datetimes, period_middle

                return from_datetimes(period_middle(dt, p.date), stored, like=series)
            if p.date == "month":
                res = dt.dt.strftime("%Y-%m")
            elif p.date == "year":
                res = dt.dt.year.astype("Int64").astype("string")
            else:
                res = ((dt.dt.year // 10) * 10).astype("Int64").astype("string") + "s"
            return res.astype(object).where(dt.notna(), None)
        if p.truncate is not None:
            return map_unique(series, lambda uv: [as_text(v)[: p.truncate] + p.pad for v in uv])
        h = hierarchy_lookup(ctx.policy, p.hierarchy, ctx.where)
        return climb(map_unique(series, lambda uv: [as_text(v) for v in uv]), h, p.levels)


@OPERATORS.register("top_bottom_code")
class TopBottomCode(Operator):
    name = "top_bottom_code"
    gdpr_class = "anonymization"
    summary = "Clip numeric values to bounds (given, or quantiles of the column)."

    class Params(Params):
        lower: Optional[float] = None
        upper: Optional[float] = None
        lower_quantile: Optional[float] = Field(None, ge=0, le=0.5)
        upper_quantile: Optional[float] = Field(None, ge=0.5, le=1)

    def check(self, series, ctx):
        super().check(series, ctx)
        _numeric(series, ctx, self.name)

    def apply(self, series, ctx):
        p = self.params
        x = _numeric(series, ctx, self.name)
        lo = p.lower if p.lower is not None else (x.quantile(p.lower_quantile) if p.lower_quantile is not None else None)
        hi = p.upper if p.upper is not None else (x.quantile(p.upper_quantile) if p.upper_quantile is not None else None)
        if lo is None and hi is None:
            lo, hi = x.quantile(0.01), x.quantile(0.99)
        lo, hi = ctx.facts.get("lower", lo), ctx.facts.get("upper", hi)  # the whole column's quantiles (Dask engine)
        ctx.stats["bottom_coded"] = int((x < lo).sum()) if lo is not None else 0
        ctx.stats["top_coded"] = int((x > hi).sum()) if hi is not None else 0
        out = x.clip(lower=lo, upper=hi)
        if is_numeric_column(series) and pd.api.types.is_integer_dtype(series):
            out = out.round().astype(series.dtype)
        return out


@OPERATORS.register("suppress_rare")
class SuppressRare(Operator):
    name = "suppress_rare"
    gdpr_class = "anonymization"
    summary = "Replace categories occurring fewer than k times with a placeholder."

    class Params(Params):
        k: Optional[int] = Field(None, ge=2)
        replacement: Optional[str] = "*"

    def apply(self, series, ctx):
        k = self.params.k or ctx.policy.transform.k or 5
        counts = ctx.facts["value_counts"] if "value_counts" in ctx.facts else series.value_counts(dropna=True)
        rare = counts.index[counts < k]
        m = series.isin(rare)
        ctx.stats["suppressed_values"] = int(m.sum())
        ctx.stats["suppressed_categories"] = int(len(rare))
        out = series.astype(object).copy()
        out[m] = self.params.replacement
        return out


@OPERATORS.register("date_shift")
class DateShift(Operator):
    name = "date_shift"
    gdpr_class = "anonymization"
    summary = "Shift dates by a random number of days per individual (the same for all of that individual's dates)."

    class Params(Params):
        id_column: Optional[str] = None
        max_days: int = Field(365, ge=1)
        seed: Optional[int] = None  # only for reproducible tests: a stated seed makes shifts recomputable

    def check(self, series, ctx):
        super().check(series, ctx)
        if self.params.id_column is not None and self.params.id_column not in ctx.df.columns:
            raise PolicyError(f"{ctx.where}.params.id_column: column {self.params.id_column!r} is not in the table")
        _parse_dates(series, ctx.where, ctx.column)

    def apply(self, series, ctx):
        p = self.params
        dt, fmt = _parse_dates(series, ctx.where, ctx.column)
        rng = np.random.default_rng(p.seed)  # None: fresh OS entropy, never stored
        if "id_shifts" in ctx.facts:  # Dask engine: one id -> shift map for the whole dataset
            shifts = ctx.df[p.id_column].map(ctx.facts["id_shifts"]).fillna(ctx.facts["na_shift"]).to_numpy(dtype="int64")
        elif "shifts" in ctx.facts:  # Dask engine: this partition's slice of the seeded stream
            ctx.note = "no id_column: each row shifted independently"
            shifts = ctx.facts["shifts"]
        elif p.id_column is not None:
            codes, uniques = pd.factorize(ctx.df[p.id_column], use_na_sentinel=True)
            shifts_u = rng.integers(-p.max_days, p.max_days + 1, size=len(uniques) + 1)
            codes = np.where(codes < 0, len(uniques), codes)  # rows without id share one shift
            shifts = shifts_u[codes]
        else:
            ctx.note = "no id_column: each row shifted independently"
            shifts = rng.integers(-p.max_days, p.max_days + 1, size=len(series))
        new = dt + pd.to_timedelta(shifts, unit="D")
        if fmt is None:
            return new
        if not isinstance(fmt, str):  # dates stored as numbers: written back in their storage
            from privsynth.dates import from_datetimes

            return from_datetimes(new, fmt, like=series)
        return new.dt.strftime(fmt).astype(object).where(new.notna(), None)


@OPERATORS.register("noise")
class Noise(Operator):
    name = "noise"
    gdpr_class = "anonymization"
    summary = "Add Laplace or Gaussian noise of a stated scale to a numeric column."

    class Params(Params):
        distribution: Literal["laplace", "gaussian"] = "laplace"
        scale: float = Field(..., gt=0)
        decimals: Optional[int] = Field(None, ge=0)
        seed: Optional[int] = None

    def check(self, series, ctx):
        super().check(series, ctx)
        _numeric(series, ctx, self.name)

    def apply(self, series, ctx):
        p = self.params
        x = _numeric(series, ctx, self.name)
        rng = np.random.default_rng(p.seed)
        if "rng_state" in ctx.facts:  # Dask engine: the seeded stream advanced to this partition's first row
            rng.bit_generator.state = ctx.facts["rng_state"]
        e = rng.laplace(0.0, p.scale, len(x)) if p.distribution == "laplace" else rng.normal(0.0, p.scale, len(x))
        out = x + e
        if p.decimals is not None:
            out = out.round(p.decimals)
            if p.decimals == 0 and pd.api.types.is_integer_dtype(series):
                out = out.astype(series.dtype)
        return out


@OPERATORS.register("k_anonymize")
class KAnonymize(Operator):
    name = "k_anonymize"
    gdpr_class = "anonymization"
    summary = "Mark the column as a quasi-identifier for table-level k-anonymization (greedy full-domain generalization + suppression)."

    class Params(Params):
        k: Optional[int] = Field(None, ge=2)
        hierarchy: Optional[str] = None

    def apply(self, series, ctx):
        return series  # the table-level step in kanon.py generalizes it together with the others
