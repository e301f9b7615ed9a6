"""What the Stripe plugin costs over a bare HTTP client set up the same way, and its connections.

Run ``python benchmarks/bench_stripe.py`` (``--quick`` for a short, noisier run).
Standard library plus the project, its Stripe plugin (with the fake Stripe it
ships) and ``requests``; prints medians over several repeats and a PASS/MISS
summary, and always exits 0: it is a report, not a test.

The fake Stripe (``gateway_plugins_stripe.testing.FakeStripe``, a Python HTTP
server on 127.0.0.1) runs in its own process, started with ``multiprocessing``
("spawn") and asked for its counts through a pipe, so its work never shares
the client's interpreter, GIL or CPU-time counter.

Figures
-------
1. **Throughput** (target ≥ 0.95): ``manager.authorize(payment)`` through the
   Stripe plugin (``PluginManager(discover=False)``, ``register``,
   ``configure``) against a baseline ``requests.Session`` set up as the
   plugin's own client sets up its session: the environment read once
   (``merge_environment_settings``) and then ``trust_env = False``, an
   ``HTTPAdapter`` with ``pool_connections=1``, ``pool_maxsize`` the plugin's
   pool size and ``max_retries=0``, and ``allow_redirects=False`` on each call.
   Every side sends the same request: the form fields the plugin's own builder
   makes (``COMMANDS.command_for("authorize", payment).build(...)``, encoded
   by ``requests`` on the baseline sides), the same headers, and a fresh
   idempotency key per call (the plugin's ``operation_key``), so every call
   creates a PaymentIntent and none is an idempotent replay. The baseline reads
   the reply's JSON, as any client must; a third side leaving it unparsed is
   shown for information. One caller thread; the sides alternate in blocks of
   10 calls, each taking each place in turn. Shown per side: calls/s (median
   over repeats), median and p99 ms per call (over every call timed), and
   client CPU µs per call (``time.process_time`` of this process, which the
   fake no longer shares). The figure is the median of the per-repeat ratios
   plugin / baseline; their spread is shown as the noise seen.
2. **Connections** (target ≤ 10, the plugin's default ``pool_size``): TCP
   connections the fake accepted during 1,000 ``manager.authorize`` calls by a
   freshly configured plugin, one caller thread and then 10 at once; the figure
   is the larger count. A run with 20 threads (more than the pool holds) is
   shown for information only.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import logging
import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

import requests
from gateway_plugins_stripe import COMMANDS, STRIPE_VERSION, StripeGatewayPlugin
from requests.adapters import HTTPAdapter

import gateway_plugins
from gateway_plugins import GatewayConfig, GatewayResponse, PaymentData, PluginManager
from gateway_plugins import TransactionKind as Kind
from gateway_plugins.http import HttpRequest
from gateway_plugins.idempotency import operation_key

#: The plugin's default ``connection_params["pool_size"]`` (HttpClient's too).
POOL_SIZE = 10
#: What the plugin's HttpClient passes to ``requests`` (its default Timeouts).
TIMEOUT = (3.05, 30.0)
FORM = "application/x-www-form-urlencoded"

#: One baseline call: URL, form fields (``requests`` encodes them), per-call headers.
RawCall = tuple[str, Sequence[tuple[str, str]], dict[str, str]]


# -- the fake Stripe in its own process ----------------------------------------------------------


def _serve(conn: Connection) -> None:
    """The child process: a FakeStripe answering the parent's questions until told to stop."""
    from gateway_plugins_stripe.testing import FakeStripe

    with FakeStripe() as fake:
        conn.send((fake.url, fake.api_key))
        while (question := conn.recv()) != "stop":
            if question == "connections":
                conn.send(fake.connections_opened)
            elif question == "last two":
                conn.send([(r.method, r.path, r.body, r.headers) for r in fake.requests[-2:]])
            elif question == "health":
                requests_seen = fake.requests
                replayed = sum(request.replayed for request in requests_seen)
                conn.send((len(requests_seen), replayed, fake.server_errors))
    conn.send("stopped")


class FakeProcess:
    """A FakeStripe in a child process; ``ask`` it for counts (see :func:`_serve`)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        self.url, self.api_key = self._conn.recv()

    def ask(self, question: str) -> Any:
        self._conn.send(question)
        return self._conn.recv()

    def check_health(self) -> None:
        _, replayed, errors = self.ask("health")
        assert not errors, "the fake crashed:\n" + "\n".join(errors)
        assert not replayed, f"{replayed} calls were idempotent replays: a key was reused"

    def close(self) -> None:
        self.ask("stop")
        self._process.join(timeout=10)


@contextmanager
def fake_stripe() -> Iterator[FakeProcess]:
    fake = FakeProcess()
    try:
        yield fake
    finally:
        fake.close()


# -- the two clients -------------------------------------------------------------------------


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


def stripe_manager(fake: FakeProcess) -> tuple[PluginManager, GatewayConfig]:
    """A manager with only the Stripe plugin, configured for ``fake``."""
    config = GatewayConfig(
        gateway_name="Stripe",
        supported_currencies="USD",
        connection_params={"secret_key": fake.api_key, "base_url": fake.url,
                           "pool_size": POOL_SIZE},
    )  # fmt: skip
    manager = PluginManager(discover=False)
    # register() first tries the plugin's default config, which has no secret
    # key, and logs that it refused it; configure() right after is what counts.
    with quiet("gateway_plugins"):
        manager.register(StripeGatewayPlugin(), "stripe")
    manager.configure("stripe", config)
    return manager, config


def baseline_session(fake: FakeProcess) -> requests.Session:
    """A plain session set up as the plugin's ``HttpClient`` sets up its own."""
    session = requests.Session()
    session.headers.update(
        {"Authorization": f"Bearer {fake.api_key}", "Stripe-Version": STRIPE_VERSION}
    )
    # The environment (proxies, CA bundle) read once, not on every call.
    settings = session.merge_environment_settings(fake.url, {}, None, None, None)
    session.proxies.update(settings["proxies"])
    session.verify, session.cert = settings["verify"], settings["cert"]
    session.trust_env = False
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=POOL_SIZE, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def new_payments(count: int) -> list[PaymentData]:
    """``count`` payments, each with its own (generated) idempotency key."""
    return [
        PaymentData(gateway="stripe", amount="10.00", currency="USD", token="pm_card_visa")
        for _ in range(count)
    ]


def baseline_calls(fake: FakeProcess, config: GatewayConfig, count: int) -> list[RawCall]:
    """What the plugin would send for ``count`` fresh payments, built by its own builder."""
    calls = []
    for payment in new_payments(count):
        request: HttpRequest = COMMANDS.command_for("authorize", payment).build(payment, config)
        assert request.form is not None
        assert request.idempotency_key == operation_key(payment, "authorize")
        headers = {"Idempotency-Key": request.idempotency_key, "Content-Type": FORM}
        calls.append((fake.url + request.path, request.form, headers))
    return calls


def check_plugin(results: Sequence[GatewayResponse]) -> None:
    bad = [r for r in results if not (r.is_success and r.kind is Kind.AUTH)]
    assert not bad, f"{len(bad)} plugin calls failed, e.g. {bad[0]!r}"


def check_baseline(results: Sequence[tuple[requests.Response, Any]]) -> None:
    for response, _ in results:
        status = response.status_code, json.loads(response.content).get("status")
        assert status == (200, "requires_capture"), f"baseline call answered {status}"


def check_same_wire(
    fake: FakeProcess, manager: PluginManager, config: GatewayConfig, session: requests.Session
) -> None:
    """One call from each side: the fake must have received the same request twice."""
    (url, body, headers), payment = baseline_calls(fake, config, 1)[0], new_payments(1)[0]
    check_plugin([manager.authorize(payment)])
    check_baseline([call() for call in baseline_calls_for(session, [(url, body, headers)])])
    plugin, baseline = fake.ask("last two")
    assert plugin[3]["Idempotency-Key"] == operation_key(payment, "authorize")
    assert plugin[3]["Idempotency-Key"] != baseline[3]["Idempotency-Key"]
    assert plugin[:3] == baseline[:3], (plugin[:3], baseline[:3])

    def shown(headers: dict[str, str]) -> dict[str, str]:
        # Authorization is redacted in the log; a wrong key would have got a 401.
        return {k: v for k, v in headers.items() if k.lower() != "idempotency-key"}

    assert shown(plugin[3]) == shown(baseline[3]), (plugin[3], baseline[3])


# -- figure 1 ----------------------------------------------------------------------------------


@dataclass
class Side:
    """One side of figure 1: every call's seconds, and per repeat its calls/s and CPU per call."""

    name: str
    rates: list[float] = field(default_factory=list)
    cpu_us: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    _wall: float = 0.0
    _cpu: float = 0.0
    _calls: int = 0

    def run(self, calls: Sequence[Callable[[], Any]], check: Callable[[list[Any]], None]) -> None:
        """Time ``calls`` one by one (a block of the current repeat), then check the results."""
        results, latencies = [], []
        clock = time.perf_counter
        cpu = time.process_time()
        for call in calls:
            before = clock()
            results.append(call())
            latencies.append(clock() - before)
        self._cpu += time.process_time() - cpu
        check(results)
        self._wall += sum(latencies)
        self._calls += len(calls)
        self.latencies += latencies

    def end_repeat(self) -> float:
        """Close the repeat: its calls/s (kept), from the blocks run since the last one."""
        self.rates.append(self._calls / self._wall)
        self.cpu_us.append(self._cpu / self._calls * 1e6)
        self._wall = self._cpu = 0.0
        self._calls = 0
        return self.rates[-1]

    def row(self) -> str:
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return (
            f"   {self.name:31} {statistics.median(self.rates):8.0f}"
            f"  {statistics.median(ordered) * 1e3:8.3f}  {p99 * 1e3:8.3f}"
            f"  {statistics.median(self.cpu_us):8.0f}"
        )


def plugin_calls(manager: PluginManager, count: int) -> list[Callable[[], GatewayResponse]]:
    authorize = manager.authorize
    return [lambda payment=payment: authorize(payment) for payment in new_payments(count)]


def baseline_calls_for(
    session: requests.Session, calls: list[RawCall], *, parse: bool = True
) -> list[Callable[[], Any]]:
    """One POST per call; with ``parse`` the reply's JSON too, as any client must read it."""
    post = session.post

    def call(url: str, body: Sequence[tuple[str, str]], headers: dict[str, str]) -> Any:
        response = post(url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
        return (response, response.json()) if parse else (response, None)

    return [partial(call, url, body, headers) for url, body, headers in calls]


def figure_throughput(repeats: int, calls: int, block: int = 10) -> float:
    with fake_stripe() as fake:
        manager, config = stripe_manager(fake)
        session = baseline_session(fake)
        check_same_wire(fake, manager, config, session)
        plugin = Side("manager.authorize(payment)")
        baseline = Side("baseline: post, reply .json()")
        unread = Side("post, reply left unparsed")
        sides = [
            (plugin, lambda count: plugin_calls(manager, count), check_plugin),
            (baseline, lambda count: baseline_calls_for(
                session, baseline_calls(fake, config, count)), check_baseline),
            (unread, lambda count: baseline_calls_for(
                session, baseline_calls(fake, config, count), parse=False), check_baseline),
        ]  # fmt: skip
        for _, make, check in sides:  # warm-up, not kept
            Side("warm-up").run(make(3 * block), check)
        ratios, unread_ratios = [], []
        for _ in range(repeats):
            prepared = [(side, make(calls), check) for side, make, check in sides]
            gc.collect()  # each repeat starts with the same clean heap
            for number, first in enumerate(range(0, calls, block)):
                shift = number % len(prepared)  # each side takes each place in turn
                for side, prepared_calls, check in prepared[shift:] + prepared[:shift]:
                    side.run(prepared_calls[first : first + block], check)
            rate = plugin.end_repeat()
            ratios.append(rate / baseline.end_repeat())
            unread_ratios.append(rate / unread.end_repeat())
        fake.check_health()
        session.close()
    ratio = statistics.median(ratios)
    print("1. Throughput: authorize through the Stripe plugin vs a baseline requests.Session")
    print(f"   set up like the plugin's; {repeats} repeats of {calls:,} calls a side, interleaved")
    print(f"   in blocks of {block} calls, one caller thread; the fake Stripe runs in its own")
    print("   process; every call creates a PaymentIntent (fresh idempotency key); the same body")
    print("   and headers on every side")
    print("                                    calls/s  median ms   p99 ms   client CPU µs/call")
    for side in (plugin, baseline, unread):
        print(side.row())
    spread = f"{min(ratios):.3f} … {max(ratios):.3f}"
    print(f"   ratio plugin / baseline (median of {repeats} repeats) {ratio:6.3f}  (target ≥ 0.95)")
    print(
        f"   ratio plugin / unparsed post (for information)   "
        f" {statistics.median(unread_ratios):6.3f}"
    )
    print(f"   noise: per-repeat ratios {spread}; calls/s per repeat, plugin"
          f" {min(plugin.rates):.0f} … {max(plugin.rates):.0f},"
          f" baseline {min(baseline.rates):.0f} … {max(baseline.rates):.0f}")  # fmt: skip
    extra = statistics.median(plugin.cpu_us) - statistics.median(baseline.cpu_us)
    print(f"   the plugin's own client CPU per call: {extra:+.0f} µs over the baseline\n")
    return ratio


# -- figure 2 ----------------------------------------------------------------------------------


class DiscardCounter(logging.Handler):
    """Counts urllib3's "Connection pool is full, discarding connection" warnings."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Connection pool is full"):
            self.count += 1


def connections_for(fake: FakeProcess, threads: int, calls: int) -> tuple[int, int, float]:
    """Connections opened and discarded by ``calls`` authorizations of a new plugin."""
    manager, _ = stripe_manager(fake)  # a new HttpClient: an empty pool
    payments = new_payments(calls)
    counter = DiscardCounter()
    pool_log = logging.getLogger("urllib3.connectionpool")
    pool_log.addHandler(counter)
    before = fake.ask("connections")
    start = time.perf_counter()
    try:
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(manager.authorize, payments))
    finally:
        pool_log.removeHandler(counter)
    rate = calls / (time.perf_counter() - start)
    check_plugin(results)
    return fake.ask("connections") - before, counter.count, rate


def figure_connections(calls: int = 1000) -> int:
    rows = []
    with fake_stripe() as fake:
        for threads in (1, POOL_SIZE, 2 * POOL_SIZE):
            rows.append((threads, *connections_for(fake, threads, calls)))
        fake.check_health()
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
    parser.add_argument("--only", choices=("throughput", "connections"), help="one figure")
    args = parser.parse_args()
    repeats, calls = (5, 100) if args.quick else (11, 300)
    print(f"gateway-plugins {gateway_plugins.__version__}, "
          f"gateway-plugins-stripe {importlib.metadata.version('gateway-plugins-stripe')}, "
          f"requests {requests.__version__}, Python {platform.python_version()} on "
          f"{platform.machine()} ({os.cpu_count()} CPUs); medians of {repeats} repeats"
          f"{' (--quick)' if args.quick else ''}\n")  # fmt: skip

    rows = []
    if args.only in (None, "throughput"):
        ratio = figure_throughput(repeats, calls)
        rows.append(("1. throughput plugin / baseline", f"{ratio:.3f}", "≥ 0.95", ratio >= 0.95))
    if args.only in (None, "connections"):
        connections = figure_connections()
        rows.append(("2. connections / 1,000 calls", f"{connections}", f"≤ {POOL_SIZE}",
                     connections <= POOL_SIZE))  # fmt: skip
    print(f"{'figure':34} {'measured':>10} {'target':>8}  verdict")
    for figure, measured, target, ok in rows:
        print(f"{figure:34} {measured:>10} {target:>8}  {'PASS' if ok else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
