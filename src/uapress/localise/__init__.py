"""Stage 2, localise: translations, labels and locale data for one edition's language."""

from .edition import Localisation, localise

__all__ = ["Localisation", "localise"]
