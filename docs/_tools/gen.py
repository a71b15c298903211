"""Reference pages generated from the code, so they cannot drift from it.

``docs/_tools/hooks.py`` adds these pages to the MkDocs site at build time (they are not
committed); ``tests/docs/test_docs.py`` builds each one and checks it against the code it
comes from. Run ``python docs/_tools/gen.py OUTDIR`` to write them to a folder and read them.

Pages:

- ``reference/cli.md``: the command line, from ``headerlens.cli``'s argument parser;
- ``reference/reasons.md``: DKIM result reasons and ARC reason codes (``headerlens._catalogue``);
- ``reference/bounce-reasons.md``: bounce reasons and RFC 3463 status codes
  (``headerlens/bounce/data``);
- ``reference/schema.md`` and ``reference/report.schema.json``: the JSON Schema of the report
  (``headerlens schema``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

_ROLE = re.compile(r":(?:func|class|meth|attr|data|mod|obj|exc|const|ref):`~?([^`]+)`")


def strip_roles(text: str) -> str:
    """Sphinx roles (``:func:`~headerlens.parse```) as Markdown code (`` `parse` ``)."""

    def code(m: re.Match[str]) -> str:
        target = m.group(1)
        if m.group(0).split("`", 1)[1].startswith("~"):
            target = target.rsplit(".", 1)[-1]
        return f"`{target}`"

    return _ROLE.sub(code, text)


def _cell(text: str) -> str:
    """Text for one Markdown table cell: one line, pipes escaped."""
    return " ".join(strip_roles(text).split()).replace("|", "\\|")


# -- the command line ---------------------------------------------------------------------------


def _help(text: str) -> str:
    """argparse help text for a table cell: Markdown's markup characters taken literally."""
    for char in "\\`*_[]<>":
        text = text.replace(char, "\\" + char)
    return _cell(text)


def _usage(parser: argparse.ArgumentParser) -> str:
    fmt = argparse.HelpFormatter(parser.prog, width=88)
    fmt.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return fmt.format_help().strip()


def _option_name(action: argparse.Action) -> str:
    names = ", ".join(f"`{o}`" for o in action.option_strings) or f"`{action.metavar}`"
    if action.option_strings and action.nargs != 0:
        meta = action.metavar or action.dest.upper()
        if isinstance(meta, tuple):
            meta = " ".join(meta)
        if action.nargs == "?":
            meta = f"[{meta}]"
        names += f" `{meta}`"
    return names


def _option_notes(action: argparse.Action, parser: argparse.ArgumentParser) -> str:
    notes = []
    if action.choices:
        notes.append("one of " + ", ".join(f"`{c}`" for c in action.choices))
    if (
        action.default not in (None, False, [], argparse.SUPPRESS)
        and action.nargs != 0
        and action.option_strings
    ):
        notes.append(f"default `{action.default}`")
    for group in parser._mutually_exclusive_groups:
        if action in group._group_actions:
            members = [a.option_strings[0] for a in group._group_actions]
            notes.append("one of " + " ".join(f"`{o}`" for o in members))
    return "; ".join(notes)


def _subcommand_help(argv: list[str]) -> str:
    from headerlens.cli import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):
        main(argv)
    return buf.getvalue().rstrip()


_PARSER_FACTORIES = ("build_parser", "_build_parser")
"""Names of the function that builds ``headerlens``'s argument parser, public name first."""


def _parser_factory() -> Callable[[], argparse.ArgumentParser]:
    """The function of ``headerlens.cli`` that builds the argument parser.

    ``headerlens.cli`` may be a module or a package (the parser then in one of its modules):
    the package itself is searched first, then its modules, for the names of
    ``_PARSER_FACTORIES``; the factory must return an ``argparse.ArgumentParser``.
    """
    import importlib
    import pkgutil

    cli = importlib.import_module("headerlens.cli")
    modules = [cli]
    if hasattr(cli, "__path__"):
        modules += [
            importlib.import_module(info.name)
            for info in pkgutil.iter_modules(cli.__path__, "headerlens.cli.")
        ]
    for module in modules:
        for name in _PARSER_FACTORIES:
            factory = getattr(module, name, None)
            if callable(factory) and isinstance(factory(), argparse.ArgumentParser):
                built: Callable[[], argparse.ArgumentParser] = factory
                return built
    raise RuntimeError(f"no {' or '.join(_PARSER_FACTORIES)}() in headerlens.cli")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``headerlens`` command, as the program builds it."""
    return _parser_factory()()


def cli_page() -> str:
    """``reference/cli.md``: every option of ``headerlens``, from its argument parser."""
    factory = _parser_factory()
    parser = factory()
    where = factory.__module__.replace(".", "/") + ".py"
    lines = [
        "# Command line",
        "",
        f"Generated from the argument parser in `{where}` when the site is built.",
        "`python -m headerlens` is the same program.",
        "",
        "```text",
        _usage(parser),
        "```",
        "",
        " ".join((parser.description or "").split()),
        "",
    ]
    for group in parser._action_groups:
        actions = list(group._group_actions)
        if not actions:
            continue
        title = group.title or ""
        heading = {"positional arguments": "Arguments", "options": "Options"}.get(
            title, title[:1].upper() + title[1:]
        )
        lines += [f"## {heading}", "", "| option | what it does | notes |", "|---|---|---|"]
        for action in actions:
            lines.append(
                f"| {_option_name(action)} | {_help(action.help or '')} "
                f"| {_cell(_option_notes(action, parser))} |"
            )
        lines.append("")
    lines += [
        "## Other commands",
        "",
        " ".join((parser.epilog or "").split()),
        "",
        "### `headerlens diff A B`",
        "",
        "Compares two messages; every option above applies to both. The output is text, or",
        "`--markdown`, `--html` or `--json` (a `ReportDiff`).",
        "",
        "### `headerlens schema`",
        "",
        "```text",
        _subcommand_help(["schema", "--help"]),
        "```",
        "",
        "## Exit status",
        "",
        "| status | when |",
        "|---|---|",
        "| 0 | the report (or rows) were written |",
        "| 1 | `--strict` met a defect |",
        "| 2 | bad usage, an unreadable input, a bad key file or resolver setting |",
        "| 130 | interrupted |",
        "",
    ]
    return "\n".join(lines)


# -- DKIM and ARC reason codes ------------------------------------------------------------------


def reasons_page() -> str:
    """``reference/reasons.md``: ``DkimResult.reason`` and ``ArcResult.reason_code``."""
    from headerlens._catalogue.arc import REASONS as ARC
    from headerlens._catalogue.dkim import REASONS as DKIM

    lines = [
        "# DKIM and ARC reason codes",
        "",
        "Generated from `headerlens/_catalogue/dkim.py` and `headerlens/_catalogue/arc.py`",
        "when the site is built. The codes are API: never renamed or reused. What each DKIM",
        "failure means for the sender, and how it is fixed, is in the",
        "[DKIM guide](../guide/dkim.md); the order of the checks in [DKIM](../dkim.md) and",
        "[ARC](../arc.md).",
        "",
        "## DKIM: `DkimResult.reason`",
        "",
        "`DkimResult.result` is the RFC 8601 `dkim=` result the reason maps to.",
        "",
        "| reason | result | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{code}` | `{res}` | {_cell(text)} |" for code, (res, text) in DKIM.items()]
    lines += [
        "",
        "## ARC: `ArcResult.reason_code`",
        "",
        "`ArcResult.cv` is the chain validation status (RFC 8617 section 4.1.1) the code goes",
        "with; `ArcResult.reason` is the sentence, naming the instance and the check.",
        "",
        "| reason_code | cv | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{code}` | `{cv}` | {_cell(text)} |" for code, (cv, text) in ARC.items()]
    return "\n".join(lines) + "\n"


# -- bounce reasons and status codes ------------------------------------------------------------


def _bounce_data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("headerlens.bounce").joinpath("data", name).read_text("utf-8")
    )
    return data


def bounce_reasons_page() -> str:
    """``reference/bounce-reasons.md``: ``RecipientStatus.reason`` and the status codes."""
    reasons = _bounce_data("reasons.json")
    status = _bounce_data("enhanced_status.json")
    by_reason: dict[str, list[str]] = {}
    for code, reason in reasons["status_names"].items():
        by_reason.setdefault(reason, []).append(code)
    lines = [
        "# Bounce reasons and status codes",
        "",
        "Generated from `headerlens/bounce/data/reasons.json` and `enhanced_status.json` when",
        "the site is built. How a reason is decided is in [Bounces](../bounces.md); reading a",
        "bounce for a user is in the [bounce guide](../guide/bounces.md).",
        "",
        "## Reasons: `RecipientStatus.reason`",
        "",
        " ".join(reasons["source"].split()),
        "",
        "*Hard* means the address itself is bad (stop mailing it): `RecipientStatus.hard_bounce`",
        "is true for these reasons when the failure is permanent. The pseudo status is the",
        "`x.0.9nn` code given when a bounce states none (`status_source` is then `inferred`).",
        "",
        "| reason | hard | pseudo status | meaning | status codes that name it |",
        "|---|---|---|---|---|",
    ]
    for name in sorted(reasons["reasons"]):
        info = reasons["reasons"][name]
        hard = "yes" if info.get("hard") else ""
        pseudo = info.get("pseudo")
        pseudo_text = f"`x.0.{pseudo}`" if pseudo else ""
        codes = ", ".join(f"`{c}`" for c in sorted(by_reason.get(name, []), key=_code_key))
        lines.append(
            f"| `{name}` | {hard} | {pseudo_text} | {_cell(info.get('description', ''))}"
            f" | {codes} |"
        )
    lines += [
        "",
        "## Enhanced status codes (RFC 3463)",
        "",
        " ".join(status["source"].split()) + ".",
        "",
        "A code is `class.subject.detail`: `5.1.1` is a permanent failure (5) about addressing",
        "(1): the mailbox does not exist (1).",
        "",
        "| class | meaning |",
        "|---|---|",
    ]
    lines += [f"| `{k}.x.x` | {_cell(v)} |" for k, v in status["class"].items()]
    lines += ["", "| subject | meaning |", "|---|---|"]
    lines += [f"| `x.{k}.x` | {_cell(v)} |" for k, v in status["subject"].items()]
    lines += ["", "| code | meaning |", "|---|---|"]
    lines += [
        f"| `x.{k}` | {_cell(v)} |"
        for k, v in sorted(status["detail"].items(), key=lambda kv: _code_key(kv[0]))
    ]
    lines += [
        "",
        "### Provider codes",
        "",
        "Codes a provider documents with a meaning of its own.",
        "",
        "| code | meaning |",
        "|---|---|",
    ]
    lines += [
        f"| `{k}` | {_cell(v)} |"
        for k, v in sorted(status["vendor"].items(), key=lambda kv: _code_key(kv[0]))
    ]
    return "\n".join(lines) + "\n"


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in code.split("."))


# -- the JSON Schema ----------------------------------------------------------------------------


def schema_json() -> str:
    """``reference/report.schema.json``: what ``headerlens schema`` prints."""
    from headerlens.render.schema import report_json_schema

    return json.dumps(report_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _anchor(name: str) -> str:
    return name.lower()


def _type(node: dict[str, Any]) -> str:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{_anchor(name)})"
    if "anyOf" in node:
        return " or ".join(_type(n) for n in node["anyOf"])
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        return " ".join(f"`{json.dumps(v)}`" for v in node["enum"])
    kind = node.get("type")
    if kind == "array":
        if "prefixItems" in node:
            return "array [" + ", ".join(_type(n) for n in node["prefixItems"]) + "]"
        return "array of " + _type(node.get("items", {}))
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        return "object of " + _type(node["additionalProperties"])
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "string" and "format" in node:
        return f"string ({node['format']})"
    return str(kind or "any")


def schema_page() -> str:
    """``reference/schema.md``: every object of the report contract, field by field."""
    from headerlens.render.schema import report_json_schema
    from headerlens.report import SCHEMA_VERSION

    schema = report_json_schema()
    defs: dict[str, Any] = schema["$defs"]
    root = schema["$ref"].rsplit("/", 1)[-1]
    order = [root, *sorted(n for n in defs if n != root)]
    lines = [
        "# JSON Schema of the report",
        "",
        "Generated from `headerlens.render.schema.report_json_schema()` when the site is",
        f"built. Schema version **{SCHEMA_VERSION}** ({schema['$schema']}).",
        "",
        '`headerlens --json` and `Report.model_dump(mode="json")` produce this contract;',
        "`headerlens schema` prints the schema, also here as",
        '[report.schema.json](report.schema.json). Unknown values are `null`, never `0`, `""`',
        "or the epoch; durations are ISO 8601 (`PT3S`); times carry their offset. Objects",
        "allow no other keys. A change to the structure comes with a new `schema_version`.",
        "",
    ]
    for name in order:
        model = defs[name]
        lines += [f"## {name} {{ #{_anchor(name)} }}", ""]
        if model.get("description"):
            lines += [" ".join(strip_roles(model["description"]).split()), ""]
        props: dict[str, Any] = model.get("properties", {})
        if not props:
            lines += [f"Type: {_type(model)}", ""]
            continue
        required = set(model.get("required", ()))
        lines += ["| field | type | required |", "|---|---|---|"]
        for field, node in props.items():
            lines.append(
                f"| `{field}` | {_cell(_type(node))} | {'yes' if field in required else ''} |"
            )
        lines.append("")
    return "\n".join(lines)


# -- vendor pages -------------------------------------------------------------------------------

VENDOR_SECTIONS = ("What we decode", "Appliance fingerprints", "Sources", "Confidence")
"""The sections of ``docs/vendors/<key>.md`` written from the vendor's knowledge file; the
other sections of a vendor page are prose and are left alone."""


def _vendor_data(key: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("headerlens.spam").joinpath("data", f"{key}.json").read_text("utf-8")
    )
    return data


def _entry(entry: Any, conf: str, source: str) -> tuple[str, str, str, dict[str, Any]]:
    """(meaning, confidence, source, values) of one knowledge entry, the defaults inherited."""
    if isinstance(entry, str):
        return entry, conf, source, {}
    return (
        entry.get("meaning", ""),
        entry.get("confidence", conf),
        entry.get("source", source),
        entry.get("values", {}),
    )


def _provenance(conf: str, source: str) -> str:
    return f"{conf}, source `{source}`" if source else conf


def _values(values: dict[str, Any], conf: str, source: str) -> list[str]:
    """``token``: meaning, for each value of an entry; a value's own provenance when it differs
    from the entry's."""
    out = []
    for value, item in values.items():
        meaning, vconf, vsource, _ = _entry(item, conf, source)
        note = "" if (vconf, vsource) == (conf, source) else f" *({_provenance(vconf, vsource)})*"
        out.append(f"`{value}`: {_cell(meaning)}{note}")
    return out


def vendor_sections(key: str) -> dict[str, str]:
    """The generated sections of one vendor page: title -> Markdown body.

    Every header the vendor's knowledge file describes, with its meaning, its values and where
    the meaning comes from; every token table (the tokens inside a header, such as Microsoft's
    ``SFV:`` or Proofpoint's ``rule=``) with each token's meaning and values; the fingerprints,
    the sources and the confidence counts.
    """
    from headerlens.spam.vendors import REGISTRY, VENDORS

    assert key in VENDORS, key
    data = _vendor_data(key)
    default = data.get("confidence", "inferred")
    file_source = data.get("source", "")
    counts: dict[str, int] = {}
    decode: list[str] = []
    for name in sorted(data["headers"], key=str.lower):
        meaning, conf, source, values = _entry(data["headers"][name], default, file_source)
        counts[conf] = counts.get(conf, 0) + 1
        decode.append(f"- `{name}`: {_cell(meaning)} *({_provenance(conf, source)})*")
        decode += [f"    - {v}" for v in _values(values, conf, source)]
    prefixes = sorted({p for p, reg in REGISTRY.prefixes if reg.vendor == key})
    if prefixes:
        decode += [
            "",
            "Other headers starting with "
            + ", ".join(f"`{p}`" for p in prefixes)
            + " are kept as fields (meaning when known, else shown as unknown).",
        ]
    for name, table in data.get("tables", {}).items():
        entries = table.get("entries", {})
        table_conf = table.get("confidence", default)
        table_source = table.get("source", file_source)
        decode += [
            "",
            f"### Tokens: `{name}`",
            "",
            f"{len(entries)} tokens; unless a row says otherwise:"
            f" {_provenance(table_conf, table_source)}.",
            "",
            "| token | meaning | values | provenance |",
            "|---|---|---|---|",
        ]
        for token, entry in entries.items():
            meaning, conf, source, values = _entry(entry, table_conf, table_source)
            counts[conf] = counts.get(conf, 0) + 1
            own = "" if (conf, source) == (table_conf, table_source) else _provenance(conf, source)
            shown = "<br>".join(_values(values, conf, source))
            decode.append(f"| `{_cell(token)}` | {_cell(meaning)} | {shown} | {own} |")
    fingerprints = [
        f"- `{pattern}` -> {product}" for pattern, product in data.get("fingerprints", [])
    ]
    sources = [f"- `{k}`: {v}" for k, v in data.get("sources", {}).items()]
    confidence = [
        ", ".join(f"{k}: {counts[k]}" for k in sorted(counts)) + " entries.",
        "`documented` = the vendor's own documentation; `community` = public community knowledge"
        " (e.g. decode-spam-headers, MHA threads); `inferred` = our reading of observed values."
        " All meanings are written in our own words.",
    ]
    return {
        "What we decode": "\n".join(decode),
        "Appliance fingerprints": "\n".join(fingerprints) or "None.",
        "Sources": "\n".join(sources) or "None.",
        "Confidence": "\n".join(confidence),
    }


PAGES: dict[str, Callable[[], str]] = {
    "reference/cli.md": cli_page,
    "reference/reasons.md": reasons_page,
    "reference/bounce-reasons.md": bounce_reasons_page,
    "reference/schema.md": schema_page,
    "reference/report.schema.json": schema_json,
}
"""Site path (relative to ``docs/``) -> the function that writes the page."""


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python docs/_tools/gen.py OUTDIR\n")
        return 2
    out = Path(argv[0])
    for path, make in PAGES.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(make(), encoding="utf-8")
        print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
