"""Translation QA (`uapress.localise.qa.check_segment`): for each check, a case that triggers it and one that does not."""

from __future__ import annotations

import pytest

from uapress.localise.qa import Finding, check_segment, numbers_in

LONG = "We call for the immediate and unconditional release of all detainees."  # >= 40 characters
LONG_ES = "Pedimos la liberación inmediata e incondicional de todas las personas detenidas."


def by_check(findings: list[Finding], check: str) -> list[Finding]:
    return [f for f in findings if f.check == check]


def test_a_good_translation_passes_every_check():
    source = "On 2 July 2021, [Javier Tarazona](https://example.org/en) was detained in **El Helicoide**."
    translation = "El 2 de julio de 2021, [Javier Tarazona](https://example.org/en) fue detenido en **El Helicoide**."
    assert check_segment(source, translation, ("Javier Tarazona", "El Helicoide")) == []


# --- numbers -----------------------------------------------------------------


@pytest.mark.parametrize("translation", [
    "Más de 2.000 personas fueron detenidas.",  # Spanish thousands dot
    "Plus de 2 000 personnes ont été détenues.",  # plain space
    "Plus de 2\u202f000 personnes ont été détenues.",  # narrow no-break space (French typography)
    "Plus de 2\u00a0000 personnes ont été détenues.",  # no-break space
    "Over 2,000 people were detained.",
    "اعتُقل أكثر من ٢٠٠٠ شخص.",  # Arabic-Indic digits
], ids=["dot", "space", "narrow-nbsp", "nbsp", "comma", "arabic-indic"])
def test_numbers_in_another_notation_pass(translation):
    findings = check_segment("Over 2,000 people were detained.", translation, ())
    assert by_check(findings, "numbers") == []


def test_dropped_number_is_an_error():
    findings = by_check(check_segment("Detained on 2 July 2021.", "Detenido en julio de 2021.", ()), "numbers")
    assert [f.severity for f in findings] == ["error"]
    assert "2" in findings[0].message


def test_changed_number_is_an_error():
    findings = by_check(check_segment("Over 2,000 people.", "Más de 20.000 personas.", ()), "numbers")
    assert [f.severity for f in findings] == ["error"]


def test_repeated_number_must_appear_as_often():
    source = "Detained on 2 August 2024 and on 2 May 2025."
    assert by_check(check_segment(source, "Detenido el 2 de agosto de 2024 y el 2 de mayo de 2025.", ()), "numbers") == []
    assert by_check(check_segment(source, "Detenido el 2 de agosto de 2024 y en mayo de 2025.", ()), "numbers")


def test_numbers_in_normalises_digits_and_separators():
    assert numbers_in("2,000 / 2.000 / 2 000 / ٢٠٠٠ / 7.9") == ["2000", "2000", "2000", "2000", "79"]


# --- links -------------------------------------------------------------------


def test_link_count_mismatch_is_an_error():
    findings = by_check(check_segment("See [the report](https://example.org/report).", "Voir le rapport.", ()), "links")
    assert [f.severity for f in findings] == ["error"]
    assert "1" in findings[0].message and "0" in findings[0].message


def test_same_links_pass():
    source = "See [the report](https://example.org/report) and [the map](#)."
    translation = "Voir [le rapport](https://example.org/report) et [la carte](#)."
    assert by_check(check_segment(source, translation, ()), "links") == []


def test_localised_link_is_info():
    findings = by_check(check_segment("See [the report](https://example.org/en/report).",
                                      "Voir [le rapport](https://example.org/fr/report).", ()), "links")
    assert [f.severity for f in findings] == ["info"]
    assert "localised link" in findings[0].message
    assert "https://example.org/en/report" in findings[0].message and "https://example.org/fr/report" in findings[0].message


# --- keep terms --------------------------------------------------------------

KEEP = ("Javier Tarazona", "El Helicoide")


def test_missing_keep_term_is_an_error():
    findings = by_check(check_segment("Javier Tarazona is held in El Helicoide.",
                                      "Javier Tarasona está recluido en El Helicoide.", KEEP), "keep")
    assert [f.severity for f in findings] == ["error"]
    assert "Javier Tarazona" in findings[0].message


def test_kept_terms_pass():
    findings = check_segment("Javier Tarazona is held in El Helicoide.",
                             "Javier Tarazona está recluido en «El Helicoide».", KEEP)
    assert by_check(findings, "keep") == []


def test_keep_term_absent_from_the_source_is_not_required():
    assert by_check(check_segment("Release them now.", "Libérenlos ahora.", KEEP), "keep") == []


# --- identical translation ---------------------------------------------------


def test_identical_translation_is_a_warning():
    findings = by_check(check_segment("Human rights defenders must be released",
                                      "Human rights defenders must be released", ()), "identical")
    assert [f.severity for f in findings] == ["warning"]


def test_different_translation_is_not_identical():
    assert by_check(check_segment("Human rights defenders must be released",
                                  "Las personas defensoras deben quedar en libertad", ()), "identical") == []


def test_identical_number_only_segment_is_not_flagged():
    assert by_check(check_segment("2026", "2026", ()), "identical") == []


# --- Markdown ----------------------------------------------------------------


def test_raw_html_is_an_error():
    findings = by_check(check_segment("They must be **released**.", "Deben ser <b>liberados</b>.", ()), "markdown")
    assert findings and all(f.severity == "error" for f in findings)
    assert "<b>" in findings[0].message


def test_markdown_that_is_not_a_paragraph_is_an_error():
    findings = by_check(check_segment("They must be released.", "# Deben ser liberados.", ()), "markdown")
    assert [f.severity for f in findings] == ["error"]


def test_forbidden_link_scheme_is_an_error():
    findings = check_segment("See [the report](https://example.org).", "Voir [le rapport](javascript:alert(1)).", ())
    assert any(f.check == "markdown" and f.severity == "error" for f in findings)


def test_markdown_emphasis_and_links_pass():
    findings = check_segment("They must be **released** [now](https://example.org).",
                             "Deben ser *liberados* **ya** [ahora](https://example.org).", ())
    assert by_check(findings, "markdown") == []


# --- end punctuation ---------------------------------------------------------


def test_end_punctuation_mismatch_is_a_warning():
    findings = by_check(check_segment("Release them.", "Libérenlos", ()), "punctuation")
    assert [f.severity for f in findings] == ["warning"]
    findings = by_check(check_segment("Ms Delcy Rodríguez,", "Sra. Delcy Rodríguez.", ()), "punctuation")
    assert [f.severity for f in findings] == ["warning"]


@pytest.mark.parametrize("source, translation", [
    ("Release them.", "Libérenlos."),
    ("Ms Delcy Rodríguez,", "السيدة ديلسي رودريغيز،"),  # Arabic comma counts as ","
    ("Why?", "¿لماذا؟"),  # Arabic question mark counts as "?"
    ('He called it "a significant number."', "Il a parlé d’« un nombre important. »"),  # closing guillemet
    ('They said "free them."', "Dijeron “libérenlos.”"),  # closing curly quote
    ("Free them (now).", "Libérenlos (ya)."),
], ids=["period", "arabic-comma", "arabic-question", "guillemet", "curly-quote", "parenthesis"])
def test_matching_end_punctuation_passes(source, translation):
    assert by_check(check_segment(source, translation, ()), "punctuation") == []


# --- white space -------------------------------------------------------------


@pytest.mark.parametrize("translation", [" Libérenlos.", "Libérenlos. ", "Libérenlos.\n"],
                         ids=["leading", "trailing", "newline"])
def test_leading_or_trailing_whitespace_is_a_warning(translation):
    findings = by_check(check_segment("Release them.", translation, ()), "whitespace")
    assert [f.severity for f in findings] == ["warning"]


def test_trimmed_translation_has_no_whitespace_finding():
    assert by_check(check_segment("Release them.", "Libérenlos.", ()), "whitespace") == []


# --- length ------------------------------------------------------------------


def test_much_longer_translation_is_a_warning():
    findings = by_check(check_segment(LONG, LONG_ES + " " + LONG_ES + " " + LONG_ES, ()), "length")
    assert [f.severity for f in findings] == ["warning"]


def test_much_shorter_translation_is_a_warning():
    findings = by_check(check_segment(LONG, "Pedimos la liberación.", ()), "length")
    assert [f.severity for f in findings] == ["warning"]


def test_usual_length_passes():
    assert by_check(check_segment(LONG, LONG_ES, ()), "length") == []


def test_short_sources_are_exempt_from_the_length_check():
    assert by_check(check_segment("Yours sincerely,", "Le saludamos muy atentamente y con toda consideración,", ()),
                    "length") == []
    assert by_check(check_segment("Acting President of the Republic", "Presidenta", ()), "length") == []
