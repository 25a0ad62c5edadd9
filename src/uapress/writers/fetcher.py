"""Stage 4, writers: the PDF writer's URL fetcher, which serves project files and refuses the network.

Imported by `uapress.writers.pdf.write` only, since it needs WeasyPrint.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.request import url2pathname

from uapress.core.errors import BuildError, SourceError
from uapress.core.inputs import MAX_ASSET, read_project_file

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher


class FetchRefused(BuildError):
    """WeasyPrint asked for something outside the project's styles/ and source/ folders."""


def project_fetcher(styles: Path) -> URLFetcher:
    """Return the fetcher of a project, given its styles/ folder: styles/ and source/ are served."""
    return _fetcher_class()(styles, styles.parent / "source")


@functools.cache
def _fetcher_class() -> type[URLFetcher]:
    """Return the fetcher class, made once: it subclasses WeasyPrint's, imported only when a PDF is made."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types: its class is Any
        """Serve `file:` URLs under the allowed folders and `data:` URLs; refuse everything else."""

        def __init__(self, *folders: Path) -> None:
            # fail_on_errors: a refusal must stop the build, not become a warning and a missing image.
            super().__init__(fail_on_errors=True, allowed_protocols=("file", "data"))
            self.folders = tuple(Path(folder).resolve() for folder in folders)

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
            """Return a project file or a data: URL's content; raise FetchRefused for anything else."""
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file" or parts.netloc not in ("", "localhost"):
                raise FetchRefused(f"refused to fetch {url}: a build never uses the network")
            path = Path(url2pathname(parts.path)).resolve()
            if not any(path.is_relative_to(folder) for folder in self.folders):
                raise FetchRefused(
                    f"refused to fetch {path}: only files under {', '.join(map(str, self.folders))} are used"
                )
            try:
                body = read_project_file(path, MAX_ASSET, boundary=path.parent)
            except SourceError as exc:
                raise FetchRefused(f"cannot read {path}: {exc.diagnostics[0].message}") from None
            return URLFetcherResponse(path.as_uri(), body, {"Content-Type": _content_type(path)})

    return ProjectFetcher


def _content_type(path: Path) -> str:
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".html": "text/html",
    }.get(path.suffix.lower(), "application/octet-stream")
