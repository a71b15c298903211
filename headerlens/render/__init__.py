"""Renderers: text, Markdown, HTML, SVG and JSON views of a :class:`~headerlens.report.Report`."""

from __future__ import annotations

from headerlens.render.html import render_html, render_html_fragment
from headerlens.render.markdown import render_markdown
from headerlens.render.svg import render_svg
from headerlens.render.text import render_text
from headerlens.report import Report

__all__ = [
    "render_html",
    "render_html_fragment",
    "render_json",
    "render_markdown",
    "render_svg",
    "render_text",
]


def render_json(report: Report, *, indent: int | None = 2) -> str:
    """The JSON contract (``Report.model_dump(mode="json")``) as text."""
    return report.model_dump_json(indent=indent)
