"""Stage 2, localise: read gettext PO files (through Babel) and write them deterministically."""

from __future__ import annotations

import datetime as dt
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


def read(path: Path, raw: bytes | None = None) -> PoFile:
    """Read a PO file (or its bytes `raw`, already read from `path`); syntax errors name the file and line."""
    raw = path.read_bytes() if raw is None else raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError("", [Diagnostic("error", "the PO file is not UTF-8", path, hint="save it as UTF-8")]) from None
    problem = _syntax_problem(text)
    if problem is None:
        try:
            catalog = read_po(io.BytesIO(raw), abort_invalid=True, charset="utf-8")
        except PoFileError as exc:
            # Babel counts lines from 0 in its errors.
            lineno = getattr(exc, "lineno", None)
            problem = (lineno + 1 if lineno is not None else None, str(exc))
    if problem is not None:
        line, message = problem
        raise SourceError("", [Diagnostic("error", f"PO syntax error: {message}", path, line,
                                          hint="check the quotes and keywords (msgctxt, msgid, msgstr) around that line; "
                                          "`msgfmt -c` names the problem too")])
    entries = []
    for message in list(catalog) + list(catalog.obsolete.values()):
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else (message.string or [""])[0]
        # Babel 2.19 reads `#| msgid` lines as translator comments ("| msgid ..."): take them back.
        comments, previous = _split_previous(message.user_comments)
        entries.append(PoEntry(
            context=message.context or "", msgid=msgid, msgstr=msgstr or "",
            fuzzy=message.fuzzy, previous=previous, comments=comments,
            notes=list(message.auto_comments), obsolete=message.id in catalog.obsolete or _is_obsolete(catalog, message),
            line=message.lineno or 0,
        ))
    return PoFile(_header(text), entries, _header_comment(text))


_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD_LINE = re.compile(rf"^(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+{_STRING}[ \t]*$")
_CONTINUATION_LINE = re.compile(rf"^{_STRING}[ \t]*$")


def _syntax_problem(text: str) -> tuple[int, str] | None:
    """Return (line, message) of the first line that is no PO syntax; Babel accepts some (`msgid text`)."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            line = line[2:].strip()
            if line.startswith("|"):  # the previous msgid of an obsolete entry (`#~| msgid`)
                continue
        elif line.startswith("#"):
            continue
        if not line or _KEYWORD_LINE.match(line) or _CONTINUATION_LINE.match(line):
            continue
        return number, f"expected a keyword (msgctxt, msgid, msgstr) and a quoted string, found {line[:40]!r}"
    return None


def _split_previous(user_comments) -> tuple[list[str], str | None]:
    """Separate `#| msgid` lines (read by Babel as comments starting with "|") from translator comments."""
    comments, pieces, keyword = [], [], None
    for comment in user_comments:
        rest = comment[1:].strip()
        word, _, value = rest.partition(" ")
        if comment.startswith("|") and word in ("msgctxt", "msgid", "msgid_plural"):
            keyword, rest = word, value.strip()
        elif not (comment.startswith("|") and keyword and rest.startswith('"')):
            # Babel strips "# " too, so "# | a note" arrives like "#| …": keep what is no previous msgid.
            comments.append(comment)
            keyword = None
            continue
        if keyword == "msgid" and len(rest) >= 2 and rest[0] == rest[-1] == '"':
            pieces.append(_unquote(rest[1:-1]))
    return comments, ("".join(pieces) if pieces else None)


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
    from babel import Locale

    try:
        team = Locale.parse(lang.replace("-", "_")).english_name
    except Exception:
        team = lang
    return {
        "Project-Id-Version": project,
        # Set once, when the file is created; translators' tools update it afterwards.
        "PO-Revision-Date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M+0000"),
        "Last-Translator": "",
        "Language-Team": team,
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
    if entry.fuzzy:
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
