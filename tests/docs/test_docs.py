"""The documentation cannot rot: every example in it runs, and every report shown is today's.

- every ``python`` block of README.md and ``docs/`` is executed, and every ``pycon`` block is
  run as a doctest, page by page in one namespace (a page's blocks build on each other), with
  the repository as working directory and no network;
- every ``console`` block (``$ headerlens ...`` and its output) equals what the command prints
  now (``python docs/_tools/blocks.py --update`` rewrites them after an intended change);
- every ``headerlens`` command in a shell block parses, and runs (exit status 0) where it names
  only bundled files and asks for no network;
- the reference pages generated at build time (``docs/_tools/gen.py``) hold every option, code
  and reason of the code they come from, and the site's navigation lists every page.
"""

from __future__ import annotations

import doctest
import ipaddress
import re
import shlex
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "docs" / "_tools"))

import blocks as docblocks  # noqa: E402
import gen  # noqa: E402

PAGES = docblocks.markdown_files()


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


# -- no network ---------------------------------------------------------------------------------


def _loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any name lookup, connection or datagram outside loopback fails the example."""
    real_connect, real_sendto = socket.socket.connect, socket.socket.sendto

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
            raise AssertionError(f"a docs example tried to reach {address!r}")
        return real_connect(self, address)

    def sendto(self: socket.socket, data: bytes, *args: Any) -> Any:
        if not _loopback(args[-1]):
            raise AssertionError(f"a docs example tried to send to {args[-1]!r}")
        return real_sendto(self, data, *args)

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _loopback(host):
            raise AssertionError(f"a docs example tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "sendto", sendto)


# -- Python examples ----------------------------------------------------------------------------


def _python_pages() -> list[Path]:
    return [p for p in PAGES if any(b.lang in ("python", "pycon") for b in docblocks.blocks(p))]


@pytest.mark.parametrize("page", _python_pages(), ids=_rel)
@pytest.mark.usefixtures("no_network")
def test_every_python_example_runs(page: Path) -> None:
    namespace: dict[str, Any] = {"__name__": f"docs:{_rel(page)}"}
    parser = doctest.DocTestParser()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    with docblocks.pinned():
        for block in docblocks.blocks(page):
            if block.lang == "python":
                code = compile(block.text, f"<{block.where}>", "exec")
                try:
                    exec(code, namespace)
                except Exception as exc:
                    pytest.fail(f"{block.where}: {type(exc).__name__}: {exc}")
            elif block.lang == "pycon":
                test = parser.get_doctest(
                    block.text, namespace, block.where, str(page), block.start
                )
                runner = doctest.DocTestRunner(optionflags=flags)
                out: list[str] = []
                runner.run(test, out=out.append, clear_globs=False)
                namespace.update(test.globs)  # DocTest works on a copy: keep what it defined
                assert runner.failures == 0, "".join(out)


def test_python_examples_exist() -> None:
    """The guide and the README carry runnable examples (the runner above is not idle)."""
    counted = {
        _rel(p): sum(b.lang in ("python", "pycon") for b in docblocks.blocks(p)) for p in PAGES
    }
    assert counted["README.md"] >= 5
    assert sum(counted.values()) >= 45


# -- terminal output ----------------------------------------------------------------------------


def _console_blocks() -> list[docblocks.Block]:
    return [b for p in PAGES for b in docblocks.console_blocks(p)]


@pytest.mark.parametrize("block", _console_blocks(), ids=lambda b: b.where)
@pytest.mark.usefixtures("no_network")
def test_every_report_shown_is_todays_output(block: docblocks.Block) -> None:
    first, expected = docblocks.console_expected(block)
    shown = block.text[len(first) + 1 :]
    assert shown == expected, (
        f"{block.where} no longer shows what '{first[2:]}' prints; after an intended change"
        " run: python docs/_tools/blocks.py --update (and review the diff)"
    )


def test_the_readme_shows_a_real_report() -> None:
    assert docblocks.console_blocks(REPO / "README.md"), "README.md shows no terminal report"


# -- shell examples -----------------------------------------------------------------------------


def _shell_commands() -> Iterator[tuple[str, str]]:
    for page in PAGES:
        for block in docblocks.blocks(page):
            if block.lang not in ("sh", "bash", "shell"):
                continue
            for n, line in enumerate(block.lines):
                for part in re.split(r"&&|\|\||;|\|", line.split(" #", 1)[0]):
                    if docblocks.headerlens_argv(part.strip() or "x") is not None:
                        yield f"{_rel(page)}:{block.start + 2 + n}", part.strip()


_NETWORK_OPTIONS = ("--dns", "--fetch-mta-sts")


def _runnable(argv: list[str]) -> tuple[list[str], bytes | None] | None:
    """The argv to run (redirections resolved), or None when it needs files we do not have."""
    out: list[str] = []
    stdin: bytes | None = None
    words = iter(argv)
    tmp = Path(tempfile.mkdtemp(prefix="headerlens-docs-"))
    for word in words:
        if word in (">", "2>"):
            next(words)  # the output goes to the test's buffer
        elif word == "<":
            source = REPO / next(words)
            if not source.is_file():
                return None
            stdin = source.read_bytes()
        elif word in ("-o", "--output"):
            out += [word, str(tmp / Path(next(words)).name)]
        else:
            out.append(word)
    if any(w.split("=")[0] in _NETWORK_OPTIONS for w in out):
        return None
    rest = out[1:] if out[:1] == ["diff"] else out
    if out[:1] == ["schema"]:
        return out, stdin
    args = gen.build_parser().parse_args(rest)
    files = [*args.paths, *(v for v in (args.keys, args.redact) if isinstance(v, str))]
    if not all(p == "-" or (REPO / p).exists() for p in files):
        return None
    if "-" in args.paths and stdin is None:
        return None
    return out, stdin


@pytest.mark.parametrize(("where", "command"), list(_shell_commands()), ids=lambda v: v)
@pytest.mark.usefixtures("no_network")
def test_every_headerlens_command_in_the_docs_is_valid(where: str, command: str) -> None:
    argv = docblocks.headerlens_argv(command)
    assert argv is not None
    words = [w for w in argv if w not in (">", "<", "2>")]
    if words[:1] == ["diff"]:
        words = words[1:]
    if words[:1] != ["schema"]:
        try:  # argparse exits 2 on an unknown option or a bad value
            gen.build_parser().parse_args([w for w in words if not w.endswith((".html", ".svg"))])
        except SystemExit as exc:
            pytest.fail(f"{where}: '{command}' is not valid usage (exit {exc.code})")
    plan = _runnable(argv)
    if plan is None:
        return  # needs the network or files of the reader's own: the usage check is the test
    run_argv, stdin = plan
    status, _out, err = docblocks.run(run_argv, stdin)
    assert status == 0, f"{where}: '{command}' exited {status}: {err.strip()}"


def test_shell_examples_are_checked() -> None:
    commands = list(_shell_commands())
    assert len(commands) >= 20
    assert (
        sum(_runnable(docblocks.headerlens_argv(c) or []) is not None for _w, c in commands) >= 10
    )


# -- generated reference pages ------------------------------------------------------------------


def test_the_cli_page_lists_every_option() -> None:
    page = gen.cli_page()
    for action in gen.build_parser()._actions:
        for option in action.option_strings:
            assert f"`{option}`" in page, option
    assert "headerlens schema" in page
    assert "headerlens diff A B" in page


def test_the_reason_page_lists_every_dkim_and_arc_reason() -> None:
    from headerlens._catalogue.arc import REASONS as ARC
    from headerlens._catalogue.dkim import REASONS as DKIM

    rows = {
        tuple(c.strip().strip("`") for c in line.strip("|").split("|")[:2])
        for line in gen.reasons_page().splitlines()
        if line.startswith("| `")
    }
    expected = {(code, res) for code, (res, _t) in DKIM.items()}
    expected |= {(code, cv) for code, (cv, _t) in ARC.items()}
    assert rows == expected


def test_the_arc_reason_catalogue_is_every_code_the_validator_gives() -> None:
    """ArcResult.reason_code takes its values from string literals in the validator."""
    from headerlens._catalogue.arc import REASONS

    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted((REPO / "headerlens" / "auth").glob("*arc*.py"))
    )
    assigned: set[str] = set()
    for line in source.splitlines():
        if re.search(r"\bout\.code\s*=|\breason_code=|^\s*code: str =", line):
            assigned |= set(re.findall(r'"(\w+)"', line))
    mapped = re.search(r"out\.code = \{(.*?)\}\.get", source, re.S)
    assert mapped is not None
    assigned |= set(re.findall(r':\s*"(\w+)"', mapped.group(1)))
    assigned.discard("none")
    assert assigned <= set(REASONS), sorted(assigned - set(REASONS))
    assert set(REASONS) - assigned == set(), sorted(set(REASONS) - assigned)


def test_the_bounce_page_lists_every_reason_of_the_api() -> None:
    import json
    from importlib import resources

    data = json.loads(
        resources.files("headerlens.bounce").joinpath("data", "reasons.json").read_text("utf-8")
    )
    page = gen.bounce_reasons_page()
    listed = set(re.findall(r"^\| `(\w+)` \|", page, re.M))
    assert listed == set(data["reasons"])
    for name in ("userunknown", "authfailure", "mailboxfull", "spamdetected", "vacation"):
        assert name in listed


def test_the_schema_page_documents_every_object_and_field() -> None:
    import json

    schema = json.loads(gen.schema_json())
    from headerlens.render.schema import report_json_schema

    assert schema == report_json_schema()
    page = gen.schema_page()
    for name, model in schema["$defs"].items():
        assert f"## {name} {{ #{name.lower()} }}" in page
        for field in model.get("properties", {}):
            assert f"| `{field}` |" in page, (name, field)


# -- the site -----------------------------------------------------------------------------------


def _nav_pages(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _nav_pages(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _nav_pages(value)


def test_the_navigation_lists_every_page_and_only_pages_that_exist() -> None:
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = list(_nav_pages(config["nav"]))
    assert len(nav) == len(set(nav)), "a page is listed twice"
    docs = REPO / "docs"
    written = {_rel(p)[len("docs/") :] for p in PAGES if p.is_relative_to(docs)}
    generated = {p for p in gen.PAGES if p.endswith(".md")}
    assert set(nav) == written | generated
    assert config["theme"]["font"] is False, "no web fonts: the site must not call out"


def test_the_readme_keeps_the_quick_start() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert (
        "python -m pip install '.[cli]' && python -m headerlens samples/gmail-to-microsoft365.eml"
        in readme
    )
    assert "python -m pip install '.[test]' && python -m pytest" in readme


def test_shlex_reads_every_console_command() -> None:
    for block in _console_blocks():
        assert shlex.split(block.lines[0][2:])


def test_the_dkim_guide_explains_every_reason() -> None:
    """The guide says, per DKIM reason code, what happened and who fixes it."""
    from headerlens._catalogue.dkim import REASONS

    guide = (REPO / "docs" / "guide" / "dkim.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `(\w+)` \|", guide, re.M))
    assert rows == set(REASONS)


def test_every_public_name_is_in_the_api_reference() -> None:
    """A name exported by ``headerlens`` has an entry (``::: module.Name``) in the API pages."""
    import importlib

    import headerlens

    documented: set[str] = set()
    for page in (REPO / "docs" / "reference" / "api").glob("*.md"):
        for target in re.findall(r"^::: ([\w.]+)", page.read_text(encoding="utf-8"), re.M):
            documented.add(target.rsplit(".", 1)[-1])
            try:
                module = importlib.import_module(target)
            except ImportError:
                continue
            documented |= set(getattr(module, "__all__", ()))
    missing = sorted(n for n in headerlens.__all__ if n != "__version__" and n not in documented)
    assert missing == [], f"add to docs/reference/api/: {missing}"


@pytest.mark.parametrize("key", sorted(docblocks.vendor_pages()))
def test_every_vendor_page_lists_what_is_decoded(key: str) -> None:
    """The headers, token tables (each token's meaning, values and source), fingerprints,
    sources and confidence counts of a vendor page are those of its knowledge file
    (``headerlens/spam/data/<key>.json``)."""
    page = docblocks.vendor_pages()[key]
    assert page.is_file(), f"{_rel(page)} is missing: every vendor headerlens decodes has a page"
    text = page.read_text(encoding="utf-8")
    index = (REPO / "docs" / "vendors" / "README.md").read_text(encoding="utf-8")
    assert f"]({key}.md)" in index, f"docs/vendors/README.md does not link {key}.md"
    data = gen._vendor_data(key)
    for table, content in data.get("tables", {}).items():
        assert f"### Tokens: `{table}`" in text
        for token in content["entries"]:
            assert f"| `{gen._cell(token)}` |" in text, (table, token)
    assert text == docblocks.with_vendor_sections(text, key), (
        f"{_rel(page)} no longer lists what headerlens decodes; run:"
        " python docs/_tools/blocks.py --update (and review the diff)"
    )


@pytest.mark.usefixtures("no_network")
def test_the_examples_cannot_reach_the_network() -> None:
    """The guard the examples run under refuses lookups and connections outside loopback."""
    with pytest.raises(AssertionError, match="resolve"):
        socket.getaddrinfo("scheduler.example.net", 8786)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s, pytest.raises(AssertionError):
        s.sendto(b"x", ("192.0.2.53", 53))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(AssertionError):
        s.connect(("192.0.2.53", 53))
