"""Exchange formats: XLIFF, DOCX import, PO and TMX files read and written for translators and CAT tools."""
