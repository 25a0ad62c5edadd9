"""Stage 1, source: the checks of the Markdown fields (title, summary, letter, background), each finding at its line."""

from __future__ import annotations

from uapress.core.errors import Diagnostic
from uapress.source.markdown import MarkdownIssue, parse_inlines, split_blocks, too_deep
from uapress.source.validate_base import CheckerBase
from uapress.source.yamlpos import Path_, dotted


class MarkdownChecks(CheckerBase):
    """Check the Markdown subset of the text fields, with a caret under the offending text."""

    def _nested(self, path: Path_, text: str) -> bool:
        """Report Markdown nested deeper than uapress reads (issue 25), before it is split or parsed."""
        deep = too_deep(text)
        if deep is None:
            return False
        line = self.positions.text_line(path, deep[0])
        self.found.append(
            Diagnostic(
                "error",
                deep[1],
                self.path,
                line,
                field=dotted(path),
                hint="write plain paragraphs, lists and quotes one level deep",
            )
        )
        return True

    def _inline_markdown(self, data: dict[str, object], path: Path_) -> str | None:
        text = self._text(data, path, markdown=True)
        if text is not None and not self._nested(path, text):
            self._check_block(path, text, 0)
        return text

    def _markdown(self, data: dict[str, object], key: str) -> str | None:
        text = self._text(data, (key,), markdown=True)
        if text is None or self._nested((key,), text):
            return None

        for block in split_blocks(text):
            self._check_block((key,), block.markdown, block.line)
        return text

    def _check_block(self, path: Path_, markdown_text: str, offset: int) -> None:
        try:
            _, issues = parse_inlines(markdown_text)
        except MarkdownIssue as refused:
            issues = [refused]
        line = self.positions.text_line(path, offset)
        for issue in issues:
            where, column = self._locate(issue.fragment, line + issue.line)
            self.found.append(
                Diagnostic(
                    issue.severity, issue.message, self.path, where, column, dotted(path), issue.hint, code=issue.code
                )
            )

    def _locate(self, fragment: str, line: int) -> tuple[int, int | None]:
        """Find `fragment` at or after `line` within its block, for a caret under the offending text."""
        lines = self.text.splitlines()
        for number in range(line, min(line + 40, len(lines)) + 1):
            column = lines[number - 1].find(fragment) if fragment else -1
            if column >= 0:
                return number, column + 1
            if number > line and not lines[number - 1].strip():
                break  # a blank line ends the block
        return line, None
