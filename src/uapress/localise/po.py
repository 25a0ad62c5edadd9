"""Stage 2, localise: read gettext PO files (through Babel) and write them deterministically."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileError, read_po

from ..errors import Diagnostic, SourceError


@dataclass
class PoEntry:
    """One PO message as uapress uses it."""

    context: str
    msgid: str
    msgstr: str = ""
    fuzzy: bool = False
    previous: str | None = None
    """The old source kept as `#| msgid` when the entry became fuzzy."""
    comments: list[str] = field(default_factory=list)
    """Translator comments (`# …`)."""
    notes: list[str] = field(default_factory=list)
    """Extracted comments (`#. …`), written by uapress."""
    obsolete: bool = False
    line: int = 0


@dataclass
class PoFile:
    """A PO file: header fields and entries in file order."""

    header: dict[str, str]
    entries: list[PoEntry]
    header_comment: str = ""

    def find(self, context: str, msgid: str) -> PoEntry | None:
        """Return the live entry with this context and msgid."""
        for entry in self.entries:
            if not entry.obsolete and entry.context == context and entry.msgid == msgid:
                return entry
        return None


def read(path: Path) -> PoFile:
    """Read a PO file; syntax errors name the file and line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError("", [Diagnostic("error", "the PO file is not UTF-8", path, hint="save it as UTF-8")]) from None
    try:
        catalog = read_po(io.BytesIO(raw), abort_invalid=True, charset="utf-8")
    except PoFileError as exc:
        line = getattr(exc, "lineno", None)
        raise SourceError("", [Diagnostic("error", f"PO syntax error: {exc}", path, line,
                                          hint="check the quotes and keywords (msgctxt, msgid, msgstr) around that line; "
                                          "`msgfmt -c` names the problem too")]) from None
    entries = []
    for message in list(catalog) + list(catalog.obsolete.values()):
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else (message.string or [""])[0]
        previous = message.previous_id[0] if message.previous_id else None
        entries.append(PoEntry(
            context=message.context or "", msgid=msgid, msgstr=msgstr or "",
            fuzzy=message.fuzzy, previous=previous, comments=list(message.user_comments),
            notes=list(message.auto_comments), obsolete=message.id in catalog.obsolete or _is_obsolete(catalog, message),
            line=message.lineno or 0,
        ))
    return PoFile(_header(text), entries, _header_comment(text))


def _is_obsolete(catalog, message) -> bool:
    return any(m is message for m in catalog.obsolete.values())


def _header(text: str) -> dict[str, str]:
    match = re.search(r'^msgid ""\s*\nmsgstr ((?:"(?:[^"\\]|\\.)*"\s*\n?)+)', text, re.M)
    if not match:
        return {}
    value = "".join(_unquote(part) for part in re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))
    fields = {}
    for line in value.split("\n"):
        if ":" in line:
            key, _, rest = line.partition(":")
            fields[key.strip()] = rest.strip()
    return fields


def _header_comment(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.startswith("#") and not line.startswith(("#,", "#.", "#|", "#~")):
            lines.append(line)
        else:
            break
    return "\n".join(lines)


def new_header(project: str, lang: str) -> dict[str, str]:
    """Return the header fields a new PO file gets (what Poedit and Weblate expect)."""
    try:
        plural = get_plural(lang.replace("-", "_")).plural_forms
    except Exception:
        plural = "nplurals=2; plural=(n != 1);"
    return {
        "Project-Id-Version": project,
        "Language": lang.replace("-", "_"),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural,
    }


def render(po: PoFile) -> str:
    """Return the PO text: stable order, no dates added, msgfmt-clean."""
    out = []
    if po.header_comment:
        out.append(po.header_comment)
    out.append('msgid ""')
    out.append('msgstr ""')
    out += [f'"{_quote(f"{key}: {value}")}\\n"' for key, value in po.header.items()]
    for entry in po.entries:
        out.append("")
        out += _entry_lines(entry)
    return "\n".join(out) + "\n"


def _entry_lines(entry: PoEntry) -> list[str]:
    lines = [f"# {c}".rstrip() for c in entry.comments]
    lines += [f"#. {n}" for n in entry.notes]
    body = []
    if entry.fuzzy and not entry.obsolete:
        lines.append("#, fuzzy")
    if entry.previous is not None and not entry.obsolete:
        lines += ["#| " + line for line in _keyword("msgid", entry.previous)]
    body += _keyword("msgctxt", entry.context) if entry.context else []
    body += _keyword("msgid", entry.msgid)
    body += _keyword("msgstr", entry.msgstr)
    if entry.obsolete:
        body = ["#~ " + line for line in body]
    return lines + body


def _keyword(keyword: str, text: str) -> list[str]:
    if "\n" not in text.rstrip("\n"):
        return [f'{keyword} "{_quote(text)}"']
    pieces = text.splitlines(keepends=True)
    return [f'{keyword} ""'] + [f'"{_quote(piece)}"' for piece in pieces]


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), text)
