"""Stage 4, writers: where a letter sheet's parts go so that the address shows in a window envelope.

DIN 5008 form B (the layout for window envelopes) on a DL (110 x 220 mm) envelope with its window
20 mm from the left edge (DIN 680, ISO 269): the address field is 85 x 45 mm, 20 mm from the left
edge and 45 mm from the top; its first 17.7 mm hold postal notes and the return line, so the address
itself starts 62.7 mm from the top, in a 27.3 mm zone of six lines. The window is the envelope's: a
right-to-left letter keeps the field where it is and sets the address right to left inside it; a brand
for right-window envelopes puts the field 20 mm from the right edge in every language (issue 20). Letter
paper keeps the same field, which lies in the top third of the sheet folded for a No. 10 envelope.
These are the standard's figures, not the brand's: the brand gives the paper size and the look.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Geometry:
    """Positions on the sheet in millimetres, measured from the top and from the binding (start) side."""

    margin_top: float = 20
    margin_start: float = 25
    """DIN 5008: 25 mm on the binding side, 20 mm on the other."""
    margin_end: float = 20
    margin_bottom: float = 18
    field_top: float = 45
    field_side: float = 20
    """From the edge of the page on the envelope window's side (the left unless the brand says right) to the address field."""
    field_width: float = 85
    field_height: float = 45
    notes_zone: float = 17.7
    """The field's upper zone (postal notes, return line); the address starts below it."""
    text_top: float = 98.46
    """Where form B sets the subject line: the letter text starts here."""
    date_width: float = 60

    @property
    def address_top(self) -> float:
        """Return where the address itself starts: 62.7 mm from the top."""
        return self.field_top + self.notes_zone

    @property
    def field_inset(self) -> float:
        """Return how far the address text sits inside the field: it lines up with the letter text."""
        return self.margin_start - self.field_side


DIN_5008_B = Geometry()

FOLDS = {"A4": (105, 210), "Letter": (93.13, 186.27)}
"""Fold marks from the top, in mm: DIN 5008 form B folds A4 at 105 and 210 mm; Letter paper folds in thirds."""
