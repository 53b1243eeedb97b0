"""Synthesis engines behind privsynth's own interface.

Every engine is a class registered in ``SYNTHESIZERS`` under the name a policy uses
(``synthesize.model``). An engine is constructed with the policy's ``SynthesizeSettings`` and has

    fit(df, metadata, seed, progress)   # df holds only the columns the engine may learn
    sample(n, seed) -> DataFrame
    params -> dict                      # what goes into the report (no data)
    native                              # the underlying fitted object (for --save-model)

``metadata`` is privsynth's own description of the columns, ``{column: sdtype}`` with sdtype one
of ``numerical``, ``datetime``, ``categorical``; engines translate it to their library's format.
The built-in engines wrap SDV 2.0 (Business Source License 1.1); another library can be added by
registering a class with the same methods.
"""

from __future__ import annotations

import contextlib
import random
from typing import Any, Callable, Iterator, Optional

import numpy as np
import pandas as pd

from privsynth.errors import PolicyError
from privsynth.registry import Registry

Progress = Optional[Callable[[str, int, int], None]]

SYNTHESIZERS: Registry[type] = Registry("synthesizer")

DEFAULT_EPOCHS = 300  # SDV's default for the neural models


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:  # pragma: no cover - torch is a dependency of SDV's neural models
        pass


def sdv_metadata(tables: dict[str, dict[str, str]], keys: Optional[dict[str, str]] = None,
                 relations: Optional[list[dict[str, str]]] = None):
    """Build SDV Metadata explicitly from ``{table: {column: sdtype}}`` (never SDV's detection)."""
    from sdv.metadata import Metadata

    spec: dict[str, Any] = {"tables": {}, "relationships": [], "METADATA_SPEC_VERSION": "V1"}
    for t, cols in tables.items():
        cspec: dict[str, Any] = {}
        for c, sd in cols.items():
            if sd == "numerical":
                cspec[c] = {"sdtype": "numerical"}
            elif sd == "datetime":
                cspec[c] = {"sdtype": "datetime"}
            elif sd == "id":
                cspec[c] = {"sdtype": "id"}
            else:
                cspec[c] = {"sdtype": "categorical"}
        tspec: dict[str, Any] = {"columns": cspec}
        if keys and t in keys:
            tspec["primary_key"] = keys[t]
        spec["tables"][t] = tspec
    for rel in relations or []:
        spec["relationships"].append(dict(rel))
    return Metadata.load_from_dict(spec)


class _EpochIter:
    """Stands in for tqdm inside ctgan's training loop and reports each epoch to ``progress``."""

    def __init__(self, iterable, progress: Progress, stage: str) -> None:
        self._items = list(iterable)
        self._progress = progress
        self._stage = stage

    def __iter__(self) -> Iterator:
        total = len(self._items)
        if self._progress:
            self._progress(self._stage, 0, total)
        for i, x in enumerate(self._items):
            yield x
            if self._progress:
                self._progress(self._stage, i + 1, total)

    def set_description(self, *a: Any, **k: Any) -> None:
        pass

    def close(self) -> None:
        pass


@contextlib.contextmanager
def _epoch_progress(progress: Progress, stage: str) -> Iterator[None]:
    """Route ctgan's per-epoch loop (CTGAN, TVAE, CopulaGAN) to our progress callback.

    ctgan drives its epoch loop with a module-level ``tqdm``; we swap that name for the duration of
    the fit (not thread-safe: one fit at a time per process) and restore it afterwards.
    """
    import ctgan.synthesizers.ctgan as m_ctgan
    import ctgan.synthesizers.tvae as m_tvae

    saved = (m_ctgan.tqdm, m_tvae.tqdm)

    def fake_tqdm(iterable, *a: Any, **k: Any) -> _EpochIter:
        return _EpochIter(iterable, progress, stage)

    m_ctgan.tqdm = m_tvae.tqdm = fake_tqdm
    try:
        yield
    finally:
        m_ctgan.tqdm, m_tvae.tqdm = saved


class SDVSingleTable:
    """Common adapter for SDV 2.0 single-table synthesizers."""

    name = ""
    neural = False

    def __init__(self, settings) -> None:
        self.settings = settings
        self.native: Any = None
        self.params: dict[str, Any] = {}

    def _build(self, metadata) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def fit(self, df: pd.DataFrame, metadata: dict[str, str], seed: int, progress: Progress = None) -> None:
        meta = sdv_metadata({"table": metadata})
        self.native = self._build(meta)
        seed_everything(seed)
        stage = f"synthesize.fit[{self.name}]"
        if self.neural:
            if progress:  # SDV preprocessing and ctgan's mode-specific normalisation come first
                progress(stage, 0, int(self.params.get("epochs", DEFAULT_EPOCHS)))
            with _epoch_progress(progress, stage):
                self.native.fit({"table": df})
        else:
            if progress:
                progress(stage, 0, 1)
            self.native.fit({"table": df})
            if progress:
                progress(stage, 1, 1)

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        seed_everything(seed)
        self.native.reset_sampling()
        try:
            self.native._set_random_state(seed)
        except AttributeError:  # pragma: no cover - older/newer SDV without the private hook
            pass
        out = self.native.sample(num_rows=n)
        return out["table"] if isinstance(out, dict) else out


@SYNTHESIZERS.register("gaussian_copula")
class GaussianCopulaEngine(SDVSingleTable):
    name = "gaussian_copula"

    def _build(self, metadata):
        from sdv.single_table import GaussianCopulaSynthesizer

        self.params = {"default_distribution": "beta", "enforce_min_max_values": True, "enforce_rounding": True}
        return GaussianCopulaSynthesizer(metadata, **self.params)


class _Neural(SDVSingleTable):
    neural = True
    pac = 1

    def _common(self) -> dict[str, Any]:
        s = self.settings
        p: dict[str, Any] = {"epochs": s.epochs or DEFAULT_EPOCHS, "enforce_min_max_values": True,
                             "enforce_rounding": True, "verbose": False, "enable_gpu": False}
        if s.batch_size:
            bs = int(s.batch_size)
            if bs % self.pac:
                raise PolicyError(f"synthesize.batch_size: {bs} must be a multiple of {self.pac} for {self.name}")
            p["batch_size"] = bs
        return p


@SYNTHESIZERS.register("ctgan")
class CTGANEngine(_Neural):
    name = "ctgan"
    pac = 10

    def _build(self, metadata):
        from sdv.single_table import CTGANSynthesizer

        self.params = self._common()
        return CTGANSynthesizer(metadata, **self.params)


@SYNTHESIZERS.register("copula_gan")
class CopulaGANEngine(_Neural):
    name = "copula_gan"
    pac = 10

    def _build(self, metadata):
        from sdv.single_table import CopulaGANSynthesizer

        self.params = self._common()
        return CopulaGANSynthesizer(metadata, **self.params)


@SYNTHESIZERS.register("tvae")
class TVAEEngine(_Neural):
    name = "tvae"

    def _build(self, metadata):
        from sdv.single_table import TVAESynthesizer

        self.params = self._common()
        return TVAESynthesizer(metadata, **self.params)


def make_engine(settings) -> SDVSingleTable:
    cls = SYNTHESIZERS.get(settings.model, where="synthesize.model")
    return cls(settings)


MODEL_NOTE = ("a released synthesizer is itself a privacy-relevant artefact: it can be sampled without "
              "limit and may have memorised training records; treat it like the training data")


def save_synthesizer(synth: Any, path, report: Any = None) -> str:
    """Save a fitted synthesizer (an engine or an SDV object) with SDV's own ``save`` (a pickle).

    A released model is itself a privacy-relevant artefact: it can be sampled without limit and
    may memorise training records. If a ``SynthesisReport`` is given, its ``model_saved_to`` is
    set and ``params["model_note"]`` says so. Returns the path written. The saved object models
    the non-identifying columns only (identifiers and free text are never in it).
    """
    from pathlib import Path

    native = getattr(synth, "native", synth)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    native.save(str(tmp))
    tmp.replace(p)
    if report is not None:
        report.model_saved_to = str(p)
        report.params["model_note"] = MODEL_NOTE
    return str(p)


def load_synthesizer(path) -> Any:
    """Load a synthesizer saved by ``save_synthesizer`` (SDV's cloudpickle: only load files you trust)."""
    from sdv.utils import load_synthesizer as _load

    return _load(str(path))
