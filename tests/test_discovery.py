"""Discovery through real entry points: broken plugins skipped, fresh installs seen."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gateway_plugins import ENTRY_POINT_GROUP, PluginManager

GATEWAY_SOURCE = """
from gateway_plugins import (GatewayConfig, GatewayInfo, GatewayResponse, TransactionKind,
                             hookimpl)

class Plugin:
    @hookimpl
    def gateway_info(self):
        return GatewayInfo(id={gateway_id!r}, name="Test",
                           default_config=GatewayConfig(gateway_name="Test",
                                                        supported_currencies="USD"))

    @hookimpl
    def process_payment(self, payment_information, previous_value):
        return GatewayResponse.success(payment_information, TransactionKind.CAPTURE, "t")
"""

_unique = itertools.count()


class Site:
    """A folder on sys.path holding modules and the dist-info that publish them."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def publish(self, source: str, attr: str = "Plugin", name: str | None = None) -> str:
        """Write ``source`` as a new module and publish ``module:attr`` as an entry point."""
        module = f"gp_test_plugin_{next(_unique)}"
        name = name or module
        (self.root / f"{module}.py").write_text(textwrap.dedent(source))
        info = self.root / f"{module}-1.2.3.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.2.3\n")
        target = f"{module}:{attr}" if attr else module
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{name} = {target}\n")
        return name


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    monkeypatch.syspath_prepend(str(tmp_path))
    return Site(tmp_path)


def gateway(gateway_id: str) -> str:
    return GATEWAY_SOURCE.format(gateway_id=gateway_id)


def test_an_entry_point_plugin_is_registered_with_its_distribution(site: Site) -> None:
    name = site.publish(gateway("gw-ok"))

    manager = PluginManager()

    record = next(p for p in manager.plugins if p.name == name)
    assert record.gateway is not None and record.gateway.id == "gw-ok"
    assert (record.distribution, record.version) == (name, "1.2.3")
    assert "gw-ok" in {g.id for g in manager.list_gateways("USD")}


@pytest.mark.parametrize(
    ("source", "attr", "stage", "reason"),
    [
        ("import not_a_module_anywhere\n", "Plugin", "import", "ModuleNotFoundError"),
        ("assert False, 'broken at import'\n", "Plugin", "import", "broken at import"),
        ("class Plugin:\n    def __init__(self):\n        raise OSError('no disk')\n",
         "Plugin", "instantiate", "OSError: no disk"),
        ("from gateway_plugins import hookimpl\nclass Plugin:\n    @hookimpl\n"
         "    def authorize(self, payment_information, previous_value=None): pass\n",
         "Plugin", "validate", "must not have default values"),
        (gateway("gw-twin"), "Missing", "import", "Missing"),
    ],
    ids=["import-error", "assertion-at-import", "instantiate", "validate", "missing-attr"],
)  # fmt: skip
def test_a_broken_plugin_is_skipped_and_recorded(
    site: Site, source: str, attr: str, stage: str, reason: str
) -> None:
    good = site.publish(gateway("gw-good"))
    bad = site.publish(source, attr)

    manager = PluginManager()

    broken = {b.name: b for b in manager.broken_plugins}
    assert bad in broken, "the broken plugin is recorded"
    assert broken[bad].stage == stage and reason in broken[bad].reason
    assert broken[bad].distribution == bad and broken[bad].version == "1.2.3"
    assert good in {p.name for p in manager.plugins}, "the good one still loads"


def test_a_second_gateway_with_the_same_id_is_recorded_as_broken(site: Site) -> None:
    twins = {site.publish(gateway("gw-same")), site.publish(gateway("gw-same"))}

    manager = PluginManager()

    # Directory order decides which twin comes first; exactly one is refused.
    refused = [b for b in manager.broken_plugins if b.name in twins]
    assert len(refused) == 1 and "gateway id 'gw-same' is already provided" in refused[0].reason
    assert [g.id for g in manager.list_gateways()].count("gw-same") == 1


def test_an_entry_point_may_name_a_module_or_a_factory(site: Site) -> None:
    module_level = """
    from gateway_plugins import GatewayConfig, GatewayInfo, hookimpl
    from gateway_plugins import GatewayResponse, TransactionKind

    @hookimpl
    def gateway_info():
        return GatewayInfo(id="gw-module", name="M",
                           default_config=GatewayConfig(gateway_name="M",
                                                        supported_currencies="EUR"))

    @hookimpl
    def process_payment(payment_information, previous_value):
        return GatewayResponse.success(payment_information, TransactionKind.CAPTURE, "m")
    """
    site.publish(module_level, attr="")  # an entry point naming just the module
    site.publish(gateway("gw-factory") + "\ndef make():\n    return Plugin()\n", attr="make")

    ids = {g.id for g in PluginManager().list_gateways()}

    assert {"gw-module", "gw-factory"} <= ids


def test_discover_false_loads_nothing(site: Site) -> None:
    site.publish(gateway("gw-ignored"))

    assert PluginManager(discover=False).plugins == []


# -- A real install, seen by the very next process -----------------------------

PROBE = (
    "from gateway_plugins import PluginManager; "
    "print(','.join(sorted(g.id for g in PluginManager().list_gateways())))"
)


def _probe(env: dict[str, str]) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return set(out.stdout.strip().split(","))


def test_a_plugin_installed_a_moment_ago_is_found_by_the_next_process(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "gp_fresh_plugin").mkdir(parents=True)
    (project / "gp_fresh_plugin" / "__init__.py").write_text(gateway("gw-fresh"))
    (project / "pyproject.toml").write_text(
        textwrap.dedent(f"""
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [project]
        name = "gp-fresh-plugin"
        version = "0.0.1"

        [project.entry-points."{ENTRY_POINT_GROUP}"]
        fresh = "gp_fresh_plugin:Plugin"
        """)
    )
    target = tmp_path / "site"
    target.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")]),
        # stevedore's on-disk cache lives here: isolate it, and let it be written.
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    assert "gw-fresh" not in _probe(env)  # also primes any entry-point cache

    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
         "--no-build-isolation", "--target", str(target), str(project)],
        check=True, capture_output=True,
    )  # fmt: skip

    assert "gw-fresh" in _probe(env)
