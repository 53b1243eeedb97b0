"""Scratch comparison of rarity weightings for the exact-copy test on the low-cardinality views (not used by privsynth).

Prints, per seed and planted copy share, the p-values of: Fisher on all records, Fisher on records unique
among all real records, and normal-approximation tests of weighted copy counts (weights 1/m, 1/m^2, m <= 3).

  PYTHONPATH=. python benchmarks/leak_suite/rarity_weights.py adult_lowcard 0 3
"""
import sys, warnings
warnings.filterwarnings("ignore")
import numpy as np
from scipy import stats as st
from benchmarks.leak_suite.common import load, scan_for, split, clean_release, plant
from privsynth.evaluate.encoding import GowerEncoder
from privsynth.evaluate.fingerprints import row_fingerprints, rows_in
name = sys.argv[1]; seeds = range(int(sys.argv[2]), int(sys.argv[3]))
df = load(name); scan = scan_for(name, df)
cols = [c for c in df.columns if c in scan.names("quasi_identifier", "sensitive")]
def stats_for(train, rel, hold):
    enc = GowerEncoder.fit(train, cols, [rel, hold])
    Xt, Xr, Xh = (enc.transform(d) for d in (train, rel, hold))
    kt, kr, kh = (row_fingerprints(X) for X in (Xt, Xr, Xh))
    ct, ch = rows_in(Xt, kt, Xr, kr), rows_in(Xh, kh, Xr, kr)
    allk = np.concatenate([kt, kh]); _, inv, cnt = np.unique(allk, return_inverse=True, return_counts=True)
    m = cnt[inv]; nt, nh = len(kt), len(kh); N = nt + nh
    c = np.r_[ct, ch]
    out = {"train_copy": ct.mean(), "hold_copy": ch.mean()}
    out["p_all"] = st.fisher_exact([[ct.sum(), nt-ct.sum()], [ch.sum(), nh-ch.sum()]], alternative="greater")[1]
    u = m == 1
    out["p_rare"] = st.fisher_exact([[(ct&u[:nt]).sum(), (u[:nt]).sum()-(ct&u[:nt]).sum()], [(ch&u[nt:]).sum(), u[nt:].sum()-(ch&u[nt:]).sum()]], alternative="greater")[1]
    for wname, w in (("inv", 1.0/m), ("inv2", 1.0/m**2), ("le3", (m<=3).astype(float))):
        a = w * c
        S = a[:nt].sum(); mu = nt * a.mean(); var = nt*nh/(N*(N-1)) * ((a-a.mean())**2).sum()
        out["p_"+wname] = float(st.norm.sf((S-mu)/np.sqrt(var))) if var > 0 else 1.0
    return out
rows = []
for seed in seeds:
    train, hold = split(df, seed); rel, _ = clean_release(train, seed)
    for label, kind, share in [("clean", None, 0), ("copies_1pct", "copies", 0.01), ("copies_2pct", "copies", 0.02), ("copies_5pct", "copies", 0.05), ("copies_10pct", "copies", 0.10)]:
        r = rel if kind is None else plant(rel, train, kind, share, seed, cols)
        o = stats_for(train, r, hold); o.update(seed=seed, scenario=label); rows.append(o)
        print({k: (f"{v:.3g}" if isinstance(v, float) else v) for k, v in o.items()}, flush=True)
