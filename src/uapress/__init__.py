"""uapress: compile urgent-action sources into branded PDF, DOCX and HTML editions."""

__version__ = "0.1.0"
