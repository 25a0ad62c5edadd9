"""Stage 2, localise: translations, labels and locale data for one edition's language."""

from uapress.localise.edition import Localisation, localise

__all__ = ["Localisation", "localise"]
