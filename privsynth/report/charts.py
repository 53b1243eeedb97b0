"""Inline SVG charts drawn in Python from the aggregate chart series in `TestResult.charts`.

Chart shapes (the convention shared by the evaluate stage):
  {"type": "histogram", "edges": [...], "series": {"label": [counts...], ...}, "x_label": "..."}
  {"type": "roc", "fpr": [...], "tpr": [...], "auc": 0.5}
  {"type": "interval", "value": v, "low": l, "high": h, "baseline": b, "threshold": t}

Every number is coerced to a finite float and every label is escaped, so a chart can never carry
markup from the evidence into the page. The output is a `Markup` string of one `<svg>` element with
no external reference (no fonts, no images, no scripts).
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Optional, Sequence

from markupsafe import Markup, escape

SERIES_COLORS = ("#1f5f99", "#c8621b", "#5b8c3a", "#7a4fa0", "#8a8a8a")
MAX_POINTS = 400
MAX_BINS = 200


def _num(x: Any) -> Optional[float]:
    if isinstance(x, bool):
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _nums(xs: Any, limit: int) -> list[float]:
    if not isinstance(xs, (list, tuple)):
        return []
    out = []
    for x in list(xs)[:limit]:
        f = _num(x)
        out.append(0.0 if f is None else f)
    return out


def _f(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x) < 1e6 else f"{x:.0f}"


def _tick(x: float) -> str:
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1000 or ax < 0.01:
        return f"{x:.2g}"
    return f"{x:.3g}"


def _svg(width: int, height: int, title: str, body: Iterable[str]) -> Markup:
    t = escape(title)
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{t}"><title>{t}</title>'
        + "".join(body)
        + "</svg>"
    )


def _nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    start = math.ceil(lo / step) * step
    ticks = []
    v = start
    while v <= hi + step * 1e-9 and len(ticks) < 12:
        ticks.append(round(v, 12))
        v += step
    return ticks


def histogram(spec: dict[str, Any], title: str = "") -> Markup:
    """Step outlines of each series as a share of its records, so unequal set sizes compare."""
    edges = _nums(spec.get("edges"), MAX_BINS + 1)
    series_raw = spec.get("series") if isinstance(spec.get("series"), dict) else {}
    series: list[tuple[str, list[float]]] = []
    for label, counts in list(series_raw.items())[: len(SERIES_COLORS)]:
        c = _nums(counts, MAX_BINS)
        if len(edges) >= 2 and len(c) == len(edges) - 1:
            total = sum(max(v, 0.0) for v in c) or 1.0
            series.append((str(label), [max(v, 0.0) / total for v in c]))
    if not series:
        return empty_chart(title or "histogram", "no histogram data")
    W, H, L, R, T, B = 520, 240, 52, 12, 14, 62
    pw, ph = W - L - R, H - T - B
    x0, x1 = edges[0], edges[-1]
    if x1 <= x0:
        x1 = x0 + 1.0
    ymax = max(max(s) for _, s in series) or 1.0
    ymax *= 1.08

    def X(v: float) -> float:
        return L + (v - x0) / (x1 - x0) * pw

    def Y(v: float) -> float:
        return T + ph - v / ymax * ph

    body = [f'<rect x="{L}" y="{T}" width="{pw}" height="{ph}" fill="#fff" stroke="#999" stroke-width="0.8"/>']
    for yt in _nice_ticks(0, ymax):
        body.append(f'<line x1="{L}" x2="{L + pw}" y1="{_f(Y(yt))}" y2="{_f(Y(yt))}" stroke="#e3e3e3"/>')
        body.append(f'<text x="{L - 4}" y="{_f(Y(yt) + 3)}" text-anchor="end" font-size="10">{escape(_tick(yt))}</text>')
    for xt in _nice_ticks(x0, x1):
        body.append(f'<text x="{_f(X(xt))}" y="{T + ph + 13}" text-anchor="middle" font-size="10">{escape(_tick(xt))}</text>')
    for i, (label, shares) in enumerate(series):
        color = SERIES_COLORS[i]
        pts = [f"{_f(X(edges[0]))},{_f(Y(0))}"]
        for j, v in enumerate(shares):
            pts.append(f"{_f(X(edges[j]))},{_f(Y(v))}")
            pts.append(f"{_f(X(edges[j + 1]))},{_f(Y(v))}")
        pts.append(f"{_f(X(edges[-1]))},{_f(Y(0))}")
        dash = ' stroke-dasharray="5 3"' if i % 2 else ""
        body.append(f'<polyline points="{" ".join(pts)}" fill="{color}" fill-opacity="0.10" stroke="{color}" stroke-width="1.6"{dash}/>')
        lx = L + 8 + i * 150
        body.append(f'<line x1="{lx}" x2="{lx + 18}" y1="{H - 12}" y2="{H - 12}" stroke="{color}" stroke-width="2"{dash}/>')
        body.append(f'<text x="{lx + 22}" y="{H - 8}" font-size="11">{escape(label[:24])}</text>')
    xl = str(spec.get("x_label") or "")
    body.append(f'<text x="{L + pw / 2}" y="{T + ph + 28}" text-anchor="middle" font-size="11">{escape(xl[:80])}</text>')
    body.append(f'<text x="12" y="{T + ph / 2}" transform="rotate(-90 12 {T + ph / 2})" text-anchor="middle" font-size="11">share of records</text>')
    return _svg(W, H, title or "histogram", body)


def roc(spec: dict[str, Any], title: str = "") -> Markup:
    """ROC curve of a membership attack against the chance diagonal."""
    fpr = _nums(spec.get("fpr"), MAX_POINTS)
    tpr = _nums(spec.get("tpr"), MAX_POINTS)
    n = min(len(fpr), len(tpr))
    if n < 2:
        return empty_chart(title or "ROC curve", "no ROC data")
    W, H, L, R, T, B = 300, 280, 46, 12, 12, 44
    pw, ph = W - L - R, H - T - B

    def X(v: float) -> float:
        return L + min(max(v, 0.0), 1.0) * pw

    def Y(v: float) -> float:
        return T + ph - min(max(v, 0.0), 1.0) * ph

    body = [f'<rect x="{L}" y="{T}" width="{pw}" height="{ph}" fill="#fff" stroke="#999" stroke-width="0.8"/>']
    for t in (0.0, 0.25, 0.5, 0.75, 1.0):
        body.append(f'<line x1="{L}" x2="{L + pw}" y1="{_f(Y(t))}" y2="{_f(Y(t))}" stroke="#eee"/>')
        body.append(f'<text x="{L - 4}" y="{_f(Y(t) + 3)}" text-anchor="end" font-size="10">{t:g}</text>')
        body.append(f'<text x="{_f(X(t))}" y="{T + ph + 13}" text-anchor="middle" font-size="10">{t:g}</text>')
    body.append(f'<line x1="{X(0)}" y1="{Y(0)}" x2="{X(1)}" y2="{Y(1)}" stroke="#888" stroke-dasharray="4 3"/>')
    pts = " ".join(f"{_f(X(fpr[i]))},{_f(Y(tpr[i]))}" for i in range(n))
    body.append(f'<polyline points="{pts}" fill="none" stroke="{SERIES_COLORS[0]}" stroke-width="2"/>')
    auc = _num(spec.get("auc"))
    if auc is not None:
        body.append(f'<text x="{L + pw - 6}" y="{T + ph - 8}" text-anchor="end" font-size="12" font-weight="bold">AUC {auc:.3f}</text>')
    body.append(f'<text x="{L + 4}" y="{T + 14}" font-size="10" fill="#666">dashed: chance</text>')
    body.append(f'<text x="{L + pw / 2}" y="{H - 10}" text-anchor="middle" font-size="11">false-positive rate</text>')
    body.append(f'<text x="12" y="{T + ph / 2}" transform="rotate(-90 12 {T + ph / 2})" text-anchor="middle" font-size="11">true-positive rate</text>')
    return _svg(W, H, title or "ROC curve", body)


def interval(spec: dict[str, Any], title: str = "") -> Markup:
    """One risk with its interval, the naive baseline and the threshold."""
    return interval_rows([(title or "risk", spec)], title=title or "risk with interval")


def interval_rows(rows: Sequence[tuple[str, dict[str, Any]]], title: str = "risks with intervals") -> Markup:
    """Several risks, one row each: point, interval whiskers, baseline (grey tick), threshold (red line)."""
    clean = []
    for label, spec in rows:
        v = _num(spec.get("value"))
        if v is None:
            continue
        clean.append((str(label), v, _num(spec.get("low")), _num(spec.get("high")), _num(spec.get("baseline")), _num(spec.get("threshold"))))
    if not clean:
        return empty_chart(title, "no interval data")
    vals = [x for r in clean for x in r[1:] if x is not None]
    lo = min(0.0, min(vals))
    hi = max(1.0 if max(vals) <= 1.0 else max(vals) * 1.1, max(vals))
    if hi > 1.0 and max(vals) <= 1.0:
        hi = 1.0
    # zoom on small risks so a 0.09 threshold is readable
    if max(vals) <= 0.25 and lo >= 0:
        hi = 0.25
    elif max(vals) <= 0.5 and lo >= 0:
        hi = 0.5
    label_w = 200
    W, row_h, T, B = 560, 26, 10, 36
    L, R = label_w + 10, 16
    pw = W - L - R
    H = T + row_h * len(clean) + B

    def X(v: float) -> float:
        return L + (min(max(v, lo), hi) - lo) / (hi - lo) * pw

    body = [f'<rect x="{L}" y="{T}" width="{pw}" height="{row_h * len(clean)}" fill="#fff" stroke="#999" stroke-width="0.8"/>']
    for t in _nice_ticks(lo, hi, 5):
        body.append(f'<line x1="{_f(X(t))}" x2="{_f(X(t))}" y1="{T}" y2="{T + row_h * len(clean)}" stroke="#eee"/>')
        body.append(f'<text x="{_f(X(t))}" y="{T + row_h * len(clean) + 13}" text-anchor="middle" font-size="10">{escape(_tick(t))}</text>')
    for i, (label, v, l, h, b, thr) in enumerate(clean):
        cy = T + row_h * i + row_h / 2
        body.append(f'<text x="{label_w}" y="{_f(cy + 4)}" text-anchor="end" font-size="11">{escape(label[:34])}</text>')
        if thr is not None:
            body.append(f'<line x1="{_f(X(thr))}" x2="{_f(X(thr))}" y1="{_f(cy - 10)}" y2="{_f(cy + 10)}" stroke="#b3261e" stroke-width="2"/>')
        if b is not None:
            body.append(f'<line x1="{_f(X(b))}" x2="{_f(X(b))}" y1="{_f(cy - 6)}" y2="{_f(cy + 6)}" stroke="#777" stroke-width="2" stroke-dasharray="2 2"/>')
        if l is not None and h is not None:
            body.append(f'<line x1="{_f(X(l))}" x2="{_f(X(h))}" y1="{_f(cy)}" y2="{_f(cy)}" stroke="#1f5f99" stroke-width="2"/>')
            for e in (l, h):
                body.append(f'<line x1="{_f(X(e))}" x2="{_f(X(e))}" y1="{_f(cy - 5)}" y2="{_f(cy + 5)}" stroke="#1f5f99" stroke-width="2"/>')
        over = thr is not None and v > thr
        body.append(f'<circle cx="{_f(X(v))}" cy="{_f(cy)}" r="4.5" fill="{"#b3261e" if over else "#1f5f99"}"/>')
    ly = H - 8
    body.append(f'<circle cx="{L + 6}" cy="{ly - 4}" r="4" fill="#1f5f99"/><text x="{L + 14}" y="{ly}" font-size="10">value and interval</text>')
    body.append(f'<line x1="{L + 130}" x2="{L + 130}" y1="{ly - 10}" y2="{ly + 2}" stroke="#b3261e" stroke-width="2"/><text x="{L + 136}" y="{ly}" font-size="10">threshold</text>')
    body.append(f'<line x1="{L + 200}" x2="{L + 200}" y1="{ly - 9}" y2="{ly + 1}" stroke="#777" stroke-width="2" stroke-dasharray="2 2"/><text x="{L + 206}" y="{ly}" font-size="10">naive baseline</text>')
    return _svg(W, H, title, body)


def empty_chart(title: str, message: str) -> Markup:
    return _svg(300, 40, title, [f'<text x="8" y="24" font-size="12" fill="#666">{escape(message)}</text>'])


def render_chart(name: str, spec: Any) -> Markup:
    """Dispatch on `spec["type"]`; unknown types render a short note, never the raw spec."""
    if not isinstance(spec, dict):
        return empty_chart(name, "unreadable chart data")
    kind = spec.get("type")
    title = str(spec.get("title") or name).replace("_", " ")
    if kind == "histogram":
        return histogram(spec, title)
    if kind == "roc":
        return roc(spec, title)
    if kind == "interval":
        return interval(spec, title)
    return empty_chart(title, "chart type not supported")
