"""Stage 2, localise: read gettext PO files strictly, with the line of every string, and write them deterministically."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from uapress.core.errors import Diagnostic, SourceError
from uapress.core.inputs import read_project_file


@dataclass
class PoEntry:
    """One PO message as uapress uses it."""

    context: str
    msgid: str
    msgstr: str = ""
    """The translation; of a plural entry, its first form (`msgstr[0]`)."""
    fuzzy: bool = False
    previous: str | None = None
    """The old source kept as `#| msgid` when the entry became fuzzy."""
    comments: list[str] = field(default_factory=list)
    """Translator comments (`# …`)."""
    notes: list[str] = field(default_factory=list)
    """Extracted comments (`#. …`), written by uapress."""
    obsolete: bool = False
    line: int = 0
    """Line of the entry's msgctxt (or msgid): where a problem with the entry itself is reported."""
    msgstr_line: int = 0
    """Line of its msgstr: where a problem with the translation is reported."""
    msgid_plural: str = ""
    """The source's plural form, when the entry has one (issue 21)."""
    plurals: tuple[str, ...] = ()
    """Every `msgstr[n]` of a plural entry, in the order of n: one per form of the language's plural rule."""


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


def read(path: Path, raw: bytes | None = None, boundary: Path | None = None) -> PoFile:
    """Read a PO file of the project (or its bytes `raw`, already read from `path`); errors name the file and line."""
    return parse(read_project_file(path, boundary=boundary) if raw is None else raw, path)


def parse(raw: bytes, path: Path) -> PoFile:
    """Parse the bytes of a PO file; raise SourceError naming every problem's line (issue 10)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = raw[: exc.start].count(b"\n") + 1
        raise SourceError(
            "",
            [
                Diagnostic(
                    "error",
                    f"the PO file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                    path,
                    at,
                    hint="save it as UTF-8",
                )
            ],
        ) from None
    # A byte-order mark is no part of the header comment, which the next rewrite must keep (issue 19).
    text = text.removeprefix("\ufeff")
    reader = _Reader(path)
    for number, line in enumerate(text.splitlines(), start=1):
        reader.line(number, line)
    reader.finish()
    problems = reader.problems or (_duplicates(path, reader.entries) + _charset(path, text, reader.entries))
    if problems:
        raise SourceError("", problems)
    return PoFile(_header(text), [e for e in reader.entries if e.msgid], _header_comment(text))


_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD_LINE = re.compile(rf"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+({_STRING})[ \t]*$")
_CONTINUATION_LINE = re.compile(rf"^({_STRING})[ \t]*$")
_ESCAPE = re.compile(r"\\([0-7]{1,3}|x[0-9A-Fa-f]+|.?)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "?": "?"}
"""The C escapes msgfmt accepts, besides octal (`\\101`) and hexadecimal (`\\x41`) ones."""
_SYNTAX_HINT = (
    "check the quotes and keywords (msgctxt, msgid, msgstr) around that line; `msgfmt -c` names the problem too"
)


class _Reader:
    """Read a PO file line by line into entries, remembering the line of each keyword."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: list[PoEntry] = []
        self.problems: list[Diagnostic] = []
        self._new()

    def _new(self) -> None:
        self.entry = PoEntry("", "")
        self.parts: dict[str, list[str]] = {}
        self.lines: dict[str, int] = {}
        self.previous: list[str] = []
        self.keyword: str | None = None
        self.in_previous = False

    def finish(self) -> None:
        """Close the entry being read; comments with no entry after them belong to nothing."""
        if not self.lines:
            return
        entry, lines = self.entry, self.lines
        strings = [k for k in lines if k.startswith("msgstr")]
        if "msgid" not in lines:
            self._problem(min(lines.values()), "msgctxt or msgstr without a msgid before it")
        elif not strings:
            self._problem(lines["msgid"], "msgid without a msgstr after it")
        entry.context = "".join(self.parts.get("msgctxt", []))
        entry.msgid = "".join(self.parts.get("msgid", []))
        entry.msgstr = "".join(self.parts[strings[0]]) if strings else ""
        # Every form of a plural entry is kept, not only msgstr[0] (issue 21).
        entry.msgid_plural = "".join(self.parts.get("msgid_plural", []))
        forms = sorted((int(k[7:-1]), k) for k in strings if k.startswith("msgstr["))
        entry.plurals = tuple("".join(self.parts[k]) for _, k in forms)
        entry.line = lines.get("msgctxt", lines.get("msgid", 0))
        entry.msgstr_line = lines[strings[0]] if strings else entry.line
        entry.previous = "".join(self.previous) if self.previous and not entry.obsolete else None
        self.entries.append(entry)
        self._new()

    def line(self, number: int, raw: str) -> None:
        """Read one line of the file."""
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # the previous msgid of an obsolete entry: not kept
                return
        elif line.startswith("#"):
            self._comment(number, line)
            return
        if not line:
            self.finish()
            return
        keyword_match = _KEYWORD_LINE.match(line)
        if keyword_match:
            keyword, quoted = keyword_match.groups()
            has_msgstr = any(k.startswith("msgstr") for k in self.lines)
            if (
                keyword in self.lines
                or (keyword in ("msgctxt", "msgid") and has_msgstr)
                or (keyword == "msgctxt" and "msgid" in self.lines)
            ):
                self.finish()  # a new entry without a blank line before it
            if not self.lines:
                self.entry.obsolete = obsolete
            self.keyword = keyword
            self.lines[keyword] = number
            self.parts[keyword] = [self._unquote(number, quoted, keyword)]
            return
        continuation = _CONTINUATION_LINE.match(line)
        if continuation and self.keyword:
            self.parts[self.keyword].append(self._unquote(number, continuation.group(1), self.keyword))
            return
        self._problem(number, f"expected a keyword (msgctxt, msgid, msgstr) and a quoted string, found {line[:40]!r}")

    def _comment(self, number: int, line: str) -> None:
        if self.lines:  # a comment after an entry's strings begins the next entry
            self.finish()
        kind, rest = line[:2], line[2:].strip()
        if kind == "#,":
            self.entry.fuzzy = self.entry.fuzzy or "fuzzy" in [flag.strip() for flag in rest.split(",")]
        elif kind == "#.":
            self.entry.notes.append(rest)
        elif kind == "#|":
            word, _, value = rest.partition(" ")
            if word in ("msgctxt", "msgid", "msgid_plural"):
                self.in_previous, rest = word == "msgid", value.strip()
            if self.in_previous and _CONTINUATION_LINE.match(rest):
                self.previous.append(self._unquote(number, rest.rstrip(), "#| msgid"))
        elif kind != "#:":
            self.entry.comments.append(line[1:].strip())  # "# text": a translator comment

    def _unquote(self, number: int, quoted: str, keyword: str) -> str:
        def replace(match: re.Match[str]) -> str:
            code: str = match.group(1)
            if code in _ESCAPES:
                return _ESCAPES[code]
            if code[:1] == "x" and len(code) > 1:
                return chr(int(code[1:], 16))
            if code[:1] in tuple("01234567") and code:
                return chr(int(code, 8))
            self._problem(
                number,
                f"{keyword} has an invalid escape '\\{code}'",
                'write a backslash as \\\\; the escapes are \\n (new line), \\t, \\" and \\\\',
            )
            return code

        return _ESCAPE.sub(replace, quoted[1:-1])

    def _problem(self, number: int, message: str, hint: str = _SYNTAX_HINT) -> None:
        self.problems.append(Diagnostic("error", f"PO syntax error: {message}", self.path, number, hint=hint))


def _duplicates(path: Path, entries: list[PoEntry]) -> list[Diagnostic]:
    """Return an error for every entry whose msgctxt and msgid an earlier one has (msgfmt refuses them too)."""
    seen: dict[tuple[str, str], PoEntry] = {}
    problems = []
    for entry in entries:
        first = seen.setdefault((entry.context, entry.msgid), entry)
        if first is not entry:
            problems.append(
                Diagnostic(
                    "error",
                    f"duplicate entry: line {first.line} already has this msgctxt and msgid",
                    path,
                    entry.line,
                    field=entry.context or None,
                    hint=f"keep one of the two entries (lines {first.line} and {entry.line}) and delete the other",
                )
            )
    return problems


def _charset(path: Path, text: str, entries: list[PoEntry]) -> list[Diagnostic]:
    """Return an error when the header declares a charset other than UTF-8: the file would be misread."""
    header = next((e for e in entries if not e.msgid and not e.context and not e.obsolete), None)
    match = re.search(r"charset=([^\s;]+)", header.msgstr) if header else None
    if header is None or not match:
        return []
    charset = match.group(1)
    try:
        if codecs.lookup(charset).name == "utf-8":
            return []
    except LookupError:
        pass
    lines = text.splitlines()
    line = next(
        (n for n in range(header.msgstr_line, len(lines) + 1) if "charset=" in lines[n - 1]), header.msgstr_line
    )
    return [
        Diagnostic(
            "error",
            f"the header declares charset={charset}; uapress reads PO files as UTF-8 only",
            path,
            line,
            hint="convert the file to UTF-8 (`msgconv -t UTF-8`) and write charset=UTF-8 in its Content-Type header",
        )
    ]


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
        from babel.messages.plurals import (
            get_plural,  # Babel only for a new file's header
        )

        plural = get_plural(lang.replace("-", "_")).plural_forms
    except Exception:
        plural = "nplurals=2; plural=(n != 1);"
    from babel import Locale

    try:
        # Babel has no English name for some languages it knows (`apc`, `skr`): the tag names them then.
        team = Locale.parse(lang.replace("-", "_")).english_name or lang
    except Exception:
        team = lang
    return {
        "Project-Id-Version": project,
        # Set once, when the file is created; translators' tools update it afterwards.
        "PO-Revision-Date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M+0000"),
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
    if entry.msgid_plural:
        body += _keyword("msgid_plural", entry.msgid_plural)
        for n, form in enumerate(entry.plurals or (entry.msgstr, "")):
            body += _keyword(f"msgstr[{n}]", form)
    else:
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
