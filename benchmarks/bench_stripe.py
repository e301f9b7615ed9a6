"""What the Stripe plugin costs over a bare HTTP client, and how it uses TCP connections.

Run ``python benchmarks/bench_stripe.py`` (``--quick`` for a short, noisier run).
Stdlib only (plus the project, its Stripe plugin and the fake Stripe from the
plugin's tests); prints medians over several repeats and a PASS/MISS summary,
and always exits 0: it is a report, not a test.

Both figures talk real HTTP to ``FakeStripe``, the fake Stripe server of the
plugin's tests, on 127.0.0.1 in this process.

Figures
-------
1. **Throughput** (target ≥ 0.95): ``manager.authorize(payment)`` through the
   Stripe plugin (``PluginManager(discover=False)``, ``register``,
   ``configure``) against a raw ``requests.Session`` loop that POSTs the same
   requests to the same server: the same form body (made by the plugin's own
   request builder, ``COMMANDS.command_for("authorize", payment).build(...)``,
   then ``urlencode``), the same headers (``Authorization``, ``Stripe-Version``,
   ``Content-Type``) and a fresh ``Idempotency-Key`` per call on both sides, so
   every call creates a PaymentIntent and none is an idempotent replay. Each
   side's payments and bodies are built before its timed loop. The figure is
   plugin calls/s divided by raw calls/s (the median of the per-repeat
   ratios). Each side also shows the client thread's CPU per call
   (``time.thread_time``, which leaves out the fake's threads), and a note
   gives the plugin's own work per call in a hot loop, with the HTTP round
   trip replaced by replies recorded earlier.
2. **Connections** (target ≤ 10, the plugin's default ``pool_size``): TCP
   connections the fake accepted (``fake.connections_opened`` before and
   after) during 1,000 ``manager.authorize`` calls by a freshly configured
   plugin, one caller thread and then 10 at once; the figure is the larger
   count. A run with 20 threads (more than the pool holds) is shown for
   information only.

The fake is a Python ``ThreadingHTTPServer`` in this process, so it shares the
GIL with the client. It and ``requests``' own client work (the same for both
sides) take nearly all of each round trip, so the absolute throughputs say
more about them than about Stripe, where a call takes a network round trip and
Stripe's own processing. Figure 1 alternates its two sides repeat by repeat
(A B, B A, …) so machine noise hits both equally.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import itertools
import json
import logging
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import requests
from gateway_plugins_stripe import COMMANDS, STRIPE_VERSION, StripeGatewayPlugin
from gateway_plugins_stripe.testing import FakeStripe

import gateway_plugins
from gateway_plugins import GatewayConfig, GatewayResponse, PaymentData, PluginManager
from gateway_plugins import TransactionKind as Kind
from gateway_plugins.http import HttpClient, HttpReply, HttpRequest

#: The plugin's default ``connection_params["pool_size"]`` (HttpClient's too).
POOL_SIZE = 10
#: What the plugin's HttpClient passes to ``requests`` (its default Timeouts).
TIMEOUT = (3.05, 30.0)
FORM = "application/x-www-form-urlencoded"

#: One raw call: URL, form body, per-call headers.
RawCall = tuple[str, str, dict[str, str]]


@contextmanager
def quiet(logger: str, level: int = logging.ERROR) -> Iterator[None]:
    """Raise ``logger``'s level for the duration."""
    log = logging.getLogger(logger)
    before = log.level
    log.setLevel(level)
    try:
        yield
    finally:
        log.setLevel(before)


def stripe_manager(fake: FakeStripe) -> tuple[PluginManager, GatewayConfig]:
    """A manager with only the Stripe plugin, configured for ``fake``."""
    config = GatewayConfig(
        gateway_name="Stripe",
        supported_currencies="USD",
        connection_params={"secret_key": fake.api_key, "base_url": fake.url},
    )
    manager = PluginManager(discover=False)
    # register() first tries the plugin's default config, which has no secret
    # key, and logs that it refused it; configure() right after is what counts.
    with quiet("gateway_plugins"):
        manager.register(StripeGatewayPlugin(), "stripe")
    manager.configure("stripe", config)
    return manager, config


def raw_session(fake: FakeStripe) -> requests.Session:
    """A plain session with the headers the plugin's HttpClient puts on its own."""
    session = requests.Session()
    session.headers.update(
        {"Authorization": f"Bearer {fake.api_key}", "Stripe-Version": STRIPE_VERSION}
    )
    return session


def new_payments(count: int) -> list[PaymentData]:
    """``count`` payments, each with its own (generated) idempotency key."""
    return [
        PaymentData(gateway="stripe", amount="10.00", currency="USD", token="pm_card_visa")
        for _ in range(count)
    ]


def raw_calls(fake: FakeStripe, config: GatewayConfig, count: int) -> list[RawCall]:
    """What the plugin would send for ``count`` fresh payments, built by its own builder."""
    calls = []
    for payment in new_payments(count):
        request: HttpRequest = COMMANDS.command_for("authorize", payment).build(payment, config)
        assert request.form is not None and request.idempotency_key == payment.idempotency_key
        headers = {"Idempotency-Key": request.idempotency_key, "Content-Type": FORM}
        calls.append((fake.url + request.path, urlencode(request.form), headers))
    return calls


def check_plugin(results: Sequence[GatewayResponse]) -> None:
    bad = [r for r in results if not (r.is_success and r.kind is Kind.AUTH)]
    assert not bad, f"{len(bad)} plugin calls failed, e.g. {bad[0]!r}"


def check_raw(results: Sequence[requests.Response]) -> None:
    for response in results:
        status = response.status_code, json.loads(response.content).get("status")
        assert status == (200, "requires_capture"), f"raw call answered {status}"


def timed(run: Callable[[], Sequence[Any]]) -> tuple[float, float, Sequence[Any]]:
    """Calls per second of ``run`` and this thread's CPU µs per call (the fake's excluded)."""
    gc.collect()  # each batch starts with the same clean heap
    start, cpu = time.perf_counter(), time.thread_time()
    results = run()
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - start
    return len(results) / wall, cpu / len(results) * 1e6, results


def check_same_wire(fake: FakeStripe, manager: PluginManager, config: GatewayConfig) -> None:
    """One call from each side: the fake must have received the same request twice."""
    session = raw_session(fake)
    (url, body, headers), payment = raw_calls(fake, config, 1)[0], new_payments(1)[0]
    check_plugin([manager.authorize(payment)])
    check_raw([session.post(url, data=body, headers=headers, timeout=TIMEOUT)])
    plugin, raw = fake.requests[-2:]
    assert plugin.idempotency_key == payment.idempotency_key != raw.idempotency_key
    assert (plugin.method, plugin.path, plugin.body) == (raw.method, raw.path, raw.body)

    def shown(headers: dict[str, str]) -> dict[str, str]:
        # Authorization is redacted in the log; a wrong key would have got a 401.
        return {k: v for k, v in headers.items() if k.lower() != "idempotency-key"}

    assert shown(plugin.headers) == shown(raw.headers), (plugin.headers, raw.headers)
    session.close()


def own_work_us(manager: PluginManager, repeats: int, calls: int) -> float:
    """µs per ``manager.authorize`` with ``HttpClient.send`` replaying recorded replies."""
    replies: list[HttpReply] = []
    send = HttpClient.send

    def recording(client: HttpClient, request: HttpRequest) -> HttpReply:
        replies.append(send(client, request))
        return replies[-1]

    with mock.patch.object(HttpClient, "send", recording):
        check_plugin([manager.authorize(payment) for payment in new_payments(20)])
    cycle = itertools.cycle(replies)

    def replay(client: HttpClient, request: HttpRequest) -> HttpReply:
        return next(cycle)

    samples = []
    with mock.patch.object(HttpClient, "send", replay):
        for _ in range(repeats):
            payments = new_payments(calls)
            rate, _, results = timed(partial(list, map(manager.authorize, payments)))
            check_plugin(results)
            samples.append(1e6 / rate)
    return statistics.median(samples)


def figure_throughput(repeats: int, budget: float) -> float:
    with FakeStripe() as fake:
        manager, config = stripe_manager(fake)
        session = raw_session(fake)
        check_same_wire(fake, manager, config)

        def run_plugin(payments: list[PaymentData]) -> Callable[[], list[GatewayResponse]]:
            return lambda: [manager.authorize(payment) for payment in payments]

        def run_raw(calls: list[RawCall]) -> Callable[[], list[requests.Response]]:
            return lambda: [
                session.post(url, data=body, headers=headers, timeout=TIMEOUT)
                for url, body, headers in calls
            ]

        # Warm-up, and the batch size that takes about ``budget`` seconds a side.
        warm = min(timed(run_plugin(new_payments(50)))[0],
                   timed(run_raw(raw_calls(fake, config, 50)))[0])  # fmt: skip
        batch = max(50, int(budget * warm))
        samples: dict[str, list[tuple[float, float]]] = {"plugin": [], "raw": []}
        for repeat in range(repeats):
            payments, calls = new_payments(batch), raw_calls(fake, config, batch)
            sides: list[tuple[str, Callable[[], Sequence[Any]], Callable[[Any], None]]] = [
                ("plugin", run_plugin(payments), check_plugin),
                ("raw", run_raw(calls), check_raw),
            ]
            for side, run, check in sides if repeat % 2 == 0 else sides[::-1]:
                rate, cpu, results = timed(run)
                check(results)
                samples[side].append((rate, cpu))
        own = own_work_us(manager, repeats, 1000)
        assert not any(r.replayed for r in fake.requests), "a key was reused: replays measured"
        assert not fake.server_errors, "the fake crashed:\n" + "\n".join(fake.server_errors)
        session.close()
    (plugin, plugin_cpu), (raw, raw_cpu) = (
        tuple(statistics.median(column) for column in zip(*samples[side], strict=True))
        for side in ("plugin", "raw")
    )
    pairs = zip(samples["plugin"], samples["raw"], strict=True)
    ratio = statistics.median(p / r for (p, _), (r, _) in pairs)
    print("1. Throughput: authorize through the Stripe plugin vs raw requests.Session posts")
    print(
        f"   {repeats} interleaved repeats of {batch} calls a side, one caller thread; every call"
    )
    print("   creates a PaymentIntent (fresh Idempotency-Key); same body and headers both sides")
    print("                                        calls/s   µs/call   of which client CPU")
    for name, rate, cpu in (("manager.authorize(payment)", plugin, plugin_cpu),
                            ("session.post(url, same body, …)", raw, raw_cpu)):  # fmt: skip
        print(f"   {name:34} {rate:8.0f}  {1e6 / rate:8.0f}  {cpu:8.0f}")
    print(f"   ratio plugin / raw (median of pairs) {ratio:6.3f}   (target ≥ 0.95)")
    rest, extra = 1e6 / raw - raw_cpu, plugin_cpu - raw_cpu
    print(f"   The rest of a call (~{rest:.0f} µs, wall minus client CPU) is the fake answering:")
    print("   a Python server in this process, sharing the GIL. It and requests' own client CPU")
    print("   are the bottleneck, the same on both sides.")
    print(f"   The plugin's own work per call: {own:.0f} µs in a hot loop (HTTP replaced by")
    print(f"   recorded replies); {extra:+.0f} µs of client CPU over the raw side in the loop")
    print("   above (likely colder caches: the fake and requests run in between).\n")
    return ratio


class DiscardCounter(logging.Handler):
    """Counts urllib3's "Connection pool is full, discarding connection" warnings."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Connection pool is full"):
            self.count += 1


def connections_for(fake: FakeStripe, threads: int, calls: int) -> tuple[int, int, float]:
    """Connections opened and discarded by ``calls`` authorizations of a new plugin."""
    manager, _ = stripe_manager(fake)  # a new HttpClient: an empty pool
    payments = new_payments(calls)
    counter = DiscardCounter()
    pool_log = logging.getLogger("urllib3.connectionpool")
    pool_log.addHandler(counter)
    before = fake.connections_opened
    start = time.perf_counter()
    try:
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(manager.authorize, payments))
    finally:
        pool_log.removeHandler(counter)
    rate = calls / (time.perf_counter() - start)
    check_plugin(results)
    return fake.connections_opened - before, counter.count, rate


def figure_connections(calls: int = 1000) -> int:
    rows = []
    with FakeStripe() as fake:
        for threads in (1, POOL_SIZE, 2 * POOL_SIZE):
            rows.append((threads, *connections_for(fake, threads, calls)))
        assert not fake.server_errors, "the fake crashed:\n" + "\n".join(fake.server_errors)
    print(f"2. Connections: TCP connections the fake accepted during {calls:,} authorize calls")
    print(f"   of a freshly configured plugin (pool_size {POOL_SIZE}), by 1, {POOL_SIZE} and"
          f" {2 * POOL_SIZE} caller threads")  # fmt: skip
    print("   callers   connections   calls/s")
    for threads, opened, discarded, rate in rows:
        extra = ""
        if threads > POOL_SIZE:
            extra = f"   not scored: more callers than the pool holds; {discarded} discarded"
        print(f"   {threads:7d}   {opened:11d}   {rate:7.0f}{extra}")
    worst = max(opened for threads, opened, _, _ in rows if threads <= POOL_SIZE)
    print(f"   most opened by 1 or {POOL_SIZE} callers  {worst:5d}   (target ≤ {POOL_SIZE})\n")
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    quick = parser.parse_args().quick
    repeats, budget = (3, 0.15) if quick else (9, 0.4)
    print(f"gateway-plugins {gateway_plugins.__version__}, "
          f"gateway-plugins-stripe {importlib.metadata.version('gateway-plugins-stripe')}, "
          f"requests {requests.__version__}, Python {platform.python_version()} on "
          f"{platform.machine()} ({os.cpu_count()} CPUs); medians of {repeats} repeats"
          f"{' (--quick)' if quick else ''}\n")  # fmt: skip

    ratio = figure_throughput(repeats, budget)
    connections = figure_connections()

    rows = [
        ("1. throughput plugin / raw", f"{ratio:.3f}", "≥ 0.95", ratio >= 0.95),
        ("2. connections / 1,000 calls", f"{connections}", f"≤ {POOL_SIZE}",
         connections <= POOL_SIZE),
    ]  # fmt: skip
    print(f"{'figure':34} {'measured':>10} {'target':>8}  verdict")
    for figure, measured, target, ok in rows:
        print(f"{figure:34} {measured:>10} {target:>8}  {'PASS' if ok else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
