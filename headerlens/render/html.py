"""Self-contained HTML report: no scripts, no external resources, everything escaped."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from headerlens.render._safe import term_safe
from headerlens.render.document import Document, build_diff_document, build_document
from headerlens.render.svg import render_svg
from headerlens.report import Report

if TYPE_CHECKING:
    from headerlens.diff import ReportDiff

__all__ = ["render_diff_html", "render_html", "render_html_fragment"]

_STYLE = """
.hl-report{font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:14px;color:#1b1f24}
.hl-report h1{font-size:20px;margin:0 0 8px}
.hl-report h2{font-size:16px;margin:18px 0 6px;border-bottom:1px solid #d0d7de}
.hl-report table{border-collapse:collapse;margin:6px 0}
.hl-report th,.hl-report td{border:1px solid #d0d7de;padding:2px 6px;text-align:left;
vertical-align:top;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.hl-report th{background:#f6f8fa}
.hl-report dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:4px 0}
.hl-report dt{font-weight:600}.hl-report dd{margin:0;overflow-wrap:anywhere}
.hl-sev{display:inline-block;min-width:64px;font-weight:600}
.hl-critical{color:#b42318}.hl-warning{color:#b54708}.hl-notice{color:#175cd3}
.hl-info{color:#475467}
.hl-report td{white-space:pre-wrap;overflow-wrap:normal;word-break:normal}
.hl-figure{margin:8px 0;overflow-x:auto;max-width:100%}
.hl-figure svg{max-width:none}
.hl-report .hl-lead{font-size:15px;font-weight:600;margin:6px 0}
"""


def _e(text: str) -> str:
    # term_safe makes control and bidi characters visible; escape() neutralises markup.
    return escape(term_safe(text), quote=True)


def _body(doc: Document, report: Report | None) -> str:
    out = [f'<div class="hl-report"><h1>{_e(doc.title)}</h1>']
    for sec in doc.sections:
        out.append(f"<h2>{_e(sec.title)}</h2>")
        if sec.lead:
            out.append(f'<p class="hl-lead">{_e(sec.lead)}</p>')
        if sec.lines:
            out.append("<dl>")
            out += [f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in sec.lines]
            out.append("</dl>")
        if sec.figure == "timeline" and report is not None:
            out.append(f'<figure class="hl-figure">{render_svg(report)}</figure>')
        for table in sec.tables:
            out.append("<table><thead><tr>")
            out += [f"<th>{_e(h)}</th>" for h in table.headers]
            out.append("</tr></thead><tbody>")
            for row in table.rows:
                out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
            out.append("</tbody></table>")
        if sec.severity_rows:
            out.append("<ul>")
            for sev, code, summary, idx in sec.severity_rows:
                where = f" <small>({_e(idx)})</small>" if idx else ""
                out.append(
                    f'<li><span class="hl-sev hl-{_e(sev)}">{_e(sev)}</span> '
                    f"<code>{_e(code)}</code>{where}: {_e(summary)}</li>"
                )
            out.append("</ul>")
        out += [f"<p>{_e(n)}</p>" for n in sec.notes]
    out.append("</div>")
    return "\n".join(out)


def render_html_fragment(report: Report, *, title: str = "headerlens report") -> str:
    """The report as an HTML fragment with its own scoped style (for Jupyter)."""
    return f"<style>{_STYLE}</style>\n" + _body(build_document(report, title=title), report)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>\n"
        + body
        + "\n</body></html>\n"
    )


def render_html(report: Report, *, title: str = "headerlens report") -> str:
    """The report as a self-contained HTML page (no scripts, no external resources)."""
    return _page(title, _body(build_document(report, title=title), report))


def render_diff_html(
    diff: ReportDiff, *, title: str = "headerlens diff", a_name: str = "A", b_name: str = "B"
) -> str:
    """A :class:`~headerlens.diff.ReportDiff` as a self-contained HTML page."""
    doc = build_diff_document(diff, title=title, a_name=a_name, b_name=b_name)
    return _page(title, _body(doc, None))
