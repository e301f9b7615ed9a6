"""Random command lines: every one ends in a documented exit status, never a traceback,
and never shows a card number that was on it.

Hypothesis builds argument lists for each command from real option names and
values that mix good input, nonsense and card numbers (bare, grouped, glued to
other text). A fixed number of derandomized examples keeps the run short and the
same on every machine.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from contextlib import redirect_stderr, redirect_stdout

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gateway_plugins import GatewayConfig, PluginManager
from gateway_plugins.cli import main
from tests.cli_gateways import (
    CARD_3DS,
    CARD_DECLINED,
    ECHOED_TOKEN,
    TOKEN_EXPONENT,
    TOKEN_UNKNOWN,
    TOKEN_UNKNOWN_NO_KEY,
    make_manager,
)

#: Test card numbers (Luhn-valid) of 14 to 19 digits.
CARDS = [
    "4111111111111111",
    "4000000000000002",
    "5555555555554444",
    "378282246310005",
    "6011111111111117",
    "30569309025904",
    "4222222222222220",
    "6304000000000000",
    "4000000000003220",
]
COMMANDS = ["list", "pay", "capture", "refund", "void", "confirm"]
OPTIONS = [
    "--gateway", "--amount", "--currency", "--token", "--reference", "--json",
    "--authorize-only", "--idempotency-key", "--data", "--data-json", "--config", "-v",
    "--verbose", "--gateway=", "--amount=", "--token=", "--tok", "--ref", "--", "-",
]  # fmt: skip
GATEWAYS = ["cli", "minimal", "off", "dummy", "nope", "", " "]
AMOUNTS = ["10.00", "1", "0", "-5", "1e3", "1E-2", "nan", "Infinity", "10.5", "0.001",
           "99999999999999999999999", "1_000", "+3", "٣", "10,50"]  # fmt: skip
CURRENCIES = ["USD", "usd", "JPY", "KWD", "EUR", "XAU", "XYZ", "", "US"]
TOKENS = [CARD_3DS, CARD_DECLINED, ECHOED_TOKEN, TOKEN_EXPONENT, TOKEN_UNKNOWN,
          TOKEN_UNKNOWN_NO_KEY, "", "pm_card_visa"]  # fmt: skip
DATA = ["k=v", "three_d_secure_result=failed", "=", "novalue", '{"a": 1}', "[1]", "{", "null"]


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    """A card number as people and programs write it: bare, grouped, or glued to text."""
    card = draw(st.sampled_from(CARDS))
    separator = draw(st.sampled_from(["", " ", "-"]))
    if separator:
        card = separator.join(card[i : i + 4] for i in range(0, len(card), 4))
    prefix = draw(st.sampled_from(["", "x", "card:", "--gateway=", "=", "0"]))
    suffix = draw(st.sampled_from(["", "x", " 12/30", "=1"]))
    return prefix + card + suffix


def values(configs: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(GATEWAYS + AMOUNTS + CURRENCIES + TOKENS + DATA + configs),
        card_numbers(),
        st.text(max_size=12),
    )


def usual(common: list[str], configs: list[str]) -> st.SearchStrategy[str]:
    """Mostly a good value, one time in ten anything."""
    return mostly().flatmap(lambda good: st.sampled_from(common) if good else values(configs))


def mostly() -> st.SearchStrategy[bool]:
    """True nine times in ten (True first: examples shrink towards it)."""
    return st.sampled_from([True] * 9 + [False])


#: Each command's options and the values they usually get.
REQUIRED = {
    "--gateway": ["cli", "cli", "cli", "dummy", "minimal", "off"],
    "--amount": ["10.00", "1", "1000", "5", "0.5", "1e3"],
    "--currency": ["USD", "USD", "USD", "JPY", "EUR"],
}
FLAGS = {
    "list": ["--json"],
    "pay": ["--json", "--authorize-only"],
    "capture": ["--json"],
    "refund": ["--json"],
    "void": ["--json"],
    "confirm": ["--json"],
}


@st.composite
def well_formed(draw: st.DrawFn, command: str, configs: list[str]) -> list[str]:
    """A command line that is mostly right: the options it needs, shuffled, a few wrong."""
    pairs: list[list[str]] = []
    if command != "list":
        options = dict(REQUIRED)
        if command == "pay":
            options["--token"] = [*TOKENS, "4111111111111111"]
        else:
            options["--reference"] = [*TOKENS[:6], "dummy_ref", "t-1"]
        for option, common in options.items():
            if draw(mostly()):  # one time in ten, leave it out
                pairs.append([option, draw(usual(common, configs))])
        if command == "confirm" and draw(st.booleans()):
            pairs.append(
                [draw(st.sampled_from(["--data", "--data-json"])), draw(usual(DATA, configs))]
            )
        if draw(st.booleans()):
            pairs.append(["--idempotency-key", draw(usual(["k-1", "order:7"], configs))])
    pairs += [[flag] for flag in FLAGS[command] if draw(st.booleans())]
    if not draw(mostly()):  # one time in ten, a stray word
        pairs.append([draw(values(configs))])
    order = draw(st.permutations(range(len(pairs))))
    heads = [[], [], [], ["-v"], ["--config", configs[0]], ["--config", configs[0]]]
    head = draw(
        st.one_of(
            st.sampled_from(heads), st.sampled_from(configs).map(lambda path: ["--config", path])
        )
    )
    return [*head, command, *(word for index in order for word in pairs[index])]


def anything(command: str, configs: list[str]) -> st.SearchStrategy[list[str]]:
    """Any words after the command: option names and values in any order."""
    words = st.lists(st.one_of(st.sampled_from(OPTIONS), values(configs)), max_size=14)
    head = st.sampled_from([[], ["-v"], *[["--config", c] for c in configs]])
    return st.builds(lambda h, w: [*h, command, *w], head, words)


def argv_for(command: str, configs: list[str]) -> st.SearchStrategy[list[str]]:
    return st.one_of(well_formed(command, configs), well_formed(command, configs),
                     anything(command, configs))  # fmt: skip


@pytest.fixture(scope="module")
def configs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Configuration files: good, broken, naming a secret and a card, and one not there."""
    root = tmp_path_factory.mktemp("fuzz")
    files = {
        "good.toml": '[gateways.cli]\nplugin = "cli-plugin"\nlabel = "CLI"\n',
        "broken.toml": "[gateways.cli\n",
        "problems.toml": (
            '[gateways.cli]\nplugin = "cli-plugin"\n[gateways.cli.configuration]\n'
            'gateway_name = "CLI"\nsupported_currencies = ["USD", "XYZ"]\n'
            '[gateways.minimal.configuration]\ngateway_name = "M"\n'
            'supported_currencies = "EUR"\n'
            'connection_params = { api_key = "${NOT_SET_ANYWHERE}" }\n'
            '[gateways.4111111111111111]\nplugin = "5555555555554444"\n'
        ),
    }
    for name, text in files.items():
        (root / name).write_text(text)
    return [str(root / name) for name in [*files, "missing.toml"]]


def factory(
    *, configs: Mapping[str, GatewayConfig], plugin: str | None = None, gateway: str | None = None
) -> PluginManager:
    """The test gateways, plus the dummy when it is installed, without discovery."""
    manager = make_manager(configs=configs)
    try:
        from gateway_plugins_dummy import DummyGatewayPlugin
    except ImportError:  # pragma: no cover - the dummy is installed for development
        return manager
    manager.register(DummyGatewayPlugin(), "dummy")
    return manager


def planted(argv: list[str]) -> set[str]:
    """The card numbers on ``argv``, bare and as written."""
    found = set()
    for arg in argv:
        for run in re.finditer(r"\d+(?:[ -]\d+)*", arg):
            digits = re.sub(r"[ -]", "", run.group())
            cards = {card for card in CARDS if card in digits}
            if cards:
                found |= cards | {run.group()}
    return found


@pytest.mark.parametrize("command", COMMANDS)
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_command_lines(command: str, configs: list[str], data: st.DataObject) -> None:
    argv = data.draw(argv_for(command, configs), label="argv")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(argv, manager_factory=factory)
    shown = out.getvalue() + err.getvalue()
    event(f"exit status {status}")  # pytest --hypothesis-show-statistics shows the mix
    assert status in (0, 1, 2, 3), shown
    assert "Traceback" not in shown, shown
    for card in planted(argv):
        assert card not in shown, shown


def test_the_planted_cards_are_card_numbers() -> None:
    from gateway_plugins.scrub import luhn_valid

    assert all(luhn_valid(card) and 14 <= len(card) <= 19 for card in CARDS)
