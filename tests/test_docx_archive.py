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
    for members in (
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", "<w:document>é</w:document>".encode()),
            ("word/fonts/font1.odttf", font),
        ],
        [
            ("word/document.xml", b"<w:document>other</w:document>"),
            ("word/fonts/font1.odttf", font),
            ("docProps/custom.xml", b"<Properties/>"),
        ],
    ):
        data = zipped(members, stamp)  # the second package takes its font from the first one's deflate
        assert data == _zipfile_bytes(members, stamp)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
            assert [(info.filename, archive.read(info)) for info in archive.infolist()] == members


def test_a_font_deflated_once_serves_other_names_and_dates():
    # Issue 13: an archive of actions issued on different days embeds the same faces under other part names;
    # the records are those zipfile writes, with the deflate done once.
    fonts = [bytes(range(256)) * 300, bytes(reversed(range(256))) * 200 + b"tail"]
    packages = [
        ([("word/fonts/font1.odttf", fonts[0]), ("word/fonts/font2.odttf", fonts[1])], (2026, 1, 19, 0, 0, 0)),
        (
            [
                ("word/document.xml", b"<w:document/>"),
                ("word/fonts/font2.odttf", fonts[0]),
                ("word/fonts/font10.odttf", fonts[1]),
            ],
            (2025, 12, 31, 0, 0, 0),
        ),
        ([("word/fonts/font1.odttf", b"")], (1980, 1, 1, 0, 0, 0)),
    ]
    for members, stamp in packages:
        data = zipped(members, stamp)
        assert data == _zipfile_bytes(members, stamp)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
            assert [(info.filename, info.date_time, archive.read(info)) for info in archive.infolist()] == [
                (name, stamp, content) for name, content in members
            ]


def test_another_python_docx_falls_back_to_its_public_save(monkeypatch):
    # The fast path reads python-docx's private package writer; a version without it must give the same file.
    from docx.opc.pkgwriter import PackageWriter

    from helpers import sample_brand, sample_document
    from uapress.writers import docx as writer

    document, brand = sample_document("es"), sample_brand()
    fast = writer.write(document, brand)
    # The first call (the fast path) finds no such helper, as with another python-docx; `save` then works.
    real, calls = PackageWriter._write_pkg_rels, []

    def missing_once(*args):
        calls.append(args)
        if len(calls) == 1:
            raise AttributeError("_write_pkg_rels")
        return real(*args)

    monkeypatch.setattr(PackageWriter, "_write_pkg_rels", staticmethod(missing_once))
    slow = writer.write(document, brand)
    assert len(calls) == 2, "the fast path was not tried, or the fallback did not save"
    assert fast == slow and zipfile.ZipFile(io.BytesIO(slow)).testzip() is None
