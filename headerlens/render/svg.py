"""The hop chain as a picture: every timestamp of the message on one time axis (inline SVG).

One row per hop, oldest at the top, with a dot at the time the hop's Received field states
and a bar back to the previous dated hop (the delay). Negative delays (clock skew or a forged
field) are drawn in red with a dashed outline. A dashed line marks the trust boundary (the
receiving organisation's own hops are below it); hops of an inbound filtering gateway
(``Hop.gateway``) are tinted and named. Below the hops, every other timestamp of
``Report.timeline``: the Date header, DKIM and ARC signing times (RFC 6376 ``t=``, RFC 8617
``t=``), X-Received and vendor arrival stamps, on the same axis.

The axis covers the timestamps within a week of their median; anything further out (a DKIM
``x=`` expiry, a clock years off) is drawn as an arrow at the edge with its full time.

The SVG is self-contained: no script, no links, no external resources, no ``id`` (several
pictures may share a page); every message-derived string is escaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape

from headerlens.hops.models import Hop, TimelineEntry
from headerlens.render._safe import format_delay, format_time, term_safe
from headerlens.report import Report

__all__ = ["render_svg"]

_WIDTH = 960
_LABEL_W = 330
_PLOT_X0 = _LABEL_W + 16
_PLOT_X1 = _WIDTH - 96
_ROW_H = 26
_TOP = 70
_CHAR_W = 6.6
_FONT = "ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',monospace"
_OUTLIER = dt.timedelta(days=7)

_BAR = "#2f6fdf"
_NEG = "#d92d20"
_GATEWAY_BG = "#f4ebff"
_TRUSTED_BG = "#ecfdf3"
_MUTED = "#667085"
_INK = "#1b1f24"
_GRID = "#e4e7ec"
_MARK = {
    "Date": ("#7a5af8", "diamond"),
    "Resent-Date": ("#7a5af8", "diamond"),
    "DKIM-Signature": ("#12b76a", "square"),
    "ARC-Seal": ("#f79009", "triangle"),
    "ARC-Message-Signature": ("#f79009", "triangle"),
}
_STEPS = (
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    10800,
    21600,
    43200,
    86400,
    172800,
    604800,
)


def _e(text: str) -> str:
    return escape(term_safe(text), quote=True)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _Row:
    label: str
    detail: str = ""
    tooltip: str = ""
    background: str | None = None
    parts: list[str] = field(default_factory=list)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _domain(points: list[dt.datetime]) -> tuple[dt.datetime, dt.datetime] | None:
    if not points:
        return None
    ordered = sorted(points)
    median = ordered[len(ordered) // 2]
    core = [p for p in ordered if abs(p - median) <= _OUTLIER]
    lo, hi = core[0], core[-1]
    span = hi - lo
    pad = dt.timedelta(seconds=5) if span < dt.timedelta(seconds=10) else span * 0.04
    return lo - pad, hi + pad


class _Axis:
    def __init__(self, lo: dt.datetime, hi: dt.datetime) -> None:
        self.lo, self.hi = lo, hi
        self.span = (hi - lo).total_seconds()

    def inside(self, t: dt.datetime) -> bool:
        return self.lo <= t <= self.hi

    def x(self, t: dt.datetime) -> float:
        if t <= self.lo:
            return float(_PLOT_X0)
        if t >= self.hi:
            return float(_PLOT_X1)
        frac = (t - self.lo).total_seconds() / self.span
        return _PLOT_X0 + frac * (_PLOT_X1 - _PLOT_X0)

    def ticks(self) -> list[dt.datetime]:
        step = next((s for s in _STEPS if self.span / s <= 8), _STEPS[-1])
        lo_s = self.lo.timestamp()
        first = (int(lo_s) // step + 1) * step
        out: list[dt.datetime] = []
        t = first
        while t <= self.hi.timestamp() and len(out) < 12:
            out.append(dt.datetime.fromtimestamp(t, tz=dt.UTC))
            t += step
        return out


def _marker(kind: str, x: float, y: float, colour: str, tip: str) -> str:
    t = f"<title>{_e(tip)}</title>"
    if kind == "diamond":
        pts = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{colour}">{t}</polygon>'
    if kind == "square":
        return (
            f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}">'
            f"{t}</rect>"
        )
    if kind == "triangle":
        pts = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y + 5:.1f} {x - 6:.1f},{y + 5:.1f}"
        return f'<polygon points="{pts}" fill="{colour}">{t}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}">{t}</circle>'


def _off_axis(axis: _Axis, t: dt.datetime, y: float, colour: str, tip: str) -> str:
    """An arrow at the edge of the plot for a time outside the axis, with the time written."""
    label = _e(format_time(t) + " UTC")
    if t < axis.lo:
        x = _PLOT_X0
        pts = f"{x:.1f},{y:.1f} {x + 9:.1f},{y - 5:.1f} {x + 9:.1f},{y + 5:.1f}"
        text = f'<text x="{x + 13:.1f}" y="{y + 4:.1f}" fill="{colour}">{label}</text>'
    else:
        x = _PLOT_X1
        pts = f"{x:.1f},{y:.1f} {x - 9:.1f},{y - 5:.1f} {x - 9:.1f},{y + 5:.1f}"
        w = len(format_time(t) + " UTC") * _CHAR_W
        text = f'<text x="{x - 13 - w:.1f}" y="{y + 4:.1f}" fill="{colour}">{label}</text>'
    return f'<g><title>{_e(tip)}</title><polygon points="{pts}" fill="{colour}"/>{text}</g>'


def _hop_label(hop: Hop) -> tuple[str, str, str]:
    r = hop.received
    by = r.by_host or "(no by host)"
    peer = r.from_rdns or r.from_helo or ("(local)" if not r.relay else "")
    ip = f"[{r.from_ip}]" if r.from_ip else ""
    if peer.strip("[]") == r.from_ip:
        peer = ""
    detail = " ".join(x for x in (peer, ip) if x)
    tip = (
        f"hop {hop.index} (header #{hop.header_index}): from {detail or '?'} by {by}; "
        f"{format_time(hop.timestamp)} UTC"
    )
    if hop.delay is not None:
        tip += f"; delay {format_delay(hop.delay)}"
    if hop.delay_note:
        tip += f" ({hop.delay_note})"
    if hop.gateway:
        tip += f"; gateway: {hop.gateway}"
    return f"{hop.index}  {by}", f"from {detail}" if detail else "", tip


def _stamp_label(entry: TimelineEntry) -> str:
    base = entry.source
    if entry.host:
        base += f" {entry.host}"
    return base


def _stamp_style(entry: TimelineEntry) -> tuple[str, str]:
    key = entry.source.split(" ", 1)[0]
    return _MARK.get(key, (_MUTED, "circle"))


def _hop_parts(axis: _Axis, hop: Hop, mid: float, tip: str) -> list[str]:
    """The delay bar, its label and the hop's dot, on the row centred at ``mid``."""
    if hop.timestamp is None:
        note = hop.delay_note or "no readable time"
        return [f'<text x="{_PLOT_X0}" y="{mid + 4:.1f}" fill="{_MUTED}">{_e(note)}</text>']
    parts: list[str] = []
    t = _utc(hop.timestamp)
    negative = hop.delay is not None and hop.delay.total_seconds() < 0
    if hop.delay is not None and hop.delay.total_seconds() != 0:
        start = t - hop.delay
        colour = _NEG if negative else _BAR
        x_a, x_b = sorted((axis.x(start), axis.x(t)))
        dash = ' stroke-dasharray="3 2"' if negative else ""
        bar_tip = f"hop {hop.index}: delay {format_delay(hop.delay)}"
        if negative:
            bar_tip += " (negative: clock skew or a forged field)"
        parts.append(
            f'<rect class="hl-delay" x="{x_a:.1f}" y="{mid - 5:.1f}" '
            f'width="{max(x_b - x_a, 2.0):.1f}" height="10" fill="{colour}" '
            f'fill-opacity="{"0.25" if negative else "0.85"}" stroke="{colour}"{dash}>'
            f"<title>{_e(bar_tip)}</title></rect>"
        )
        text = format_delay(hop.delay) + (" clock skew?" if negative else "")
        x_text = min(x_b + 8, _PLOT_X1 + 4)
        parts.append(f'<text x="{x_text:.1f}" y="{mid + 4:.1f}" fill="{colour}">{_e(text)}</text>')
    if axis.inside(t):
        parts.append(_marker("circle", axis.x(t), mid, _NEG if negative else _INK, tip))
    else:
        parts.append(_off_axis(axis, t, mid, _NEG, tip))
    return parts


def render_svg(report: Report, *, title: str = "Hop timeline") -> str:
    """The hop chain and every timestamp of ``report`` as a standalone SVG document.

    The timestamps are those of ``Report.hops`` (Received, RFC 5321 section 4.4) and
    ``Report.timeline``; all times are shown in UTC.
    """
    hops = report.hops
    hop_headers = {h.header_index for h in hops}
    stamps = [
        e for e in report.timeline if not (e.source == "Received" and e.header_index in hop_headers)
    ]
    points = [_utc(h.timestamp) for h in hops if h.timestamp is not None]
    points += [_utc(e.timestamp) for e in stamps if e.note != "signature expiry"]
    if not points:
        points = [_utc(e.timestamp) for e in stamps]
    domain = _domain(points)
    axis = _Axis(*domain) if domain is not None else None
    rows, boundary_after = _hop_rows(hops, axis)
    stamp_start = len(rows)
    rows += _stamp_rows(stamps, axis, stamp_start)

    height = _TOP + _ROW_H * max(len(rows), 1) + 64
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hl-timeline" '
        f'viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" '
        f'role="img" aria-label="{_e(title)}" font-family="{_FONT}" font-size="11">',
        f"<title>{_e(title)}</title>",
        f'<rect x="0" y="0" width="{_WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="8" y="18" font-size="13" font-weight="bold" fill="{_INK}">'
        f"{_e(_clip(title, 110))}</text>",
    ]
    out += _axis_svg(axis, len(rows))
    out += _rows_svg(rows, stamp_start, boundary_after)
    out += _legend_svg(_TOP + _ROW_H * max(len(rows), 1) + 26, any(h.gateway for h in hops))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _hop_rows(hops: tuple[Hop, ...], axis: _Axis | None) -> tuple[list[_Row], int | None]:
    """One row per hop, and the row after which the trust boundary is drawn."""
    rows: list[_Row] = []
    boundary_after: int | None = None
    prev_trusted: bool | None = None
    for hop in hops:
        label, detail, tip = _hop_label(hop)
        if hop.gateway:
            detail = f"gateway: {hop.gateway}" + (f"  {detail}" if detail else "")
        if hop.border:
            label += "  (entry)"
        bg = _GATEWAY_BG if hop.gateway else (_TRUSTED_BG if hop.trusted else None)
        if prev_trusted is False and hop.trusted:
            boundary_after = len(rows) - 1
        prev_trusted = hop.trusted
        row = _Row(label, detail, tip, bg)
        mid = _TOP + len(rows) * _ROW_H + _ROW_H / 2
        rows.append(row)
        if axis is not None:
            row.parts += _hop_parts(axis, hop, mid, tip)
    return rows, boundary_after


def _stamp_rows(stamps: list[TimelineEntry], axis: _Axis | None, first: int) -> list[_Row]:
    """One row per other timestamp (Date, DKIM, ARC, ...), starting at row ``first``."""
    rows: list[_Row] = []
    for entry in stamps:
        colour, shape = _stamp_style(entry)
        tip = f"{entry.source} (header #{entry.header_index}): {format_time(entry.timestamp)} UTC"
        if entry.host:
            tip += f"; {entry.host}"
        if entry.note:
            tip += f"; {entry.note}"
        row = _Row(_stamp_label(entry), entry.note or "", tip)
        mid = _TOP + (first + len(rows)) * _ROW_H + _ROW_H / 2
        rows.append(row)
        if axis is None:
            continue
        t = _utc(entry.timestamp)
        if axis.inside(t):
            row.parts.append(_marker(shape, axis.x(t), mid, colour, tip))
        else:
            row.parts.append(_off_axis(axis, t, mid, colour, tip))
    return rows


def _axis_svg(axis: _Axis | None, n_rows: int) -> list[str]:
    """The day above the plot and the time ticks with their grid lines."""
    if axis is None:
        return [f'<text x="8" y="40" fill="{_MUTED}">No readable timestamp in this message.</text>']
    out = [
        f'<text x="{_PLOT_X0}" y="36" fill="{_MUTED}">'
        f"{_e(axis.lo.strftime('%Y-%m-%d'))} (UTC)</text>"
    ]
    plot_bottom = _TOP + _ROW_H * n_rows
    for t in axis.ticks():
        x = axis.x(t)
        out.append(
            f'<line x1="{x:.1f}" y1="{_TOP - 6}" x2="{x:.1f}" y2="{plot_bottom}" stroke="{_GRID}"/>'
        )
        stamp = t.strftime("%H:%M:%S") if t.second or axis.span < 600 else t.strftime("%H:%M")
        if t.hour == 0 and t.minute == 0 and t.second == 0:
            stamp = t.strftime("%m-%d")
        out.append(
            f'<text x="{x:.1f}" y="{_TOP - 10}" text-anchor="middle" fill="{_MUTED}">'
            f"{_e(stamp)}</text>"
        )
    return out


def _rows_svg(rows: list[_Row], stamp_start: int, boundary_after: int | None) -> list[str]:
    """Every row (background, label, detail, its marks) and the trust boundary line."""
    out: list[str] = []
    for i, row in enumerate(rows):
        y = _TOP + i * _ROW_H
        mid = y + _ROW_H / 2
        if row.background:
            out.append(
                f'<rect x="0" y="{y}" width="{_WIDTH}" height="{_ROW_H}" fill="{row.background}"/>'
            )
        out.append(
            f'<text x="8" y="{mid - 1:.1f}" fill="{_INK}"><title>{_e(row.tooltip)}</title>'
            f"{_e(_clip(row.label, 50))}</text>"
        )
        if row.detail:
            out.append(
                f'<text x="26" y="{mid + 9:.1f}" font-size="9" fill="{_MUTED}">'
                f"{_e(_clip(row.detail, 60))}</text>"
            )
        if i == stamp_start and stamp_start > 0:
            out.append(
                f'<line x1="0" y1="{y}" x2="{_WIDTH}" y2="{y}" stroke="{_MUTED}" '
                f'stroke-width="0.5"/>'
            )
        out += row.parts
    if boundary_after is not None:
        y = _TOP + (boundary_after + 1) * _ROW_H
        out.append(
            f'<line x1="0" y1="{y}" x2="{_WIDTH}" y2="{y}" stroke="#039855" stroke-width="1.5" '
            f'stroke-dasharray="6 4"><title>trust boundary: the hops below were written by '
            f"the receiving organisation</title></line>"
        )
        out.append(
            f'<text x="{_WIDTH - 8}" y="{y - 3}" text-anchor="end" font-size="9" '
            f'fill="#039855">trust boundary (receiving organisation below)</text>'
        )
    return out


def _legend_svg(legend_y: float, gateway: bool) -> list[str]:
    """The legend of marks and colours below the plot."""
    out: list[str] = []
    legend = [
        ("circle", _INK, "hop (Received time)"),
        ("bar", _BAR, "delay"),
        ("bar", _NEG, "negative delay / clock skew"),
        ("diamond", "#7a5af8", "Date"),
        ("square", "#12b76a", "DKIM"),
        ("triangle", "#f79009", "ARC"),
    ]
    x = 8.0
    for shape, colour, text in legend:
        if shape == "bar":
            out.append(
                f'<rect x="{x:.1f}" y="{legend_y - 5}" width="16" height="10" fill="{colour}" '
                f'fill-opacity="0.6" stroke="{colour}"/>'
            )
            x += 22
        else:
            out.append(_marker(shape, x + 5, legend_y, colour, text))
            x += 16
        out.append(f'<text x="{x:.1f}" y="{legend_y + 4}" fill="{_MUTED}">{_e(text)}</text>')
        x += len(text) * _CHAR_W + 18
    if gateway:
        out.append(
            f'<rect x="8" y="{legend_y + 14}" width="16" height="10" fill="{_GATEWAY_BG}"/>'
            f'<text x="30" y="{legend_y + 23}" fill="{_MUTED}">inbound filtering gateway</text>'
        )
    return out
