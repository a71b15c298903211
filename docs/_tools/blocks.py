"""The code blocks of the documentation, and the terminal output shown in it.

``tests/docs/test_docs.py`` runs every Python block (``python`` blocks are executed, ``pycon``
blocks are doctests), checks every ``headerlens`` command of the shell blocks, and compares
every ``console`` block with what its command prints today. When a change to headerlens
changes a report on purpose, rewrite the console blocks with::

    python docs/_tools/blocks.py --update

and review the diff like a golden file. The same command rewrites the sections of the vendor
pages (``docs/vendors/<key>.md``) that list what is decoded, from the vendors' knowledge files
(``gen.vendor_sections``); a test checks those too. A console block is a fenced block of language
``console`` whose first line is ``$ headerlens ARGS`` (or ``$ python -m headerlens ARGS``); the
rest of the block is the output. An HTML comment on the line before the fence can show an
excerpt instead of the whole report::

    <!-- output: sections="Verdict, Hop chain" -->

keeps the title and the named sections of the text report (in the report's order).

Commands run in this process with the repository as the working directory and the wall clock
pinned to ``PINNED_NOW`` (after every expiry date in the samples, so the output is what any
reader gets today), never with the network.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PINNED_NOW = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+-]*)(?P<info>.*)$"
)
_DIRECTIVE = re.compile(r"<!--\s*output:(?P<args>.*?)-->")


@dataclass
class Block:
    """One fenced code block of a Markdown file."""

    path: Path
    lang: str
    start: int  # index of the opening fence line
    end: int  # index of the closing fence line
    indent: str
    lines: list[str]  # the content, indentation removed
    directive: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.start + 1}"

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def markdown_files() -> list[Path]:
    """README.md and every Markdown page of the site (``docs/``, the tools excluded)."""
    pages = sorted(p for p in (REPO / "docs").rglob("*.md") if "_tools" not in p.parts)
    return [REPO / "README.md", *pages]


def blocks(path: Path) -> Iterator[Block]:
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m["indent"], m["fence"]
        j = i + 1
        while j < len(lines) and not (
            lines[j].startswith(indent)
            and lines[j].strip().startswith(fence)
            and lines[j].strip().strip(fence[0]) == ""
        ):
            j += 1
        body = [
            ln[len(indent) :] if ln.startswith(indent) else ln.lstrip() for ln in lines[i + 1 : j]
        ]
        directive: dict[str, str] = {}
        if i > 0 and (d := _DIRECTIVE.search(lines[i - 1])):
            for key, value in re.findall(r'(\w+)="([^"]*)"', d["args"]):
                directive[key] = value
        yield Block(path, m["lang"].lower(), i, j, indent, body, directive)
        i = j + 1


# -- running headerlens -------------------------------------------------------------------------


@contextlib.contextmanager
def pinned(cwd: Path = REPO) -> Iterator[None]:
    """The working directory ``cwd`` and the wall clock at ``PINNED_NOW``, then restored."""
    from headerlens import _clock

    old_cwd, old_now = Path.cwd(), _clock.Clock.now

    def now(self: _clock.Clock) -> dt.datetime:
        self._at = PINNED_NOW
        return PINNED_NOW

    os.chdir(cwd)
    _clock.Clock.now = now  # type: ignore[method-assign]
    try:
        yield
    finally:
        _clock.Clock.now = old_now  # type: ignore[method-assign]
        os.chdir(old_cwd)


def headerlens_argv(command: str) -> list[str] | None:
    """The arguments of ``headerlens ARGS`` / ``python -m headerlens ARGS``, else None."""
    words = shlex.split(command)
    if words[:1] == ["headerlens"]:
        return words[1:]
    if words[:3] == ["python", "-m", "headerlens"]:
        return words[3:]
    return None


def run(argv: list[str], stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run the command line in this process: (exit status, standard output, standard error)."""
    from headerlens.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with pinned(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(argv)
    finally:
        sys.stdin = old_stdin
    return status, out.getvalue(), err.getvalue()


def _sections(report: str, wanted: list[str]) -> str:
    """The title block and the ``wanted`` sections of a text report, in the report's order."""
    lines = report.rstrip("\n").split("\n")
    starts = [
        i
        for i in range(1, len(lines) - 1)
        if lines[i]
        and lines[i + 1]
        and set(lines[i + 1]) == {"-"}
        and len(lines[i + 1]) == len(lines[i])
        and not lines[i - 1].strip()
    ]
    titles = [lines[i] for i in starts]

    def chosen(title: str) -> bool:  # "Hop chain" names "Hop chain (oldest first)"
        return any(title == w or title.startswith(w + " (") for w in wanted)

    missing = [w for w in wanted if not any(t == w or t.startswith(w + " (") for t in titles)]
    if missing:
        raise ValueError(f"no section {missing} in the report (sections: {titles})")
    head = lines[: starts[0]] if starts else lines
    out = [*head]
    bounds = [*starts, len(lines) + 1]
    for k, begin in enumerate(starts):
        if chosen(lines[begin]):
            out += lines[begin : bounds[k + 1]]
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"


def console_expected(block: Block) -> tuple[str, str]:
    """(the command line, what the block should hold after it) for a console block."""
    command = block.lines[0][2:]
    argv = headerlens_argv(command)
    if argv is None:
        raise ValueError(f"{block.where}: a console block must start with '$ headerlens ...'")
    status, out, err = run(argv)
    if status != 0:
        raise RuntimeError(f"{block.where}: '{command}' exited {status}: {err.strip()}")
    if "sections" in block.directive:
        wanted = [s.strip() for s in block.directive["sections"].split(",") if s.strip()]
        out = _sections(out, wanted)
    return block.lines[0], out


def console_blocks(path: Path) -> list[Block]:
    return [
        b
        for b in blocks(path)
        if b.lang == "console"
        and b.lines
        and b.lines[0].startswith("$ ")
        and headerlens_argv(b.lines[0][2:]) is not None
    ]


def update(path: Path) -> bool:
    """Rewrite the console blocks of ``path`` with today's output; True when it changed."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    changed = False
    for block in reversed(console_blocks(path)):
        first, out = console_expected(block)
        new = [block.indent + ln if ln else ln for ln in [first, *out.rstrip("\n").split("\n")]]
        if lines[block.start + 1 : block.end] != new:
            lines[block.start + 1 : block.end] = new
            changed = True
    if changed:
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed


# -- vendor pages -------------------------------------------------------------------------------


def vendor_pages() -> dict[str, Path]:
    """Vendor key -> its page, for every vendor headerlens decodes."""
    from headerlens.spam.vendors import VENDORS

    return {key: REPO / "docs" / "vendors" / f"{key}.md" for key in VENDORS}


def with_vendor_sections(text: str, key: str) -> str:
    """``text`` (a vendor page) with its generated sections rewritten from the knowledge file
    (``gen.vendor_sections``); the prose sections stay as written."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import gen

    for title, body in gen.vendor_sections(key).items():
        pattern = re.compile(r"^## " + re.escape(title) + r"\n.*?(?=^## |\Z)", re.S | re.M)
        section = f"## {title}\n\n{body}\n\n"
        if pattern.search(text):
            text = pattern.sub(lambda _m, new=section: new, text, count=1)
        else:
            text = text.rstrip("\n") + "\n\n" + section
    return text.rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    if argv != ["--update"]:
        sys.stderr.write("usage: python docs/_tools/blocks.py --update\n")
        return 2
    sys.path.insert(0, str(REPO))
    for path in markdown_files():
        if update(path):
            print(f"updated {path.relative_to(REPO)}")
    for key, path in vendor_pages().items():
        text = path.read_text(encoding="utf-8")
        new = with_vendor_sections(text, key)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"updated {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
