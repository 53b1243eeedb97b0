"""Gower encoding and nearest-neighbour backends."""

import numpy as np
import pandas as pd
import pytest

from privsynth.errors import InputError
from privsynth.evaluate.encoding import GowerEncoder, gower_reference
from privsynth.evaluate.neighbors import HAVE_FAISS, NeighborIndex


def _table(n, seed, missing=0.1):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "age": rng.integers(18, 90, n).astype(float),
        "income": rng.lognormal(10, 1, n),
        "city": rng.choice(["a", "b", "c", "d"], n).astype(object),
        "flag": rng.choice([True, False], n),
    })
    for c in ("age", "income", "city"):
        df.loc[rng.random(n) < missing, c] = np.nan
    return df


def test_l1_distance_of_encoded_rows_equals_the_gower_distance_from_its_definition():
    a, b = _table(60, 1), _table(40, 2)
    enc = GowerEncoder.fit(a, list(a.columns), [b])
    Xa, Xb = enc.transform(a), enc.transform(b)
    l1 = np.abs(Xa[:, None, :].astype(float) - Xb[None, :, :]).sum(-1) / enc.n_columns
    np.testing.assert_allclose(l1, gower_reference(a, b, enc), atol=1e-6)


@pytest.mark.parametrize("x, y, expected", [
    (np.nan, 50.0, 1.0),      # missing vs present: maximal
    (np.nan, np.nan, 0.0),    # missing vs missing: equal
    (0.0, 100.0, 1.0),        # full range
    (25.0, 50.0, 0.25),
    (-500.0, 0.0, 0.0),       # outside the original's range: clipped to it
])
def test_numeric_missing_value_rule_and_range_scaling(x, y, expected):
    orig = pd.DataFrame({"v": [0.0, 100.0]})
    other = pd.DataFrame({"v": [x, y]})
    enc = GowerEncoder.fit(orig, ["v"], [other])
    X = enc.transform(other)
    assert abs(np.abs(X[0] - X[1]).sum() - expected) < 1e-6


def test_a_numeric_column_without_missing_values_takes_one_coordinate_and_refuses_unfitted_missing_values():
    orig = pd.DataFrame({"v": [0.0, 50.0, 100.0], "w": [1.0, np.nan, 3.0]})
    enc = GowerEncoder.fit(orig, ["v", "w"])
    assert enc.slices()["v"] == slice(0, 1) and enc.slices()["w"] == slice(1, 3)
    with pytest.raises(InputError, match="'v' has missing values the encoder was not fitted on"):
        enc.transform(pd.DataFrame({"v": [np.nan], "w": [1.0]}), "release")


def test_categories_take_half_the_coordinates_of_a_one_hot_code_and_decode_back():
    cats = list("abcdefg")  # 7 categories -> 4 coordinates
    orig = pd.DataFrame({"c": cats, "n": np.arange(7.0)})
    enc = GowerEncoder.fit(orig, ["c", "n"])
    X = enc.transform(orig)
    assert X.shape == (7, 5)
    l1 = np.abs(X[:, None, :4] - X[None, :, :4]).sum(-1)
    np.testing.assert_allclose(l1, 1.0 - np.eye(7))  # every pair of categories exactly 1 apart
    dec = enc.decode(X)
    assert [list(enc.categories["c"])[k] for k in dec["c"]] == cats
    np.testing.assert_allclose(dec["n"], np.arange(7.0) / 6)


def test_categorical_one_and_the_same_value_written_differently_are_equal():
    orig = pd.DataFrame({"c": ["1", "2", None]})
    rel = pd.DataFrame({"c": [1.0, 2, np.nan]})
    enc = GowerEncoder.fit(orig, ["c"], [rel])
    np.testing.assert_array_equal(enc.transform(orig), enc.transform(rel))


def test_a_boolean_and_the_number_one_stay_different_categories():
    orig = pd.DataFrame({"c": pd.Series([True, 1, 1.0, "1", False, 0, None], dtype=object)})
    enc = GowerEncoder.fit(orig, ["c"])
    assert set(enc.categories["c"]) == {"True", "1", "False", "0", "\x00missing"}


def test_non_numeric_values_in_a_numeric_column_are_a_one_line_dtype_error():
    enc = GowerEncoder.fit(pd.DataFrame({"age": [1, 2, 3]}), ["age"])
    with pytest.raises(InputError, match="'age'.*dtype mismatch"):
        enc.transform(pd.DataFrame({"age": ["x", "y", "3"]}), "release")


def test_the_range_comes_from_the_original_only_so_all_tables_share_one_scaling():
    orig = pd.DataFrame({"v": [0.0, 10.0]})
    enc = GowerEncoder.fit(orig, ["v"], [pd.DataFrame({"v": [0.0, 1000.0]})])
    assert enc.numeric["v"] == (0.0, 10.0)


@pytest.mark.skipif(not HAVE_FAISS, reason="faiss not installed")
def test_faiss_exact_index_and_sklearn_fallback_return_the_same_distances():
    a, b = _table(300, 3), _table(200, 4)
    enc = GowerEncoder.fit(a, list(a.columns), [b])
    Xa, Xb = enc.transform(a), enc.transform(b)
    fa = NeighborIndex(Xa, enc.n_columns, backend="faiss")
    sk = NeighborIndex(Xa, enc.n_columns, backend="sklearn")
    d1, _ = fa.search(Xb, 3)
    d2, _ = sk.search(Xb, 3)
    assert fa.info.backend == "faiss" and sk.info.backend == "sklearn"
    assert not fa.info.approximate and not sk.info.approximate
    np.testing.assert_allclose(d1, d2, atol=1e-5)
    brute = np.sort(gower_reference(b, a, enc), axis=1)[:, :3]
    np.testing.assert_allclose(d1, brute, atol=1e-5)


@pytest.mark.skipif(not HAVE_FAISS, reason="faiss not installed")
@pytest.mark.parametrize("kind, name", [("hnsw", "HNSW"), ("ivf", "IVF")])
def test_above_the_threshold_the_index_is_approximate_flagged_and_mostly_right(kind, name):
    rng = np.random.default_rng(0)
    base = rng.random((3000, 8)).astype(np.float32)
    q = np.vstack([rng.random((200, 8)), base[:50]]).astype(np.float32)
    approx = NeighborIndex(base, 4, approximate_above=1000, kind=kind)
    exact = NeighborIndex(base, 4, approximate_above=10_000)
    assert approx.info.approximate and name in approx.info.index
    da, ia = approx.search(q, 1)
    de, ie = exact.search(q, 1)
    assert (ia[:, 0] == ie[:, 0]).mean() > 0.9
    assert (da[:, 0] >= de[:, 0] - 1e-6).all()  # an approximate neighbour is never closer than the true one
    assert (da[-50:, 0] == 0).all()  # verbatim copies are always found


def test_verbatim_row_lookup_is_exact_on_rows_not_just_fingerprints():
    from privsynth.evaluate.fingerprints import row_fingerprints, rows_in

    rng = np.random.default_rng(5)
    base = rng.random((2000, 37)).astype(np.float32)
    q = np.vstack([base[[3, 1999, 0]], base[[10]] + np.float32(1e-6), rng.random((5, 37)).astype(np.float32)])
    kb, kq = row_fingerprints(base), row_fingerprints(q)
    assert len(np.unique(kb)) == 2000  # distinct rows, distinct fingerprints
    assert rows_in(q, kq, base, kb).tolist() == [True, True, True] + [False] * 6
    # a forged fingerprint collision is caught by comparing the rows themselves
    assert not rows_in(q[3:4], kb[10:11], base, kb)[0]
    assert rows_in(q[:0], kq[:0], base, kb).shape == (0,)


def _categorical_table(n, seed, n_cat, levels, numeric=2, missing=0.05):
    """Many ties: few numeric values, categories drawn from small sets (and a missing category)."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({f"c{j}": rng.choice([f"v{i}" for i in range(levels)], n).astype(object) for j in range(n_cat)})
    for j in range(numeric):
        df[f"x{j}"] = rng.integers(0, 5, n).astype(float)
    if n_cat:
        df.loc[rng.random(n) < missing, "c0"] = np.nan
    return df


@pytest.mark.skipif(not HAVE_FAISS, reason="faiss not installed")
@pytest.mark.parametrize("n_cat, levels, k, block_bytes", [
    (6, 3, 1, 1 << 20),     # the categorical search, one neighbour
    (6, 3, 2, 4096),        # two neighbours (the spacing search), small blocks
    (4, 7, 3, 2048),        # three neighbours, more levels
    (2, 4, 2, 1 << 20),     # two categorical columns: only the same-categories step
    (0, 0, 2, 4096),        # no categorical column: blocks only
])
def test_blocked_and_categorical_exact_search_returns_indexflat_distances_and_neighbours_bit_for_bit(
        monkeypatch, n_cat, levels, k, block_bytes):
    import faiss

    from privsynth.evaluate import neighbors

    monkeypatch.setattr(neighbors, "BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(neighbors, "PRUNE_ABOVE_TERMS", 0)  # small tables take the categorical search all the same
    monkeypatch.setattr(neighbors, "GROUP_COST_TERMS", 0)
    base_t, q_t = _categorical_table(3000, 1, n_cat, levels), _categorical_table(700, 2, n_cat, levels)
    q_t = pd.concat([q_t, base_t.iloc[:100]], ignore_index=True)  # exact copies: ties at distance 0
    enc = GowerEncoder.fit(base_t, list(base_t.columns), [q_t])
    Xb, Xq = enc.transform(base_t), enc.transform(q_t)
    flat = faiss.IndexFlat(Xb.shape[1], faiss.METRIC_L1)
    flat.add(Xb)
    D, I = flat.search(Xq, k)
    want_d = np.maximum(D.astype(np.float64), 0.0) / enc.n_columns
    idx = NeighborIndex(Xb, enc.n_columns, categorical=enc.categorical_slices())
    got_d, got_i = idx.search(Xq, k)
    assert (got_i == I).all()
    assert (got_d == want_d).all()
    if n_cat:
        assert idx.last_search["answered_within_categories"] > 0


@pytest.mark.skipif(not HAVE_FAISS, reason="faiss not installed")
def test_a_categorical_block_that_is_not_a_category_vertex_falls_back_to_the_full_search(monkeypatch):
    from privsynth.evaluate import neighbors

    monkeypatch.setattr(neighbors, "PRUNE_ABOVE_TERMS", 0)
    rng = np.random.default_rng(3)
    base = rng.choice([0.0, 0.5, -0.5], size=(500, 4)).astype(np.float32)  # rows with two non-zero coordinates
    idx = NeighborIndex(base, 1, categorical=[slice(0, 4)])
    d, i = idx.search(base[:50] + 0.25, 1)
    assert not hasattr(idx, "last_search")
    full = NeighborIndex(base, 1)
    d2, i2 = full.search(base[:50] + 0.25, 1)
    assert (d == d2).all() and (i == i2).all()


@pytest.mark.skipif(not HAVE_FAISS, reason="faiss not installed")
@pytest.mark.parametrize("k", [1, 2])
def test_grouping_by_fewer_categorical_columns_returns_indexflat_answers_bit_for_bit(monkeypatch, k):
    """A search that groups the rows by the categorical columns of fewest categories (forced here) gives IndexFlat's
    distances and neighbours, ties included, like the grouping by every categorical column."""
    import faiss

    from privsynth.evaluate import neighbors

    monkeypatch.setattr(neighbors, "PRUNE_ABOVE_TERMS", 0)
    monkeypatch.setattr(neighbors, "GROUP_COST_TERMS", 0)
    monkeypatch.setattr(neighbors, "FEWER_COLUMNS_BELOW", float("inf"))  # fewer columns whenever one qualifies
    chosen = []
    real = neighbors._grouping_columns
    monkeypatch.setattr(neighbors, "_grouping_columns", lambda *a: chosen.append(real(*a)) or chosen[-1])
    base_t = _categorical_table(3000, 1, 6, 3)
    base_t["c5"] = np.random.default_rng(5).choice([f"w{i}" for i in range(12)], len(base_t))  # one column of many levels
    q_t = pd.concat([_categorical_table(700, 2, 6, 3).assign(c5="w3"), base_t.iloc[:100]], ignore_index=True)
    enc = GowerEncoder.fit(base_t, list(base_t.columns), [q_t])
    Xb, Xq = enc.transform(base_t), enc.transform(q_t)
    flat = faiss.IndexFlat(Xb.shape[1], faiss.METRIC_L1)
    flat.add(Xb)
    D, I = flat.search(Xq, k)
    idx = NeighborIndex(Xb, enc.n_columns, categorical=enc.categorical_slices())
    got_d, got_i = idx.search(Xq, k)
    assert len(chosen) == 1 and 0 < len(chosen[0]) < 6  # grouped by fewer columns than the 6
    assert 5 not in chosen[0]  # the column of most categories is the first left out
    assert (got_i == I).all()
    assert (got_d == np.maximum(D.astype(np.float64), 0.0) / enc.n_columns).all()
    assert idx.last_search["answered_within_categories"] > 0


def test_grouping_keeps_every_categorical_column_unless_fewer_are_much_cheaper():
    from privsynth.evaluate.neighbors import _grouping_columns

    rng = np.random.default_rng(0)
    # two columns of two levels: one column alone would put half the base in every group, so both are kept
    cb, cq = rng.integers(0, 2, (3000, 2)) * 2, rng.integers(0, 2, (500, 2)) * 2
    assert list(_grouping_columns(cb, cq, 10)) == [0, 1]
    # many wide rows whose 3 columns of 20 levels make groups of ~5 rows: leaving a column out makes groups of 100
    # rows, whose terms outweigh the groups saved, so every column is kept
    cb, cq = rng.integers(0, 20, (40000, 3)) * 2, rng.integers(0, 20, (10000, 3)) * 2
    assert list(_grouping_columns(cb, cq, 4000)) == [0, 1, 2]
    # a small base with a column of 400 levels: with it ~3,500 groups of one row or none; the four columns of two
    # levels alone make 16 groups of ~25 rows, far cheaper: the column of many levels is left out
    cb = np.c_[np.arange(400) * 2, rng.integers(0, 2, (400, 4)) * 2]
    cq = np.c_[rng.integers(0, 400, 5000) * 2, rng.integers(0, 2, (5000, 4)) * 2]
    assert list(_grouping_columns(cb, cq, 10)) == [1, 2, 3, 4]
