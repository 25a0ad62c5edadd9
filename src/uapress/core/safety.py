"""Translation exchange: read files that come back from outside without trusting them.

A translated file is input from anyone: a renamed PDF, a damaged or hostile zip (a "zip bomb"
that inflates to gigabytes), XML that declares entities to read local files or to expand
exponentially. Every zip is checked before a byte is inflated, and every XML part is parsed
with entities, DTDs and the network off; a part that declares a DOCTYPE is refused outright,
since neither DOCX nor XLIFF ever needs one.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from uapress.core.errors import UapressError

if TYPE_CHECKING:
    from lxml import etree

MAX_UNPACKED = 50 * 1024 * 1024
"""Most bytes a translated file may unpack to (the sample action's DOCX unpacks to ~100 KiB)."""
MAX_RATIO = 100
"""Most a zip member may inflate, relative to its packed size (text compresses ~10:1; bombs ~1000:1)."""
MAX_MEMBERS = 2000
CHUNK = 64 * 1024
"""Bytes inflated per step when reading a part (zipfile's own read inflates up to 1 GiB per step)."""
MAX_XML = 50 * 1024 * 1024
"""Largest XLIFF file read."""

_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old binary Word (.doc) or other OLE file"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


class ExchangeError(UapressError):
    """A file to import cannot be read: not the kind it claims, damaged, unsafe or for something else."""


@dataclass
class Package:
    """The parts of a checked zip, inflated on demand within the size bound."""

    path: Path
    zip: zipfile.ZipFile

    def has(self, name: str) -> bool:
        """Tell whether the zip holds a part."""
        return name in self.zip.NameToInfo

    def read(self, name: str) -> bytes:
        """Return one part's bytes, inflated in small steps up to its declared size; damage is an ExchangeError."""
        try:
            info = self.zip.getinfo(name)
            # Issue 25: `ZipFile.read` inflates up to 1 GiB in one step before cutting to the declared size, so a
            # part declared as 18 KB that inflates to gigabytes took gigabytes of memory. Read CHUNK at a time,
            # never past the declared size nor the cap, whichever comes first.
            limit = min(info.file_size, MAX_UNPACKED)
            pieces: list[bytes] = []
            got = 0
            with self.zip.open(info) as member:
                while got < limit:
                    piece = member.read(min(CHUNK, limit - got))
                    if not piece:
                        break
                    pieces.append(piece)
                    got += len(piece)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise ExchangeError(f"{self.path.name}: the file is damaged (corrupted zip): part {name}: {exc}") from None
        if got < info.file_size:
            raise ExchangeError(
                f"{self.path.name}: refused: part {name} is larger than the {MAX_UNPACKED // 2**20} MiB allowed"
                if got >= MAX_UNPACKED
                else f"{self.path.name}: the file is damaged (corrupted zip): part {name} ends after {got} of its "
                f"{info.file_size} bytes"
            )
        return b"".join(pieces)

    def xml(self, name: str) -> etree._Element:
        """Return one XML part parsed safely (see `parse_xml`)."""
        return parse_xml(self.read(name), f"{self.path.name}: {name}")


def describe(head: bytes) -> str | None:
    """Return what a file is from its first bytes, when it is a known kind that is not ours."""
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return what
    return None


def read_head(path: Path, size: int = 8) -> bytes:
    """Return the first bytes of a file."""
    with open(path, "rb") as handle:
        return handle.read(size)


def open_zip(path: Path, kind: str = "DOCX") -> Package:
    """Open a zip that must be a `kind` file, refusing damaged archives and zip bombs before inflating."""
    head = read_head(path)
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise ExchangeError(
                f"{path.name}: the file is damaged (corrupted zip): "
                "it starts like a zip archive but its directory cannot be read"
            )
        what = describe(head)
        raise ExchangeError(
            f"{path.name} is not a {kind} file ({f'it is {what}' if what else 'it is not a zip archive'})"
        )
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ExchangeError(f"{path.name}: the file is damaged (corrupted zip): {exc}") from None
    if len(members) > MAX_MEMBERS:
        raise ExchangeError(f"{path.name}: refused: the zip holds {len(members)} parts (a {kind} has a few dozen)")
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED:
        raise ExchangeError(
            f"{path.name}: refused: the zip would unpack to {total / 2**20:.0f} MiB, more than the "
            f"{MAX_UNPACKED // 2**20} MiB allowed (a zip bomb, or not a translated edition)"
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise ExchangeError(
                f"{path.name}: refused: part {member.filename} would inflate {member.file_size // max(member.compress_size, 1)} "
                f"times its packed size (a zip bomb)"
            )
    # Package.read inflates each part in CHUNK steps and stops at its declared size, so the bound above holds.
    return Package(path, archive)


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse XML with entities, DTDs and the network off; refuse any DOCTYPE; return the root element."""
    from lxml import etree  # only for a file that comes back: `check` never parses XML

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=False,
    )
    try:
        root: etree._Element = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ExchangeError(f"{where}: not well-formed XML: {exc}") from None
    # Any: lxml-stubs 0.5 lacks DocInfo.doctype and types internalDTD and externalDTD as never None.
    info: Any = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise ExchangeError(
            f"{where}: refused: the XML declares a DOCTYPE (entities are never resolved; "
            "DOCX and XLIFF files have no DOCTYPE, so this file was altered)"
        )
    return root
