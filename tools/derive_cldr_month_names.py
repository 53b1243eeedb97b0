"""Derive privsynth/detect/data/month_names_cldr.tsv: month names per language from CLDR.

Source: the Unicode CLDR locale data as shipped in Babel (PyPI `babel`, 2.18.0 when this file was
written; `babel.core.get_cldr_version()` gives the CLDR version, written into the file's header).
For each language (en, de, fr, es, nl, it) it takes the months in the `format` and `stand-alone`
contexts, `wide` and `abbreviated` widths, lower-cased, with the abbreviation's trailing full stop
removed (the detector accepts an optional stop after any abbreviation). Duplicates are dropped.

Babel is not a dependency of privsynth: run this with any Python that has it, e.g.
    python3 -m venv /tmp/babel && /tmp/babel/bin/pip install babel==2.18.0
    /tmp/babel/bin/python tools/derive_cldr_month_names.py > privsynth/detect/data/month_names_cldr.tsv
Output (tab-separated): language, month number 1-12, width (wide|abbreviated), name.
"""

from babel import Locale
from babel.core import get_cldr_version
import babel

LANGS = ("en", "de", "fr", "es", "nl", "it")


def main() -> None:
    print(f"# month names from Unicode CLDR {get_cldr_version()} via Babel {babel.__version__} "
          f"(tools/derive_cldr_month_names.py); Unicode License v3")
    print("lang\tmonth\twidth\tname")
    for lang in LANGS:
        loc = Locale.parse(lang)
        seen = set()
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for month, name in sorted(loc.months[context][width].items()):
                    name = name.lower().rstrip(".")
                    if (month, name) in seen:
                        continue
                    seen.add((month, name))
                    print(f"{lang}\t{month}\t{width}\t{name}")


if __name__ == "__main__":
    main()
