"""The DOCX package zipped member by member (fonts deflated once per process) is the zip `zipfile` writes (issue 13)."""

import io
import zipfile

from uapress.writers.docx.archive import zipped


def _zipfile_bytes(members, stamp):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in members:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, data, compresslevel=6)
    return out.getvalue()


def test_zipped_package_is_byte_identical_to_zipfile_and_reads_back():
    font = bytes(range(256)) * 400
    stamp = (2026, 6, 1, 0, 0, 0)
    for members in ([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", "<w:document>é</w:document>".encode()),
                     ("word/fonts/font1.odttf", font)],
                    [("word/document.xml", b"<w:document>other</w:document>"), ("word/fonts/font1.odttf", font),
                     ("docProps/custom.xml", b"<Properties/>")]):
        data = zipped(members, stamp)  # the second package takes its font from the first one's deflate
        assert data == _zipfile_bytes(members, stamp)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
            assert [(info.filename, archive.read(info)) for info in archive.infolist()] == members
