"""The standard-library gettext toolchain: PO parsing, MO writing, and the catalog checks."""

from __future__ import annotations

import gettext
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway_plugins.catalog_tools import catalog_problems, compile_catalogs, main
from gateway_plugins.po import PoError, compile_po, parse_po, read_mo, unquote

SAMPLE = r"""# A translator's note
msgid ""
msgstr ""
"Language: de\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#. a comment for translators
#: somewhere.py
msgid "Your card was declined."
msgstr "Ihre Karte wurde "
"abgelehnt."

msgid "Say \"no\"\tplease\\"
msgstr "Sag \"nein\"\tbitte\\ \303\244"

msgctxt "button"
msgid "Pay"
msgstr "Bezahlen"

msgid "One card"
msgid_plural "%d cards"
msgstr[0] "Eine Karte"
msgstr[1] "%d Karten"

#, fuzzy
msgid "Guessed"
msgstr "Geraten"

msgid "Not yet"
msgstr ""

#~ msgid "Gone"
#~ msgstr "Weg"
"""


def translations(mo: bytes) -> gettext.GNUTranslations:
    return gettext.GNUTranslations(io.BytesIO(mo))


def test_the_compiled_catalog_reads_back_with_the_standard_library() -> None:
    catalog = translations(compile_po(SAMPLE))

    assert catalog.gettext("Your card was declined.") == "Ihre Karte wurde abgelehnt."
    assert catalog.gettext('Say "no"\tplease\\') == 'Sag "nein"\tbitte\\ ä'
    assert catalog.pgettext("button", "Pay") == "Bezahlen"
    assert catalog.gettext("Pay") == "Pay"  # the context is part of the key
    assert [catalog.ngettext("One card", "%d cards", n) for n in (1, 2)] == [
        "Eine Karte",
        "%d Karten",
    ]
    assert catalog.info()["language"] == "de"


def test_fuzzy_untranslated_and_obsolete_entries_stay_out() -> None:
    catalog = translations(compile_po(SAMPLE))

    assert catalog.gettext("Guessed") == "Guessed"
    assert catalog.gettext("Not yet") == "Not yet"
    assert catalog.gettext("Gone") == "Gone"
    assert len(read_mo(compile_po(SAMPLE))) == 5  # header and four translations


def test_entries_keep_their_flags_comments_and_lines() -> None:
    entries = {entry.msgid: entry for entry in parse_po(SAMPLE)}

    assert entries["Guessed"].fuzzy and not entries["Guessed"].translated
    assert entries["Your card was declined."].comments == ("a comment for translators",)
    assert entries["Your card was declined."].line == 10
    assert entries["Pay"].key == "button\x04Pay"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_the_compiler_agrees_with_gnu_msgfmt(tmp_path: Path) -> None:
    source = tmp_path / "sample.po"
    source.write_text(SAMPLE, encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(tmp_path / "gnu.mo"), str(source)], check=True)

    assert read_mo((tmp_path / "gnu.mo").read_bytes()) == read_mo(compile_po(SAMPLE))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('msgid "a"\nmsgstr "b\\q"\n', r"x.po:2: unknown escape \\q"),
        ('msgid "a"\nmsgstr "b"c"\n', 'x.po:2: unescaped "'),
        ('"orphan"\n', "x.po:1: a string with no keyword"),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', "x.po:4: duplicate message"),
        ('msgid "a"\nmsgstr[0] "b"\n', "a singular entry needs exactly one msgstr"),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr[1] "b"\n', "a plural entry needs msgstr"),
        ('msgid "a"\nmsgstring "b"\n', "x.po:2: expected msgctxt, msgid"),
        ('msgid "a"\nmsgstr "\\377"\n', "x.po:2: escapes that are not UTF-8"),
    ],
)
def test_a_malformed_po_names_the_file_line_and_problem(text: str, problem: str) -> None:
    with pytest.raises(PoError, match=problem):
        parse_po(text, "x.po")


def test_unquote_rejects_a_bare_word() -> None:
    with pytest.raises(PoError, match="double quotes"):
        unquote("abc")


def test_read_mo_rejects_junk() -> None:
    with pytest.raises(PoError, match="bad magic number"):
        read_mo(b"not a catalog at all")


# -- The checks, on a package made for the test -------------------------------------

GOOD_PO = """msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Hello."
msgstr "Bonjour."

msgid "Pay %(amount)s."
msgstr "Payez %(amount)s."
"""


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A package with two marked messages, its template and a compiled French catalog."""
    root = tmp_path / "shop"
    root.mkdir()
    (root / "texts.py").write_text(
        "from gateway_plugins.i18n import N_\n"
        'GREETINGS = {"hello": N_("Hello."), "pay": N_("Pay %(amount)s.")}\n'
    )
    folder = root / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "gateway_plugins.po").write_text(GOOD_PO, encoding="utf-8")
    assert main(["extract", "--package-dir", str(root)]) == 0
    assert main(["compile", "--package-dir", str(root)]) == 0
    return root


def po_path(package: Path) -> Path:
    return package / "locale" / "fr" / "LC_MESSAGES" / "gateway_plugins.po"


def test_a_sound_package_has_no_problems(package: Path) -> None:
    assert catalog_problems(package) == []
    assert (
        "#. 'hello'\n#: shop/texts.py\nmsgid \"Hello.\""
        in (package / "locale" / "gateway_plugins.pot").read_text()
    )
    assert compile_catalogs(package) == []  # nothing to rewrite


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('msgstr "Bonjour."', 'msgstr "Salut."', "gateway_plugins.mo: stale or missing"),
        ('\nmsgid "Hello."', '\n#, fuzzy\nmsgid "Hello."', "fuzzy translation of 'Hello.'"),
        ('msgstr "Bonjour."', 'msgstr ""', "'Hello.' is not translated"),
        ('msgid "Hello."\nmsgstr "Bonjour."\n', "", "no entry for 'Hello.'"),
        ("Payez %(amount)s.", "Payez.", "placeholders differ from 'Pay %(amount)s.'"),
        (
            'msgstr "Bonjour."',
            'msgstr "Bonjour."\n\nmsgid "Bye."\nmsgstr "Salut."',
            "'Bye.' is not in the code",
        ),
        ("Language: fr", "Language: de", "the Language header must be 'fr'"),
        ("charset=UTF-8", "charset=ISO-8859-1", "charset=UTF-8"),
        ('msgid "Hello."', 'msgid "Hello.', "expected a string in double quotes"),
    ],
)
def test_each_catalog_problem_is_found(package: Path, old: str, new: str, problem: str) -> None:
    path = po_path(package)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")

    problems = catalog_problems(package)

    assert any(problem in line for line in problems), problems


def test_a_new_message_in_the_code_makes_the_template_and_catalogs_incomplete(
    package: Path,
) -> None:
    (package / "more.py").write_text('from gateway_plugins.i18n import N_\nBYE = N_("Bye.")\n')

    problems = catalog_problems(package)

    assert any("gateway_plugins.pot: stale" in line for line in problems)
    assert any("no entry for 'Bye.'" in line for line in problems)


def test_a_marker_without_a_literal_is_refused(package: Path) -> None:
    (package / "more.py").write_text("from gateway_plugins.i18n import N_\nBYE = N_(name)\n")

    with pytest.raises(ValueError, match=r"shop/more.py:2: N_\(\) takes one string literal"):
        catalog_problems(package)


def test_compile_then_check_through_the_command(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = po_path(package)
    path.write_text(path.read_text().replace("Bonjour.", "Salut."), encoding="utf-8")
    assert main(["check", "--package-dir", str(package)]) == 1
    assert "stale or missing" in capsys.readouterr().out

    assert main(["compile", "--package-dir", str(package)]) == 0
    assert main(["check", "--package-dir", str(package)]) == 0
    assert (
        gettext.GNUTranslations(io.BytesIO(path.with_suffix(".mo").read_bytes())).gettext("Hello.")
        == "Salut."
    )
