"""Shopper messages in the shopper's language: per call, through a real manager and gateway."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from gateway_plugins_dummy import DummyGatewayPlugin
from gateway_plugins_dummy.tokens import DECLINE_TOKENS, DECLINED
from pydantic import ValidationError

from gateway_plugins import ErrorCode, GatewayResponse, PaymentData, PluginManager, TransactionKind
from gateway_plugins.catalog_tools import PACKAGE_DIR, catalog_files, catalog_problems
from gateway_plugins.i18n import (
    CATALOGS,
    Catalogs,
    available_languages,
    locale_candidates,
    resolve_language,
    translate,
)
from gateway_plugins.po import compile_po, mo_catalog, parse_po, read_mo
from tests.plugins import FakeGateway

SHIPPED = ("de", "es", "fr", "it", "pl")

#: The decline message as a shopper in each market should read it (formal or impersonal).
DECLINED_IN = {
    "de": "Ihre Karte wurde abgelehnt.",
    "fr": "Votre carte a été refusée.",
    "es": "Su tarjeta ha sido rechazada.",
    "it": "La carta è stata rifiutata.",
    "pl": "Karta została odrzucona.",
}


def po_translations(language: str) -> dict[str, str]:
    """msgid → msgstr as written in the language's .po (the source the .mo must match)."""
    path = PACKAGE_DIR / "locale" / language / "LC_MESSAGES" / "gateway_plugins.po"
    return {entry.msgid: entry.msgstr[0] for entry in parse_po(path.read_text("utf-8"))}


def pay(token: str = DECLINED, **fields: object) -> PaymentData:
    return PaymentData(gateway="dummy", amount="10.00", currency="USD", token=token, **fields)


@pytest.fixture
def manager() -> PluginManager:
    manager = PluginManager(discover=False)
    manager.register(DummyGatewayPlugin(), "dummy")
    return manager


# -- Per call, through the manager ----------------------------------------------


@pytest.mark.parametrize("language", SHIPPED)
def test_the_dummy_decline_token_is_declined_in_the_shoppers_language(
    manager: PluginManager, language: str
) -> None:
    response = manager.authorize(pay(language_code=language))

    assert response.error_code is ErrorCode.DECLINED
    assert response.error == DECLINED_IN[language]
    assert response.psp_error_code == "card_declined"  # the raw values stay as the PSP said


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_code_has_its_translated_message(
    manager: PluginManager, language: str, code: ErrorCode
) -> None:
    response = manager.authorize(pay(DECLINE_TOKENS[code], language_code=language))

    assert response.error_code is code
    assert response.error == po_translations(language)[code.user_message]
    assert response.error != code.user_message
    assert code.user_message_in(language) == response.error


@pytest.mark.parametrize("language", [None, "en", "en-GB", "EN_us"])
def test_english_is_the_default(manager: PluginManager, language: str | None) -> None:
    response = manager.authorize(pay(language_code=language))

    assert response.error == "Your card was declined."


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("de-CH", "Ihre Karte wurde abgelehnt."),
        ("de_AT", "Ihre Karte wurde abgelehnt."),
        ("DE", "Ihre Karte wurde abgelehnt."),
        ("fr-CA", "Votre carte a été refusée."),
        ("es-419", "Su tarjeta ha sido rechazada."),
        ("it-Latn-CH", "La carta è stata rifiutata."),
        ("pt-BR", "Your card was declined."),  # no Portuguese: English
        ("zh-Hant-TW", "Your card was declined."),
        ("tlh", "Your card was declined."),
    ],
)
def test_a_regional_or_unknown_language_falls_back(
    manager: PluginManager, tag: str, expected: str
) -> None:
    assert manager.authorize(pay(language_code=tag)).error == expected


def test_a_success_carries_no_message_in_any_language(manager: PluginManager) -> None:
    response = manager.authorize(pay("4111111111111111", language_code="de"))

    assert response.is_success and response.error is None


def test_an_explicit_error_from_the_plugin_wins() -> None:
    payment = pay(language_code="de")

    response = GatewayResponse.failure(
        payment,
        TransactionKind.AUTH,
        ErrorCode.DECLINED,
        error="Bitte nutzen Sie eine andere Karte.",
    )

    assert response.error == "Bitte nutzen Sie eine andere Karte."


def test_a_crashing_plugin_gives_the_shopper_a_generic_message_in_their_language() -> None:
    def explode(payment: PaymentData) -> None:
        raise RuntimeError("bug in the plugin")

    manager = PluginManager(discover=False)
    manager.register(FakeGateway(authorize=explode), "fake")

    response = manager.authorize(
        PaymentData(gateway="fake", amount="10.00", currency="USD", language_code="fr")
    )

    assert response.error_code is ErrorCode.PROCESSING_ERROR
    # It may have charged before it crashed: the shopper must not be told to pay again.
    assert response.error == (
        "Nous n'avons pas pu confirmer votre paiement. "
        "Veuillez vérifier votre commande avant de payer à nouveau."
    )
    assert "'fake'" in (response.psp_error_message or "")  # the plugin is named for developers


# -- The language tag -------------------------------------------------------------


@pytest.mark.parametrize("tag", ["de", "de-DE", "de_CH", "pt-BR", "zh-Hant-TW", "es-419", "EN"])
def test_language_tags_are_accepted_as_given(tag: str) -> None:
    assert pay(language_code=tag).language_code == tag


@pytest.mark.parametrize(
    "tag", ["", "d", "de DE", "de-", "-de", "de.UTF-8", "de;q=0.9", "12", "de-" + "x" * 9, "x" * 40]
)
def test_a_malformed_language_tag_is_rejected_naming_the_field(tag: str) -> None:
    with pytest.raises(ValidationError) as caught:
        pay(language_code=tag)

    (error,) = caught.value.errors()
    assert error["loc"] == ("language_code",)
    assert "must be a language tag" in error["msg"]


@pytest.mark.parametrize(
    ("tag", "candidates"),
    [
        ("de", ("de",)),
        ("DE-ch", ("de_CH", "de")),
        ("de_CH", ("de_CH", "de")),
        ("zh-Hant-TW", ("zh_TW", "zh")),
        ("es-419", ("es_419", "es")),
        ("sl-rozaj", ("sl",)),
        ("en-GB-oxendict", ("en_GB", "en")),
        ("not a tag", ()),
    ],
)
def test_locale_candidates(tag: str, candidates: tuple[str, ...]) -> None:
    assert locale_candidates(tag) == candidates


def test_resolve_language_names_the_catalog_used() -> None:
    assert [resolve_language(tag) for tag in ("de-AT", "pl", "pt-BR", None, "??")] == [
        "de",
        "pl",
        "en",
        "en",
        "en",
    ]


def test_the_shipped_languages() -> None:
    assert set(available_languages()) >= {"en", *SHIPPED}
    assert translate("Your card was declined.", "de") == "Ihre Karte wurde abgelehnt."
    assert translate("A text no catalog has.", "de") == "A text no catalog has."


# -- The catalog cache -----------------------------------------------------------


def first_use_by_many_threads(catalogs: Catalogs, tags: list[str]) -> list[object]:
    """Each thread asks ``catalogs`` for one of ``tags`` at the same moment; their answers."""
    start = threading.Barrier(len(tags))
    seen: list[object] = []

    def first_use(tag: str) -> None:
        start.wait()
        translation = catalogs.translation(tag)
        if translation.gettext("Your card was declined.") == "Ihre Karte wurde abgelehnt.":
            seen.append(translation)

    threads = [threading.Thread(target=first_use, args=(tag,)) for tag in tags]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


def test_threads_share_one_catalog_loaded_once() -> None:
    # Many rounds, each on a cold cache with all threads starting together: a
    # cache without its lock hands out two objects for one language within a few.
    for _ in range(30):
        catalogs = Catalogs()

        seen = first_use_by_many_threads(catalogs, ["de", "de-CH", "DE_at"] * 4)

        assert len(seen) == 12
        assert len({id(translation) for translation in seen}) == 1
        assert catalogs.translation("de") is seen[0]


def write_package(root: Path, name: str, catalogs: dict[str, str]) -> None:
    """A package ``name`` under ``root`` with one compiled catalog per language."""
    for language, po in catalogs.items():
        folder = root / name / "locale" / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "gateway_plugins.mo").write_bytes(compile_po(po))
    (root / name / "__init__.py").write_text("")


def po(language: str, *pairs: tuple[str, str]) -> str:
    header = (
        f'msgid ""\nmsgstr "Language: {language}\\nContent-Type: text/plain; charset=UTF-8\\n"\n'
    )
    return header + "".join(f'\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n' for msgid, msgstr in pairs)


def test_a_regional_catalog_falls_back_to_its_base_then_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_package(
        tmp_path,
        "regional_catalogs",
        {
            "de": po("de", ("Postal code", "Postleitzahl"), ("Bag", "Tüte")),
            "de_CH": po("de_CH", ("Postal code", "PLZ")),
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    catalogs = Catalogs("regional_catalogs")

    assert catalogs.languages == {"de", "de_CH"}
    assert catalogs.gettext("Postal code", "de-CH") == "PLZ"
    assert catalogs.gettext("Bag", "de-CH") == "Tüte"  # from de
    assert catalogs.gettext("Cart", "de-CH") == "Cart"  # from nowhere: English
    assert catalogs.gettext("Postal code", "de-AT") == "Postleitzahl"


def test_an_unreadable_catalog_gives_english_and_a_log_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    write_package(tmp_path, "broken_catalogs", {"fr": po("fr", ("Card", "Carte"))})
    (tmp_path / "broken_catalogs/locale/fr/LC_MESSAGES/gateway_plugins.mo").write_bytes(b"junk")
    monkeypatch.syspath_prepend(str(tmp_path))

    with caplog.at_level(logging.ERROR, logger="gateway_plugins.i18n"):
        text = Catalogs("broken_catalogs").gettext("Card", "fr")

    assert text == "Card"
    assert "fr/gateway_plugins unreadable" in caplog.text


# -- The shipped catalogs ----------------------------------------------------------


def test_the_catalogs_are_complete_and_compiled() -> None:
    assert catalog_problems() == []


def test_every_language_ships_a_po_and_its_mo() -> None:
    languages = {path.parent.parent.name for path in catalog_files()}
    assert languages >= set(SHIPPED)
    assert CATALOGS.languages == languages


@pytest.mark.parametrize("path", catalog_files(), ids=lambda path: path.parent.parent.name)
def test_each_mo_is_compiled_from_its_current_po(path: Path) -> None:
    compiled = read_mo(path.with_suffix(".mo").read_bytes())

    assert compiled == mo_catalog(parse_po(path.read_text("utf-8"))), (
        f"{path.with_suffix('.mo')} is stale: run python -m gateway_plugins.i18n compile"
    )


def test_the_wheel_packs_every_catalog() -> None:
    from hatchling.builders.wheel import WheelBuilder

    packed = {
        item.distribution_path
        for item in WheelBuilder(str(PACKAGE_DIR.parent)).recurse_included_files()
    }

    for path in catalog_files():
        for suffix in (".po", ".mo"):
            assert path.with_suffix(suffix).relative_to(PACKAGE_DIR.parent).as_posix() in packed
    assert "gateway_plugins/locale/gateway_plugins.pot" in packed


def test_the_check_command_passes_on_the_shipped_catalogs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway_plugins.i18n", "check"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
