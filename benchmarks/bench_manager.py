"""How much the PluginManager costs: per call, with many gateways, and at start-up.

Run ``python benchmarks/bench_manager.py`` (``--quick`` for a short, noisier run).
Stdlib only; prints medians over several repeats and a PASS/MISS summary, and
always exits 0: it is a report, not a test.

Figures
-------
1. **Manager overhead** (target ≤ 3 µs): ``manager.authorize(payment)`` through
   the dummy gateway minus a direct call of the dummy's implementation,
   ``plugin.authorize(payment_information=payment, previous_value=None)``, with
   the same ``PaymentData`` and the same plugin instance. The dummy replays the
   reply for a repeated idempotency key, so after one warm-up call both sides
   take that cheap replay path and the difference is the manager's own work
   (type and currency checks, the chain, response checks, scrubbing).
2. **Scaling** (target ≤ 1.05): the same ``manager.authorize`` in a manager
   holding the dummy plus 99 other gateway plugins, divided by the time in a
   manager holding only the dummy. A call must not get slower as more gateways
   are installed.
3. **Start-up** (target ≤ 1.2×): 50 generated entry-point plugins (plus the
   installed dummy), each timed in a fresh interpreter from just before the
   work to just after it (interpreter start-up excluded): (a) ``import
   gateway_plugins; PluginManager()``, which discovers, validates and registers
   them all, divided by (b) loading and instantiating the same entry points by
   hand with ``importlib.metadata``. Both sides import ``gateway_plugins`` (the
   plugin modules do), so the ratio is what discovery and registration add.

Figures 1 and 2 alternate their two sides repeat by repeat (A B, B A, …) so
machine noise hits both equally; figure 3 alternates (a) and (b) runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import timeit
from collections.abc import Callable, Sequence
from pathlib import Path

import pluggy
from gateway_plugins_dummy import DummyGatewayPlugin
from gateway_plugins_dummy.tokens import SUCCESS

import gateway_plugins
from gateway_plugins import PaymentData, PluginManager

#: One small gateway plugin, used in code (figure 2) and as a generated module (figure 3).
GATEWAY_SOURCE = """\
from gateway_plugins import GatewayConfig, GatewayInfo, GatewayResponse, TransactionKind, hookimpl

GATEWAY_ID = "bench-{n:02d}"
CONFIG = GatewayConfig(gateway_name="Bench {n:02d}", supported_currencies=("USD", "EUR"))


class Plugin:
    @hookimpl
    def gateway_info(self):
        return GatewayInfo(id=GATEWAY_ID, name="Bench {n:02d}", default_config=CONFIG)

    @hookimpl
    def authorize(self, payment_information, previous_value):
        return GatewayResponse.success(payment_information, TransactionKind.AUTH, GATEWAY_ID)

    @hookimpl
    def process_payment(self, payment_information, previous_value):
        return GatewayResponse.success(payment_information, TransactionKind.CAPTURE, GATEWAY_ID)
"""

#: Timed in a fresh interpreter; each prints "<seconds> <plugins> <broken>".
STARTUP_MANAGER = """\
from time import perf_counter
start = perf_counter()
import gateway_plugins
manager = gateway_plugins.PluginManager()
elapsed = perf_counter() - start
print(elapsed, len(manager.plugins), len(manager.broken_plugins))
"""
STARTUP_BY_HAND = """\
from time import perf_counter
start = perf_counter()
import importlib.metadata
plugins = [ep.load()() for ep in importlib.metadata.entry_points(group="gateway_plugins.gateways")]
elapsed = perf_counter() - start
print(elapsed, len(plugins), 0)
"""


def per_call_us(
    functions: Sequence[Callable[[], object]], repeats: int, budget: float
) -> list[float]:
    """Median µs per call of each function, their repeats interleaved A B, B A, A B …"""
    slowest = max(timeit.timeit(f, number=200) / 200 for f in functions)
    number = max(200, int(budget / slowest))
    samples: list[list[float]] = [[] for _ in functions]
    for repeat in range(repeats):
        order = range(len(functions)) if repeat % 2 == 0 else reversed(range(len(functions)))
        for i in order:
            samples[i].append(timeit.timeit(functions[i], number=number) / number * 1e6)
    return [statistics.median(s) for s in samples]


def dummy_manager(extra_gateways: int = 0) -> tuple[PluginManager, DummyGatewayPlugin]:
    manager = PluginManager(discover=False)
    for n in range(extra_gateways):
        namespace: dict[str, object] = {}
        exec(GATEWAY_SOURCE.format(n=n), namespace)
        manager.register(namespace["Plugin"](), name=f"bench-{n:02d}")  # type: ignore[operator]
    dummy = DummyGatewayPlugin()
    manager.register(dummy, name="dummy")
    return manager, dummy


def new_payment(gateway: str = "dummy") -> PaymentData:
    return PaymentData(gateway=gateway, currency="USD", amount="10.00", token=SUCCESS)


def figure_overhead(repeats: int, budget: float) -> float:
    manager, dummy = dummy_manager()
    payment = new_payment()
    first = manager.authorize(payment)  # charges once; every later call is a replay
    replay = dummy.authorize(payment_information=payment, previous_value=None)
    assert first.is_success and replay.psp_reference == first.psp_reference  # no new charge

    def through_manager() -> object:
        return manager.authorize(payment)

    def direct() -> object:
        return dummy.authorize(payment_information=payment, previous_value=None)

    managed, plain = per_call_us([through_manager, direct], repeats, budget)
    print("1. Manager overhead: authorize through the dummy gateway")
    print("   Both sides repeat one PaymentData (one idempotency key): after a warm-up")
    print("   call the dummy replays its first reply, a cheap path equal on both sides,")
    print("   so the difference is the manager's own cost.")
    print(f"   manager.authorize(payment)        {managed:8.2f} µs")
    print(f"   plugin.authorize(...) directly    {plain:8.2f} µs")
    print(f"   overhead                          {managed - plain:8.2f} µs   (target ≤ 3 µs)\n")
    return managed - plain


def figure_scaling(repeats: int, budget: float) -> float:
    one, _ = dummy_manager()
    many, _ = dummy_manager(extra_gateways=99)
    assert len(many.list_gateways()) == 100
    assert many.authorize(new_payment("bench-42")).transaction_id == "bench-42"
    pay_one, pay_many = new_payment(), new_payment()
    assert one.authorize(pay_one).is_success and many.authorize(pay_many).is_success

    t_one, t_many = per_call_us(
        [lambda: one.authorize(pay_one), lambda: many.authorize(pay_many)], repeats, budget
    )
    print("2. Scaling: manager.authorize through the dummy, 1 vs 100 registered gateways")
    print(f"   1 gateway                         {t_one:8.2f} µs")
    print(f"   100 gateways                      {t_many:8.2f} µs")
    print(f"   ratio 100 / 1                     {t_many / t_one:8.3f}     (target ≤ 1.05)\n")
    return t_many / t_one


def write_entry_point_plugins(site: Path, count: int) -> None:
    """``count`` plugin modules, each with a ``*.dist-info`` publishing it as an entry point."""
    for n in range(count):
        module = f"bench_gateway_{n:02d}"
        (site / f"{module}.py").write_text(GATEWAY_SOURCE.format(n=n))
        dist_info = site / f"{module}-0.1.dist-info"
        dist_info.mkdir()
        name = module.replace("_", "-")
        (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
        (dist_info / "entry_points.txt").write_text(
            f"[gateway_plugins.gateways]\nbench_{n:02d} = {module}:Plugin\n"
        )


def figure_startup(runs: int, plugins: int = 50) -> float:
    with tempfile.TemporaryDirectory(prefix="bench_manager_") as tmp:
        site = Path(tmp, "bench_site")
        site.mkdir()
        write_entry_point_plugins(site, plugins)
        scripts = [Path(tmp, "startup_manager.py"), Path(tmp, "startup_by_hand.py")]
        scripts[0].write_text(STARTUP_MANAGER)
        scripts[1].write_text(STARTUP_BY_HAND)
        path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH")) if p)
        # Bytecode is cached in the temp dir (even under PYTHONDONTWRITEBYTECODE), so
        # after the warm-up no run compiles source and the repository stays untouched.
        env = {**os.environ, "PYTHONPATH": path, "PYTHONPYCACHEPREFIX": str(Path(tmp, "pycache"))}
        env.pop("PYTHONDONTWRITEBYTECODE", None)

        def run(script: Path) -> float:
            out = subprocess.run(
                [sys.executable, str(script)], env=env, cwd=tmp,
                capture_output=True, text=True, check=True,
            ).stdout.split()  # fmt: skip
            seconds, loaded, broken = float(out[0]), int(out[1]), int(out[2])
            # the 50 generated plugins plus the bundled ones installed here
            assert loaded >= plugins + 1 and broken == 0, f"{script.name}: {out}"
            return seconds * 1e3

        for script in scripts:  # warm-up: writes __pycache__, fills the file cache
            run(script)
        samples: list[list[float]] = [[], []]
        for repeat in range(runs):
            for i in (0, 1) if repeat % 2 == 0 else (1, 0):
                samples[i].append(run(scripts[i]))
    manager_ms, by_hand_ms = (statistics.median(s) for s in samples)
    print(f"3. Start-up: {plugins} entry-point plugins + the bundled ones, fresh interpreters")
    print("   timed inside the subprocess, interpreter start excluded; both sides")
    print("   import gateway_plugins (the plugin modules import it)")
    print(f"   (a) import gateway_plugins; PluginManager()  {manager_ms:7.1f} ms")
    print(f"   (b) [ep.load()() for ep in entry_points()]   {by_hand_ms:7.1f} ms")
    print(f"   ratio a / b                                  {manager_ms / by_hand_ms:7.2f}×"
          "   (target ≤ 1.2×)\n")  # fmt: skip
    return manager_ms / by_hand_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    quick = parser.parse_args().quick
    repeats, budget, runs = (3, 0.02, 3) if quick else (7, 0.2, 7)
    print(f"gateway-plugins {gateway_plugins.__version__}, pluggy {pluggy.__version__}, "
          f"Python {platform.python_version()} on {platform.machine()}; "
          f"medians of {repeats} repeats{' (--quick)' if quick else ''}\n")  # fmt: skip

    overhead = figure_overhead(repeats, budget)
    ratio = figure_scaling(repeats, budget)
    startup = figure_startup(runs)

    rows = [
        ("1. manager overhead (authorize)", f"{overhead:.2f} µs", "≤ 3 µs", overhead <= 3),
        ("2. 100 / 1 gateways", f"{ratio:.3f}", "≤ 1.05", ratio <= 1.05),
        ("3. start-up, 50 plugins (a / b)", f"{startup:.2f}×", "≤ 1.2×", startup <= 1.2),
    ]
    print(f"{'figure':34} {'measured':>10} {'target':>8}  verdict")
    for figure, measured, target, ok in rows:
        print(f"{figure:34} {measured:>10} {target:>8}  {'PASS' if ok else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
