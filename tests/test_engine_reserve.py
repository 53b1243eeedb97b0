"""The Dask engine's reserve union (`privsynth.engine.anonymize._union_reserves`): the partitions'
fingerprint files merged range by range of fingerprint values give the same files, byte for byte,
as the union sorted in memory, and the same answers to the reserve's look-ups."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from privsynth.engine.anonymize import _merge_by_range, _union_reserves
from privsynth.transform.reserve import FingerprintSet, Reserve

ROOT = Path(__file__).resolve().parents[1]


def _saved(tmp_path: Path, name: str, arrays: list[np.ndarray]) -> Path:
    s = FingerprintSet()
    for a in arrays:
        s.add(a)
    s.save(tmp_path / name)
    return tmp_path / name


@pytest.mark.parametrize("sizes, per_range", [
    pytest.param([1000, 3000, 5000], 5000, id="ranges as large as the largest source"),
    pytest.param([1000, 3000, 5000], 7, id="many more ranges than sources"),
    pytest.param([1000, 0, 1, 2500], 10**9, id="one range: empty and one-entry sources"),
    pytest.param([0, 0], 1, id="only empty sources"),
])
def test_merging_by_range_writes_the_file_of_the_union_sorted_in_memory(tmp_path, sizes, per_range):
    rng = np.random.default_rng(7)
    arrays = [rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True) for n in sizes]
    edges = np.array([0, 1, 2**63, 2**64 - 1], dtype=np.uint64)  # range bounds and the largest fingerprint
    arrays = [np.concatenate([a, edges, arrays[0][: len(a) // 3]]) if len(a) else a for a in arrays]  # values shared by sources
    sources = [_saved(tmp_path, f"part{i}.npy", [a]) for i, a in enumerate(arrays)]
    expected = _saved(tmp_path, "expected.npy", arrays)
    n = _merge_by_range(sources, tmp_path / "merged.npy", per_range)
    assert (tmp_path / "merged.npy").read_bytes() == expected.read_bytes()
    assert n == len(np.unique(np.concatenate(arrays)))
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_the_union_of_many_partitions_reserves_finds_every_partitions_values(tmp_path):
    df = pd.read_csv(ROOT / "examples" / "customers.csv", dtype=str).head(600)
    cols = {"customer_id": "RECORD_ID", "full_name": "PERSON", "phone": "PHONE_NUMBER", "email": "EMAIL_ADDRESS"}

    def reserve_of(part: pd.DataFrame) -> Reserve:
        r = Reserve()
        for c, et in cols.items():
            r.add(et, part[c])
        return r

    in_memory = Reserve()
    results, sources = [], []
    for i in range(12):  # 12 partitions of 50 rows, each saved to its own files as `_prepare_task` does
        part = df.iloc[i * 50:(i + 1) * 50]
        in_memory.update(reserve_of(part))
        sources.append(str(tmp_path / f"part-{i:05d}"))
        results.append({"reserve": reserve_of(part).save(Path(sources[-1]))})
    union = _union_reserves(*results, sources=sources, directory=str(tmp_path / "union"))
    assert union.values.file_backed and union.digits.file_backed
    in_memory.save(tmp_path / "in_memory")
    for name in ("values.npy", "digits.npy"):
        assert (tmp_path / "union" / name).read_bytes() == (tmp_path / "in_memory" / name).read_bytes()
    assert union.name_tokens == in_memory.name_tokens
    # a value of the last partition is reserved for a look-up from any partition
    last = df.iloc[-1]
    assert union.hits([last["customer_id"], last["full_name"], last["phone"], "Z000000000"]).tolist() == [True, True, True, False]


@pytest.mark.parametrize("n, queries", [
    pytest.param(100_000, 5_000, id="a few thousand look-ups spread over 196 blocks"),
    pytest.param(100_000, 1, id="one look-up"),
    pytest.param(300_000, 200_000, id="more look-ups than blocks, several windows"),
    pytest.param(511, 50, id="less than one block"),
    pytest.param(0, 10, id="an empty file"),
])
def test_a_fingerprint_file_answers_what_searchsorted_on_the_whole_array_answers(tmp_path, n, queries):
    import pickle

    from privsynth.engine.fingerprint_file import FingerprintFile

    rng = np.random.default_rng(n + queries)
    arrays = [rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)] if n else []
    src = _saved(tmp_path, "part.npy", arrays)
    _merge_by_range([src], tmp_path / "values.npy", max(n, 1))
    whole = FingerprintSet.load(tmp_path / "values.npy")
    present = rng.choice(arrays[0], queries // 2) if n else np.empty(0, dtype=np.uint64)
    q = np.concatenate([present, rng.integers(0, 2**64 - 1, queries - len(present), dtype=np.uint64, endpoint=True),
                        np.array([0, 2**64 - 1], dtype=np.uint64)])
    f = pickle.loads(pickle.dumps(FingerprintFile(tmp_path / "values.npy")))  # as a task receives it
    assert f.contains(q).tolist() == whole.contains(q).tolist()
    assert f.contains(q)[: len(present)].all()
    assert len(f) == len(whole)
    # attached to a table's own reserve, as anonymize_table does
    own = FingerprintSet()
    own.add(np.array([12345], dtype=np.uint64))
    own.update(f)
    assert own.contains(np.concatenate([q, np.array([12345], dtype=np.uint64)])).tolist() == whole.contains(q).tolist() + [True]
