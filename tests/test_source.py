"""Stage 1, source: loading and validating `action.yaml`, and the Markdown subset (DESIGN.md, "Source format v1")."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from projects import BAD_CASES, FIXTURES, REPO
from uapress.core.errors import SourceError
from uapress.core.nodes import Emphasis, LineBreak, Link, Strong, Text
from uapress.source import load_action
from uapress.source.markdown import MarkdownIssue, parse_inlines, split_blocks

SAMPLE = REPO / "source" / "actions" / "venezuela-hrd-release" / "action.yaml"
# The source material the sample action transcribes, kept with the tests so a clone always checks it (issue 10).
SEED = FIXTURES / "seed" / "ua-venezuela.txt"
UNRESOLVED_LINK = re.compile(r"\[([^\]]*)\]\(#\)")


def fixture(case: str) -> Path:
    (path,) = (FIXTURES / case / "source" / "actions").glob("*/action.yaml")
    return path


def errors_of(path: Path) -> list:
    with pytest.raises(SourceError) as caught:
        load_action(path)
    return [d for d in caught.value.diagnostics if d.is_error]


def write_action(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "source" / "actions" / "minimal"
    folder.mkdir(parents=True)
    path = folder / "action.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def minimal_with(tmp_path: Path, old: str, new: str) -> Path:
    text = fixture("minimal").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return write_action(tmp_path, text.replace(old, new))


# --- the sample action ------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    action, warnings = load_action(SAMPLE)
    return action, warnings


def test_sample_facts(sample):
    action, _ = sample
    assert action.slug == "venezuela-hrd-release"
    assert action.schema == 1
    assert action.issued == dt.date(2026, 1, 19)
    assert action.deadline == dt.date(2026, 6, 30)
    assert action.language == "en"
    assert action.appeal_language == "es"
    assert action.country == "VE"
    assert [t.name for t in action.targets] == ["Delcy Rodríguez"]
    assert action.targets[0].salutation == "Ms Delcy Rodríguez,"
    assert action.previous is not None
    assert action.previous.url.endswith("/amr53/0203/2025/en/")
    assert action.previous.reference == "AMR 53/0203/2025"


def test_sample_paragraph_counts(sample):
    action, _ = sample
    letter = split_blocks(action.letter)
    background = split_blocks(action.background)
    assert [b.kind for b in letter] == ["paragraph"] * 5
    assert [b.kind for b in background] == ["paragraph"] * 7


def test_sample_loads_with_warnings_only(sample):
    _, warnings = sample
    assert warnings and not any(w.is_error for w in warnings)
    # The seed gives no reference for this UA and lost every link but the previous UA's.
    assert any("no 'reference'" in w.message for w in warnings)
    unresolved = [w for w in warnings if "has no address yet" in w.message]
    assert len(unresolved) == 8
    assert all(w.field == "background" and w.line for w in unresolved)


def test_sample_transcribes_the_seed(sample):
    """Every paragraph from "In January 2026" to the last background paragraph is in the action, in order."""
    action, _ = sample
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", SEED.read_text(encoding="utf-8")) if p.strip()]
    first = next(i for i, p in enumerate(paragraphs) if p.startswith("In January 2026"))
    end = next(i for i, p in enumerate(paragraphs) if p.startswith("PREFERRED LANGUAGE TO ADDRESS TARGET"))
    assert paragraphs[end - 1].startswith("Since November 2021")  # the last background paragraph
    seed = [UNRESOLVED_LINK.sub(r"\1", p) for p in paragraphs[first:end]]

    labels = {m.context: m.string for m in read_po((REPO / "source/labels/en.po").open("rb")) if m.id}
    (target,) = action.targets

    def blocks(text: str) -> list[str]:
        return [UNRESOLVED_LINK.sub(r"\1", b.markdown) for b in split_blocks(text)]

    expected = [
        *blocks(action.summary),
        labels["take_action"],
        "\n".join([target.name, target.title, *target.address.splitlines()]),
        target.salutation,
        *blocks(action.letter),
        action.closing,
        labels["additional_information"],
        *blocks(action.background),
    ]
    assert seed == expected


# --- malformed sources: structured findings ---------------------------------


def test_minimal_fixture_is_valid():
    action, warnings = load_action(fixture("minimal"))
    assert action.reference == "AMR 53/0001/2026"
    assert len(action.targets) == 1
    assert [b.kind for b in split_blocks(action.letter)] == ["paragraph", "paragraph"]
    links = [
        n for block in split_blocks(action.letter) for n in parse_inlines(block.markdown)[0] if isinstance(n, Link)
    ]
    assert [link.url for link in links] == ["https://www.ohchr.org/en", "#"]
    # The `#` link is the only finding, a warning.
    assert [(w.severity, w.field) for w in warnings] == [("warning", "letter")]


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_case_names_line_field_and_fix(case):
    line, field, words = BAD_CASES[case]
    found = errors_of(fixture(case))
    matching = [d for d in found if all(w in d.message for w in words)]
    assert matching, f"no error with {words} among {[d.message for d in found]}"
    diagnostic = matching[0]
    assert diagnostic.file == fixture(case)
    assert diagnostic.line == line
    assert diagnostic.field == field
    assert diagnostic.hint


def test_not_utf8_fixture_really_is_latin1():
    raw = fixture("not-utf8").read_bytes()
    assert b"P\xe9rez" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_several_errors_are_all_reported():
    found = errors_of(fixture("several-errors"))
    messages = sorted(d.message for d in found)
    assert len(found) == 3, messages
    assert any("unknown key 'deadlin'" in m for m in messages)
    assert any("2026-02-30 is not a date" in m for m in messages)
    assert any("required field 'letter' is missing" in m for m in messages)


def test_unknown_key_suggests_the_nearest_key():
    (unknown,) = [d for d in errors_of(fixture("unknown-key")) if d.field == "deadlin"]
    assert unknown.hint == "did you mean 'deadline'?"


def test_impossible_date_points_at_the_value():
    (bad,) = errors_of(fixture("impossible-date"))
    assert (bad.line, bad.column) == (5, len("deadline: ") + 1)


def test_unclosed_quote_points_where_the_quote_opens():
    # PyYAML notices an unclosed quote only at the end of the file; the message must name where it opens.
    (bad,) = errors_of(fixture("yaml-unclosed-quote"))
    assert (bad.line, bad.column) == (9, len("subject: ") + 1)


def test_missing_key_has_no_caret_on_a_neighbour():
    # The caret used to sit under `schema`, as if that key were wrong.
    (missing,) = errors_of(fixture("missing-letter"))
    assert missing.column is None


def test_raw_html_in_markdown_is_reported_once_per_block_under_its_first_tag():
    # Markdown fields were also run through the plain-text tag check, which added a second, vaguer error
    # at the `summary: |` line; then each tag of one block was reported on its own.
    found = errors_of(fixture("raw-html-inline"))
    assert [(d.line, d.column, d.message) for d in found] == [
        (12, 30, "raw HTML '<b>', '</b>' is not allowed"),
    ]
    (block,) = errors_of(fixture("raw-html-block"))
    assert block.message == "raw HTML '<div>More to come.</div>' is not allowed"


def test_raw_html_in_plain_text_fields(tmp_path):
    path = minimal_with(tmp_path, "subject: A human rights defender", "subject: A <b>human</b> rights defender")
    (bad,) = errors_of(path)
    assert (bad.field, bad.line) == ("subject", 9)
    assert "raw HTML" in bad.message


@pytest.mark.parametrize(
    "old, new, field, words",
    [
        ("deadline: 2026-06-30", "deadline: 2026-13-01", "deadline", "2026-13-01 is not a date"),
        ("deadline: 2026-06-30", "deadline: 20260630", "deadline", "20260630 is not a date"),
        ("country: VE", "country: ve", "country", "'ve' is not an ISO 3166"),
        ("language: en", "language: [en]", "language", "not a known language tag"),
        ("appeal_language: es", "appeal_language: es\nlanguages: [es, es]", "languages.1", "listed twice"),
        ("schema: 1", "schema: 2", "schema", "schema 2 is not supported"),
        ("title: Release the defender", "title: '# Release'", "title", "headings are not part"),
        ("  The defender was detained in January 2026.", "  ---", "background", "not a plain paragraph"),
        (
            "  The defender was detained in January 2026.",
            "  ![x](https://example.org/x.png)",
            "background",
            "<img> is not part of the Markdown subset",
        ),
        ("  The defender was detained in January 2026.", "  [a](data:text/html,x)", "background", "not allowed"),
        ("  The defender was detained in January 2026.", "  [a](page.html)", "background", "not allowed"),
    ],
)
def test_more_bad_values(tmp_path, old, new, field, words):
    found = errors_of(minimal_with(tmp_path, old, new))
    assert any(d.field == field and words in d.message and d.line and d.hint for d in found), [
        (d.field, d.message) for d in found
    ]


@pytest.mark.parametrize(
    "old, new",
    [
        # Explicit tags that do not fit their value made PyYAML raise KeyError/AttributeError: a traceback.
        ("schema: 1", "schema: 1\nua_number: !!bool x"),
        ("schema: 1", "schema: 1\nua_number: !!timestamp x"),
        # An impossible date as a mapping key made the key construction raise ValueError.
        ("schema: 1", "schema: 1\n2026-02-30: x"),
        ("schema: 1", "schema: 1\nprevious: {2026-02-30: x}"),
        ("schema: 1", "schema: 1\nx: !custom 1"),
        ("schema: 1", "schema: 1\n---\nschema: 1"),
        ("schema: 1", "schema: 1\n\tx: 1"),
        ("schema: 1", "schema: 1\nschema: 1"),
    ],
)
def test_odd_yaml_never_escapes_as_a_python_exception(tmp_path, old, new):
    path = minimal_with(tmp_path, old, new)
    try:
        load_action(path)
    except SourceError as exc:
        assert all(d.line and d.hint for d in exc.diagnostics if d.is_error)


def test_top_level_must_be_a_mapping(tmp_path):
    (bad,) = errors_of(write_action(tmp_path, "- a\n- b\n"))
    assert bad.line == 1 and "mapping" in bad.message


def test_datetime_and_quoted_dates_read_as_dates(tmp_path):
    path = minimal_with(
        tmp_path, "issued: 2026-01-19\ndeadline: 2026-06-30", 'issued: 2026-01-19T10:00:00\ndeadline: "2026-06-30"'
    )
    action, _ = load_action(path)
    assert (action.issued, action.deadline) == (dt.date(2026, 1, 19), dt.date(2026, 6, 30))


# --- the Markdown subset ----------------------------------------------------


def inlines(markdown: str) -> tuple:
    nodes, issues = parse_inlines(markdown)
    assert issues == []
    return nodes


def test_emphasis_and_strong():
    assert inlines("a *b* and _c_") == (Text("a "), Emphasis((Text("b"),)), Text(" and "), Emphasis((Text("c"),)))
    assert inlines("**b** __c__") == (Strong((Text("b"),)), Text(" "), Strong((Text("c"),)))
    assert inlines("***both***") in (
        (Strong((Emphasis((Text("both"),)),)),),
        (Emphasis((Strong((Text("both"),)),)),),
    )


def test_links():
    assert inlines("see [the UN](https://un.org/x?a=1&b=2) now") == (
        Text("see "),
        Link("https://un.org/x?a=1&b=2", (Text("the UN"),)),
        Text(" now"),
    )
    assert inlines("[*mail*](mailto:a@example.org)") == (Link("mailto:a@example.org", (Emphasis((Text("mail"),)),)),)
    assert inlines("<https://example.org>") == (Link("https://example.org", (Text("https://example.org"),)),)


def test_email_autolink_is_a_mailto_link():
    # Python-Markdown hides the address behind masked character references; they used to leak into the
    # link ("amp#97;...") and the link was rejected as "not allowed".
    assert inlines("write to <a@example.org>") == (
        Text("write to "),
        Link("mailto:a@example.org", (Text("a@example.org"),)),
    )


def test_unresolved_link_is_a_warning():
    for markdown, shown in (("[report](#)", "#"), ("[report]()", "empty")):
        nodes, issues = parse_inlines(markdown)
        assert nodes == (Link(markdown[len("[report](") : -1], (Text("report"),)),)
        assert not nodes[0].resolved
        (issue,) = issues
        assert issue.severity == "warning"
        assert f"link 'report' has no address yet ({shown})" == issue.message


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "page.html",
        "ftp://example.org/",
    ],
)
def test_other_link_schemes_are_errors(url):
    _, issues = parse_inlines(f"[x]({url})")
    (issue,) = issues
    assert issue.severity == "error"
    assert "not allowed" in issue.message


def test_line_breaks():
    assert inlines("one  \ntwo") == (Text("one"), LineBreak(), Text("two"))
    # A soft line break reads as a space.
    assert inlines("one\ntwo") == (Text("one two"),)


def test_split_blocks_keeps_hard_line_breaks():
    # split_blocks stripped every line, so the two trailing spaces of a hard break never reached the model.
    blocks = split_blocks("  one  \n  two \n  three  \n\n- item  \n  more\n\n> quoted  \n> text")
    assert [b.markdown for b in blocks] == ["one  \ntwo\nthree", "item  \nmore", "quoted  \ntext"]
    assert [inlines(b.markdown) for b in blocks] == [
        (Text("one"), LineBreak(), Text("two three")),
        (Text("item"), LineBreak(), Text("more")),
        (Text("quoted"), LineBreak(), Text("text")),
    ]


def test_entities_become_characters():
    assert inlines("AT&amp;T &copy; &#233;&#x41; a & b 1 < 2") == (Text("AT&T © éA a & b 1 < 2"),)


def test_code_spans_are_plain_text():
    assert inlines("use `x` here") == (Text("use x here"),)


def test_raw_html_is_an_issue():
    _, issues = parse_inlines("a <b>x</b> <!-- c -->")
    assert [i.message for i in issues] == ["raw HTML '<b>', '</b>', '<!-- c -->' is not allowed"]
    assert issues[0].fragment == "<b>"
    assert all(i.severity == "error" for i in issues)


@pytest.mark.parametrize("heading", ["# x", "## x", "###### x"])
def test_heading_is_rejected(heading):
    with pytest.raises(MarkdownIssue, match="headings are not part of the source format"):
        parse_inlines(heading)


def test_setext_heading_and_rule_are_rejected():
    for block in ("Title\n=====", "---"):
        with pytest.raises(MarkdownIssue, match="not a plain paragraph"):
            parse_inlines(block)


def test_a_block_parsed_again_gives_the_same_result_and_issues_its_caller_may_change():
    # Parsed once per process (issue 13): a caller moving its issue to a line of its own must not move the
    # next caller's, and a refused block is refused every time.
    block = "see [the report](#) and <b>this</b>"
    first_nodes, first = parse_inlines(block)
    first[0].line = 42
    first.clear()
    nodes, issues = parse_inlines(block)
    assert nodes == first_nodes
    assert [(i.severity, i.line) for i in issues] == [("error", 0), ("warning", 0)]
    assert "raw HTML '<b>', '</b>'" in issues[0].message and issues[1].code == "unresolved-link"
    for _ in range(2):
        with pytest.raises(MarkdownIssue, match="headings are not part of the source format") as refused:
            parse_inlines("# twice")
        assert refused.value.line == 0
        refused.value.line = 7


def test_split_blocks_paragraphs_lists_quotes():
    text = "\n".join(
        [
            "First paragraph",  # 0
            "still the first.",  # 1
            "",
            "- bullet one",  # 3
            "- bullet *two*",  # 4
            "  continued",  # 5
            "",
            "3. third",  # 7
            "4. fourth",  # 8
            "",
            "> quoted",  # 10
            "> lines",  # 11
            ">",  # 12
            "> second quote",  # 13
            "",
            "Last.",  # 15
        ]
    )
    blocks = split_blocks(text)
    assert [(b.kind, b.markdown, b.line) for b in blocks] == [
        ("paragraph", "First paragraph\nstill the first.", 0),
        ("bullet", "bullet one", 3),
        ("bullet", "bullet *two*\ncontinued", 4),
        ("ordered", "third", 7),
        ("ordered", "fourth", 8),
        ("quote", "quoted\nlines", 10),
        ("quote", "second quote", 13),
        ("paragraph", "Last.", 15),
    ]
    assert [b.start for b in blocks if b.kind == "ordered"] == [3, 4]
    assert [b.list_start for b in blocks if b.kind == "bullet"] == [True, False]
    assert inlines(blocks[2].markdown) == (Text("bullet "), Emphasis((Text("two"),)), Text(" continued"))


def test_split_blocks_numbered_list_forms():
    blocks = split_blocks("1) one\n2) two\n\n10. ten")
    assert [(b.kind, b.markdown, b.start) for b in blocks] == [
        ("ordered", "one", 1),
        ("ordered", "two", 2),
        ("ordered", "ten", 10),
    ]
    assert [b.list_start for b in blocks] == [True, False, False]  # a blank line does not end a list


def test_markdown_findings_carry_the_file_line(tmp_path):
    path = minimal_with(
        tmp_path,
        "  The defender was detained in January 2026.",
        "  The defender was detained in January 2026.\n\n  - one\n  - [two](#)\n\n  > [three](#)",
    )
    _, warnings = load_action(path)
    lines = {w.message: w.line for w in warnings}
    text = path.read_text(encoding="utf-8").splitlines()
    assert text[lines["link 'two' has no address yet (#)"] - 1] == "  - [two](#)"
    assert text[lines["link 'three' has no address yet (#)"] - 1] == "  > [three](#)"
