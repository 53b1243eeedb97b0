"""Which text encoding a data file is in, with how sure we are (recorded in the evidence).

Order of decisions (the first that applies wins):

1. an explicit `--encoding` (checked: the whole file must decode with it);
2. a byte-order mark (UTF-8, UTF-16, UTF-32);
3. UTF-8, when the whole file decodes as UTF-8 (ASCII is UTF-8);
4. UTF-16 without a BOM, when NUL bytes sit on every other position (BE or LE by their side);
5. a file that is UTF-8 except a few bytes (more valid multi-byte UTF-8 characters than bytes
   that do not decode) is refused, naming the first bad byte's offset: read through a code page
   its accented letters would turn into mojibake (`Ã©`), and no code page is what it is;
6. otherwise the candidates of charset-normalizer (plus Windows-1252, which it often misses on
   short files), each decoded and kept only when the text is plausible: no control characters,
   no stray symbols (¤ ¦ ¨ ¯ ³ ...), and words that are not made of accented Latin letters
   only (Cyrillic read as cp1252). Windows-1252 is preferred when plausible (the default "ANSI" code page of Western
   Windows, where most non-UTF-8 exports come from); other candidates keep charset-normalizer's
   order. When another plausible candidate decodes the bytes to a different text, the guess is
   *low confidence*: the caller warns, naming the file and the guess.

Bytes that no encoding fits (random bytes, images, archives) are refused as "not text".
charset-normalizer alone is not enough on short exports: on `Gåärd` in Latin-1 its best guess is
cp1250 (`Gĺärd`), and on a short Windows-1252 file with curly quotes it is cp775.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Optional

from privsynth.errors import InputError

SNIFF_BYTES = 1 << 20
#: Unicode category Cc (C0 controls, DEL, C1 controls) except the whitespace controls \t \n \v \f \r
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PK\x03\x04", "a ZIP archive (e.g. .xlsx)"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an OLE document (e.g. .xls)"),
    (b"PAR1", "a Parquet file"),
    (b"\x7fELF", "an executable"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
WESTERN = "cp1252"
# symbols and modifiers that real text in these code pages almost never contains, but that
# a wrong single-byte code page produces (¤ ¦ ¨ ¯ ´ ¸ ¹ ³ ¼ ...); common ones are allowed
_ALLOWED_SYMBOLS = set("©®°™±×÷€£¥¢§«»¡¿ªº·•…–—‘’‚“”„†‡‰‹›µ")
_WORD = re.compile(r"[^\W\d_]+")
_IMPLAUSIBLE_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs", "Sk", "So", "Sm", "Sc", "No", "Lm"}


@dataclass(frozen=True)
class EncodingGuess:
    """The encoding chosen for a file: Python codec name, how it was found, how sure we are.

    `method` is one of "override", "bom", "utf-8", "utf-16 pattern", "detected";
    `alternatives` lists other encodings that decode the bytes to a different plausible text.
    """

    encoding: str
    method: str
    confident: bool = True
    alternatives: tuple[str, ...] = field(default_factory=tuple)


def _binary_kind(head: bytes) -> Optional[str]:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _decodes(opener: Callable[[], BinaryIO], encoding: str) -> Optional[int]:
    """None when the whole stream decodes; else the offset of the first bad byte."""
    dec = codecs.getincrementaldecoder(encoding)()
    pos = 0
    with opener() as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            try:
                dec.decode(block)
            except UnicodeDecodeError as e:
                return pos + e.start
            pos += len(block)
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError as e:
            return pos + e.start
    return None


def _decode_head(head: bytes, encoding: str) -> Optional[str]:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


def implausible(text: str) -> bool:
    """True when `text` does not look like real text in its encoding (see the module docstring)."""
    bad = 0
    for ch in text:
        if ch.isascii():
            if ch < " " and ch not in "\t\n\r\f\v":
                bad += 1
            continue
        cat = unicodedata.category(ch)
        if cat[0] != "L" and cat in _IMPLAUSIBLE_CATEGORIES and ch not in _ALLOWED_SYMBOLS:
            bad += 1
        elif cat == "Lm":
            bad += 1
    if bad:
        return True
    # in words with accented letters, Western and Central European text keeps a majority of
    # ASCII letters (Gåärd, Żółkiewska); text in another script read through a Latin code page
    # (Cyrillic as cp1252: "Èâàí Ïåòðîâ") has words made of accented letters only
    accented = letters = 0
    for word in _WORD.findall(text):
        latin = sum(1 for c in word if not c.isascii() and unicodedata.name(c, "").startswith("LATIN"))
        if latin:
            accented += latin
            letters += len(word)
    return letters > 0 and accented / letters > 0.6


def _utf16_without_bom(head: bytes) -> Optional[str]:
    sample = head[: 4096 - (len(head[:4096]) % 2)]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    return None


def detect_encoding(name: str, opener: Callable[[], BinaryIO], override: Optional[str] = None) -> EncodingGuess:
    """The encoding of the stream `opener()` returns; `name` is the file named in errors.

    Raises InputError (one line naming the file) when the file is binary or no encoding fits,
    or when `override` is not a known codec or does not decode the whole file.
    """
    if override:
        try:
            codec = codecs.lookup(override).name
        except LookupError:
            raise InputError(f"{name}: unknown encoding {override!r} given with --encoding") from None
        bad = _decodes(opener, codec)
        if bad is not None:
            raise InputError(f"{name}: does not decode as {override} (byte {bad}); check --encoding")
        return EncodingGuess(codec, "override")
    with opener() as f:
        head = f.read(SNIFF_BYTES)
    for bom, enc in _BOMS:
        if head.startswith(bom):
            bad = _decodes(opener, enc)
            if bad is not None:
                raise InputError(f"{name}: starts with a {enc} byte-order mark but does not decode as {enc} (byte {bad})")
            return EncodingGuess(enc, "bom")
    kind = _binary_kind(head)
    if kind is not None:
        raise InputError(f"{name}: looks like {kind}, not a text file")
    if b"\x00" in head:
        enc16 = _utf16_without_bom(head)
        text = _decode_head(head, enc16) if enc16 else None
        if enc16 is None or text is None or implausible(text) or _decodes(opener, enc16) is not None:
            raise InputError(f"{name}: looks like a binary file, not text (NUL bytes)")
        return EncodingGuess(enc16, "utf-16 pattern")
    bad = _decodes(opener, "utf-8")
    if bad is None:
        text = _decode_head(head, "utf-8") or ""
        if _CONTROL.search(text, 0, SNIFF_BYTES):
            raise InputError(f"{name}: looks like a binary file, not text (control characters)")
        return EncodingGuess("utf-8", "utf-8")
    valid, invalid = utf8_damage(opener)
    if valid > invalid:
        few = "1 byte that does" if invalid == 1 else f"{invalid} bytes that do"
        raise InputError(f"{name}: looks like UTF-8 except {few} not decode (first at byte {bad}); "
                         "replace those bytes and save the file as UTF-8, or pass --encoding if the whole file is in another encoding")
    return _guess_codepage(name, opener, head)


def utf8_damage(opener: Callable[[], BinaryIO]) -> tuple[int, int]:
    """(valid multi-byte UTF-8 characters, bytes that do not decode as UTF-8) in the whole stream.

    Undecodable bytes are counted with the `surrogateescape` handler (each becomes one lone
    surrogate U+DC80..U+DCFF); the incremental decoder keeps a character split between blocks whole.
    """
    dec = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    valid = invalid = 0
    with opener() as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            v, i = _count_nonascii(dec.decode(block))
            valid, invalid = valid + v, invalid + i
        v, i = _count_nonascii(dec.decode(b"", final=True))
    return valid + v, invalid + i


_NONASCII = re.compile("[^\x00-\x7f]")
_ESCAPED = re.compile("[\udc80-\udcff]")


def _count_nonascii(text: str) -> tuple[int, int]:
    invalid = len(_ESCAPED.findall(text))
    return len(_NONASCII.findall(text)) - invalid, invalid


def _guess_codepage(name: str, opener: Callable[[], BinaryIO], head: bytes) -> EncodingGuess:
    from charset_normalizer import from_bytes

    found = [m.encoding for m in from_bytes(head)]
    if not found:
        raise InputError(f"{name}: not a text file (no text encoding fits its bytes)")
    cands = [WESTERN] + [e for e in found if codecs.lookup(e).name != WESTERN]
    decoded: dict[str, str] = {}
    for enc in cands:
        text = _decode_head(head, enc)
        if text is not None and not implausible(text):
            decoded[codecs.lookup(enc).name] = text
    if not decoded:
        raise InputError(f"{name}: not a text file (its bytes decode to control characters or stray symbols in every candidate encoding: {', '.join(found[:4])})")
    for enc, text in list(decoded.items()):
        if _decodes(opener, enc) is not None:
            del decoded[enc]
    if not decoded:
        raise InputError(f"{name}: cannot determine the text encoding (candidates {', '.join(found[:4])} fail on part of the file); re-save it as UTF-8 or pass --encoding")
    chosen = next(iter(decoded))
    alts = tuple(e for e, t in decoded.items() if e != chosen and t != decoded[chosen])
    return EncodingGuess(chosen, "detected", confident=not alts, alternatives=alts[:3])
