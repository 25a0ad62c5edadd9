"""Stage 2, localise: QA of link addresses and e-mail addresses, which a translation never changes.

A link may point at the translation's language version of the same page: only a path segment
naming a language (`/en/` -> `/es/`) or a query value naming it (`?lang=es`) may differ; every
other change (host, path, `https` -> `http`, `#` for a real address) needs a person to confirm it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from uapress.core.counts import plural
from uapress.core.nodes import Emphasis, Inline, Link, SegmentSpan, Strong

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
URL = re.compile(r"(?:https?|mailto):[^\s()<>\]\[]+", re.I)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})?$", re.I)
_LANGUAGE_KEYS = {"lang", "language", "hl", "locale", "lng", "l"}


def normalise_url(url: str) -> str:
    """Return a link address as compared: percent-decoded, scheme and host in lower case, no trailing slash."""
    url = unquote((url or "").strip())
    if url in ("", "#"):
        return "#"
    parts = urlsplit(url)
    if not parts.scheme:
        return url
    host = parts.netloc.lower().removesuffix(":443" if parts.scheme.lower() == "https" else ":80")
    path = parts.path.rstrip("/") if parts.scheme.lower() != "mailto" else parts.path.lower()
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{parts.scheme.lower()}:{'//' + host if parts.netloc else ''}{path}{query}{fragment}"


def links_of(inlines: Iterable[Inline]) -> list[str]:
    """Return the link addresses of inlines, in order."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Link):
            out.append(node.url)
        if isinstance(node, (Link, Emphasis, Strong, SegmentSpan)):
            out += links_of(node.children)
    return out


def check(
    source: str,
    translation: str,
    source_inlines: tuple[Inline, ...],
    inlines: tuple[Inline, ...],
    lang: str,
    source_lang: str,
) -> list[tuple[str, ...]]:
    """Return (check, severity, message, fix[, subject]) findings on links and e-mail addresses."""
    return _links(links_of(source_inlines), links_of(inlines), lang, source_lang) + _emails(source, translation)


def _links(source: list[str], translation: list[str], lang: str, source_lang: str) -> list[tuple[str, ...]]:
    if len(source) != len(translation):
        return [
            (
                "links",
                "error",
                f"the source has {plural(len(source), 'link')}, the translation {len(translation)}",
                "keep one link for each link of the source, with its address",
            )
        ]
    left = list(translation)
    unmatched = []
    for url in source:
        wanted = normalise_url(url)
        same = next(
            (
                i
                for i, got in enumerate(left)
                if normalise_url(got) == wanted or localised(wanted, normalise_url(got), lang, source_lang)
            ),
            None,
        )
        if same is None:
            unmatched.append(url)
        else:
            left.pop(same)
    out: list[tuple[str, ...]] = []
    for url, got in zip(unmatched, left):
        if normalise_url(got) == "#" and normalise_url(url) != "#":
            out.append(
                (
                    "links",
                    "warning",
                    f"the link to {url} became an unresolved link (#)",
                    f"write the source's address ({url}) back in the link",
                    url,
                )
            )
        else:
            why = (
                f"names another language than {lang}"
                if localised(normalise_url(url), normalise_url(got), "", source_lang)
                else _difference(url, got)
            )
            out.append(
                (
                    "links",
                    "warning",
                    f"link address changed: {url} -> {got} ({why})",
                    f"write the source's address ({url}); only its language part (/en/) may name this language; "
                    "confirm if the new address is right",
                    f"{url} {got}",
                )
            )
    return out


def localised(source: str, translation: str, lang: str = "", source_lang: str = "en") -> bool:
    """Tell whether two normalised addresses differ only where they name a language."""
    a, b = urlsplit(source), urlsplit(translation)
    if (a.scheme, a.netloc, a.fragment) != (b.scheme, b.netloc, b.fragment):
        return False
    steps_a, steps_b = a.path.split("/"), b.path.split("/")
    if len(steps_a) != len(steps_b):
        return False
    if not all(x == y or _names_language(x, y, lang, source_lang) for x, y in zip(steps_a, steps_b)):
        return False
    query_a, query_b = _query(a.query), _query(b.query)
    for key in set(query_a) | set(query_b):
        x, y = query_a.get(key), query_b.get(key)
        if x != y and not (
            key.lower() in _LANGUAGE_KEYS and _names_language(x or source_lang, y or "", lang, source_lang)
        ):
            return False
    return True


def _names_language(old: str, new: str, lang: str, source_lang: str) -> bool:
    if not (_LANGUAGE.match(old) and _LANGUAGE.match(new)):
        return False
    new_primary = new.lower().replace("_", "-").split("-")[0]
    if lang:
        return new_primary == lang.lower().split("-")[0]
    return True


def _query(query: str) -> dict[str, str]:
    return dict(part.partition("=")[::2] for part in query.split("&") if part)


def _difference(old: str, new: str) -> str:
    a, b = urlsplit(normalise_url(old)), urlsplit(normalise_url(new))
    if a.scheme != b.scheme:
        return f"{a.scheme or 'no scheme'} -> {b.scheme or 'no scheme'}"
    if a.netloc != b.netloc:
        return f"another host: {b.netloc}"
    if a.path != b.path:
        return "another path"
    return "another query or fragment"


def emails_in(text: str) -> Counter[str]:
    """Return the e-mail addresses of a Markdown text (in link targets too), percent-decoded, case-folded."""
    return Counter(match.group(0).lower().rstrip(".") for match in EMAIL.finditer(unquote(text)))


def _emails(source: str, translation: str) -> list[tuple[str, ...]]:
    missing = emails_in(source) - emails_in(translation)
    if not missing:
        return []
    listed = ", ".join(sorted(missing.elements()))
    return [
        (
            "emails",
            "error",
            f"e-mail address(es) of the source missing or changed in the translation: {listed}",
            f"copy the address(es) exactly as in the source: {listed}",
        )
    ]
