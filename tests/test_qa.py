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


@pytest.mark.parametrize(
    "translation",
    [
        "Más de 2.000 personas fueron detenidas.",  # Spanish thousands dot
        "Plus de 2 000 personnes ont été détenues.",  # plain space
        "Plus de 2\u202f000 personnes ont été détenues.",  # narrow no-break space (French typography)
        "Plus de 2\u00a0000 personnes ont été détenues.",  # no-break space
        "Over 2,000 people were detained.",
        "اعتُقل أكثر من ٢٠٠٠ شخص.",  # Arabic-Indic digits
    ],
    ids=["dot", "space", "narrow-nbsp", "nbsp", "comma", "arabic-indic"],
)
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
    assert (
        by_check(check_segment(source, "Detenido el 2 de agosto de 2024 y el 2 de mayo de 2025.", ()), "numbers") == []
    )
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


def test_localised_link_passes_silently():
    # Issue 12: only a path segment or a query value naming the language may differ, and silently.
    for source, translation in [
        ("https://example.org/en/report", "https://example.org/fr/report"),
        ("https://example.org/report?lang=en", "https://example.org/report?lang=fr"),
    ]:
        assert check_segment(f"See [the report]({source}).", f"Voir [le rapport]({translation}).", (), lang="fr") == []


@pytest.mark.parametrize(
    "changed",
    [
        "http://example.org/en/report",  # https -> http
        "https://exemple.org/en/report",  # typo in the host
        "https://example.org/en/rapport",  # typo in the path
        "https://other.net/en/report",  # another domain
        "#",  # a real address replaced by a placeholder
        "https://example.org/de/report",  # another language than the translation's
    ],
    ids=["http", "host", "path", "domain", "hash", "wrong-language"],
)
def test_changed_link_address_is_a_blocking_warning(changed):
    # Issue 12: these used to get the same "info: localised link" note as /en/ -> /fr/.
    findings = by_check(
        check_segment(
            "See [the report](https://example.org/en/report).", f"Voir [le rapport]({changed}).", (), lang="fr"
        ),
        "links",
    )
    assert [f.severity for f in findings] == ["warning"]
    assert findings[0].blocking and "https://example.org/en/report" in findings[0].fix


def test_reordered_links_pass():
    source = "[A](https://a.org/en/x) and [B](https://b.org/y)."
    assert check_segment(source, "[B](https://b.org/y) y [A](https://a.org/es/x).", (), lang="es") == []


def test_digits_in_urls_are_not_numbers():
    # Issue 12: digits of a link target made a false "number missing" error.
    source = "See [the 2025 report](https://example.org/en/documents/amr53/0203/2025/en/)."
    translation = "Consulte [el informe de 2025](https://example.org/es/documents/amr53/0203/2025/es/)."
    assert check_segment(source, translation, (), lang="es") == []


# --- e-mail addresses --------------------------------------------------------


@pytest.mark.parametrize(
    "translation",
    [
        "Escriba a [la oficina](mailto:ofice@example.org) o a press@example.org.",  # mailto target changed
        "Escriba a [la oficina](mailto:office@example.org) o a prensa@example.org.",  # address in the text changed
    ],
    ids=["mailto", "text"],
)
def test_changed_email_address_is_an_error(translation):
    source = "Write to [the office](mailto:office@example.org) or to press@example.org."
    findings = by_check(check_segment(source, translation, (), lang="es"), "emails")
    assert [f.severity for f in findings] == ["error"]


def test_percent_encoded_mailto_is_the_same_address():
    source = "Write to [the station](mailto:office@example.org?subject=Estaci%C3%B3n%20Austral)."
    translation = "Escriba a [la estación](mailto:office@example.org?subject=Estación Austral)."
    assert check_segment(source, translation, (), lang="es") == []


# --- keep terms --------------------------------------------------------------

KEEP = ("Javier Tarazona", "El Helicoide")


def test_missing_keep_term_is_an_error():
    findings = by_check(
        check_segment(
            "Javier Tarazona is held in El Helicoide.", "Javier Tarasona está recluido en El Helicoide.", KEEP
        ),
        "keep",
    )
    assert [f.severity for f in findings] == ["error"]
    assert "Javier Tarazona" in findings[0].message


def test_kept_terms_pass():
    findings = check_segment(
        "Javier Tarazona is held in El Helicoide.", "Javier Tarazona está recluido en «El Helicoide».", KEEP
    )
    assert by_check(findings, "keep") == []


def test_keep_term_absent_from_the_source_is_not_required():
    assert by_check(check_segment("Release them now.", "Libérenlos ahora.", KEEP), "keep") == []


# --- identical translation ---------------------------------------------------


def test_identical_translation_is_a_warning():
    findings = by_check(
        check_segment("Human rights defenders must be released", "Human rights defenders must be released", ()),
        "identical",
    )
    assert [f.severity for f in findings] == ["warning"]


def test_different_translation_is_not_identical():
    assert (
        by_check(
            check_segment(
                "Human rights defenders must be released", "Las personas defensoras deben quedar en libertad", ()
            ),
            "identical",
        )
        == []
    )


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
    findings = check_segment(
        "They must be **released** *now* [here](https://example.org).",
        "Deben ser **liberados** *ya* [aquí](https://example.org).",
        (),
    )
    assert by_check(findings, "markdown") == []


@pytest.mark.parametrize(
    "translation",
    [
        "Deben ser **liberados ya.",  # unbalanced strong: printed as "**liberados"
        "Deben ser *liberados* ya.",  # strong became emphasis
        "Deben ser liberados ya.",  # strong dropped
        "Deben ser **liberados** *ya*.",  # emphasis added
    ],
    ids=["unbalanced", "kind", "dropped", "added"],
)
def test_markdown_structure_unlike_the_source_is_an_error(translation):
    # Issue 12: "**ponga en libertad…" was published literally and the checklist said "ready".
    findings = by_check(check_segment("They must be **released** now.", translation, ()), "markdown")
    assert [f.severity for f in findings] == ["error"]


# --- end punctuation ---------------------------------------------------------


def test_end_punctuation_mismatch_is_a_warning():
    findings = by_check(check_segment("Release them.", "Libérenlos", ()), "punctuation")
    assert [f.severity for f in findings] == ["warning"]
    findings = by_check(check_segment("Ms Delcy Rodríguez,", "Sra. Delcy Rodríguez.", ()), "punctuation")
    assert [f.severity for f in findings] == ["warning"]


@pytest.mark.parametrize(
    "source, translation",
    [
        ("Release them.", "Libérenlos."),
        ("Ms Delcy Rodríguez,", "السيدة ديلسي رودريغيز،"),  # Arabic comma counts as ","
        ("Why?", "¿لماذا؟"),  # Arabic question mark counts as "?"
        ('He called it "a significant number."', "Il a parlé d’« un nombre important. »"),  # closing guillemet
        ('They said "free them."', "Dijeron “libérenlos.”"),  # closing curly quote
        ("Free them (now).", "Libérenlos (ya)."),
    ],
    ids=["period", "arabic-comma", "arabic-question", "guillemet", "curly-quote", "parenthesis"],
)
def test_matching_end_punctuation_passes(source, translation):
    assert by_check(check_segment(source, translation, ()), "punctuation") == []


# --- white space -------------------------------------------------------------


@pytest.mark.parametrize(
    "translation", [" Libérenlos.", "Libérenlos. ", "Libérenlos.\n"], ids=["leading", "trailing", "newline"]
)
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
    assert (
        by_check(
            check_segment("Yours sincerely,", "Le saludamos muy atentamente y con toda consideración,", ()), "length"
        )
        == []
    )
    assert by_check(check_segment("Acting President of the Republic", "Presidenta", ()), "length") == []


def test_doubled_space_inside_is_a_warning_but_a_hard_break_is_not():
    findings = by_check(check_segment("Release them now.", "Libérenlos  ya.", ()), "whitespace")
    assert [f.severity for f in findings] == ["warning"]
    assert by_check(check_segment("Release them  \nnow.", "Libérenlos  \nya.", ()), "whitespace") == []


# --- locale numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    "lang, translation, finding",
    [
        ("es", "Más de 2.000 personas y 7,9 millones.", None),
        ("es", "Más de 2000 personas y 7,9 millones.", None),
        ("es", "Más de 2,000 personas y 7,9 millones.", "locale-numbers"),  # reads as two in Spanish
        ("es", "Más de 2.000 personas y 7.9 millones.", "locale-numbers"),
        ("es", "Más de 2.000 personas y 7,3 millones.", "numbers"),  # a real change
        ("fr", "Plus de 2\u202f000 personnes et 7,9 millions.", None),
        ("fr", "Plus de 2,000 personnes et 7,9 millions.", "locale-numbers"),
        ("ar", "أكثر من 2,000 شخص و7.9 مليون.", None),
        ("ar", "أكثر من ٢٬٠٠٠ شخص و٧٫٩ مليون.", None),
    ],
    ids=["es", "es-ungrouped", "es-comma", "es-decimal-dot", "es-changed", "fr", "fr-comma", "ar", "ar-indic"],
)
def test_numbers_follow_the_locale(lang, translation, finding):
    findings = [
        f
        for f in check_segment("Over 2,000 people and 7.9 million.", translation, (), lang=lang)
        if f.check in ("numbers", "locale-numbers")
    ]
    assert [f.check for f in findings] == ([finding] if finding else [])


# --- keep terms counted ------------------------------------------------------


def test_keep_terms_are_counted_not_just_present():
    # Issue 12: a second "El Helicoide" changed passed.
    source = "Held in El Helicoide, then moved from El Helicoide."
    findings = by_check(check_segment(source, "Recluido en El Helicoide y trasladado desde Helicoide.", KEEP), "keep")
    assert [f.severity for f in findings] == ["error"]
    assert "2" in findings[0].message and "1" in findings[0].message


def test_arabic_prefix_glued_to_a_name_passes():
    source = "Rocío San Miguel and Carlos Julio Rojas were released."
    translation = "أُفرج عن Rocío San Miguel وCarlos Julio Rojas."
    assert check_segment(source, translation, ("Rocío San Miguel", "Carlos Julio Rojas"), lang="ar") == []


# --- sentences and source-language text --------------------------------------


def test_dropped_sentence_is_a_warning():
    source = "They were released. The charges remain. Three others are still detained."
    findings = by_check(
        check_segment(source, "Fueron excarcelados. Otros tres siguen detenidos.", (), lang="es"), "sentences"
    )
    assert [f.severity for f in findings] == ["warning"]


def test_abbreviations_do_not_split_sentences():
    source = "Write to Ms Rodríguez at Av. Urdaneta. Ask for their release."
    translation = "Escriba a la Sra. Rodríguez en la Av. Urdaneta. Pida su liberación."
    assert check_segment(source, translation, (), lang="es") == []


@pytest.mark.parametrize(
    "lang, translation",
    [
        ("es", "Fueron excarcelados en enero. The charges against both have reportedly not been dropped."),
        ("fr", "Ils ont été libérés en janvier. The charges against both have reportedly not been dropped."),
        ("ar", "أُفرج عنهم في يناير. The charges against both have reportedly not been dropped."),
        ("es", "Fueron excarcelados en enero. This is the text of another paragraph that was pasted here by mistake."),
    ],
    ids=["es", "fr", "ar", "from-elsewhere"],
)
def test_source_language_text_left_in_is_a_warning(lang, translation):
    source = "They were released in January. The charges against both have reportedly not been dropped."
    findings = by_check(check_segment(source, translation, (), lang=lang), "untranslated")
    assert [f.severity for f in findings] == ["warning"]


# --- ids, fixes --------------------------------------------------------------


def test_every_finding_has_a_fix_and_a_stable_id():
    first = check_segment("Over 2,000 people.", "Más de 20.000 personas", (), lang="es")
    again = check_segment("Over 2,000 people.", "Más de 20.000 personas", (), lang="es")
    assert first and all(f.fix and f.id.startswith(f.check + "-") for f in first)
    assert [f.id for f in first] == [f.id for f in again]
    assert len({f.id for f in first}) == len(first)
