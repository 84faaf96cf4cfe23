#!/usr/bin/env python3
"""The server under load: N clients saving the shared corpus pages over loopback.

    python benchmarks/server_load.py [--clients 1,4,16] [--passes 1] [--json OUT]
    python benchmarks/server_load.py --big-page 15 [--saves 5]

For each client count, a fresh `quietpage serve` (a real process, default settings: one
extraction worker per core) gets every corpus page (../shared/corpus: Zyte + Mozilla, each
under its own URL) POSTed to /api/articles by N concurrent clients. A client that gets 503
waits its Retry-After and sends the page again. Meanwhile a separate process asks, in turn,
GET /api/health, a page of the reading list (GET /api/articles?limit=50) and a search
(?q=...&limit=50) every 20 ms, to see whether the event loop and the store's thread stay free
while both cores extract.

Reported: saves per second, save latency p50/p95/p99 (ms, from the client, including the
wait for a worker), 503s, health / list / search p50/p99/max during the load (and health at
idle, before it), and the server's RSS at the end.

`--big-page MB`: the corpus is saved once (so the list has something to page through), then a
generated page of MB megabytes (a long article inside a page-builder's markup) is saved
`--saves` times in a row while the list and search are asked every 20 ms: what a user's
reading list does while the extension sends a huge page.
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from _corpus import ROOT, pages

sys.path.insert(0, str(ROOT / "tests"))
from server_process import ServerProcess  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ms = sorted(values)
    return ms[min(len(ms) - 1, round(q * (len(ms) - 1)))] if ms else float("nan")


def start_server(data_dir: Path) -> tuple[ServerProcess, str, int]:
    """`quietpage serve` on a free port (tests/server_process.py: a thread drains its output)."""
    server = ServerProcess(command=[sys.executable, *os.environ.get("QP_SERVE", "-m quietpage").split(), "serve",
                                    "--port", "0", "--data-dir", str(data_dir)]).start(timeout=60)
    origin = urlsplit(server.origin)
    return server, origin.hostname, origin.port


PROBES = {"health": "/api/health", "list": "/api/articles?limit=50", "search": "/api/articles?q=report+year&limit=50"}


def probe(host: str, port: int, token: str, kinds: list[str], stop, out, every_s: float = 0.02) -> None:
    """In its own process: each of `kinds` in turn on one keep-alive connection, every `every_s`."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    times: dict[str, list[float]] = {k: [] for k in kinds}
    headers = {"Authorization": f"Bearer {token}"}
    n = 0
    while not stop.is_set():
        kind = kinds[n % len(kinds)]
        n += 1
        t = time.perf_counter()
        conn.request("GET", PROBES[kind], headers=headers)
        conn.getresponse().read()
        times[kind].append((time.perf_counter() - t) * 1000)
        time.sleep(max(0.0, every_s - (time.perf_counter() - t)))
    out.put(times)


def probing(host: str, port: int, token: str, kinds=("health",)):
    """Start probing in another process; the function returned stops it: {kind: [ms]}."""
    ctx = multiprocessing.get_context("spawn")
    stop, out = ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=probe, args=(host, port, token, list(kinds), stop, out))
    proc.start()

    def finish() -> dict[str, list[float]]:
        stop.set()
        times = out.get(timeout=120)
        proc.join()
        return times
    return finish


def summary(times: list[float]) -> dict:
    return {"n": len(times), "p50": statistics.median(times), "p99": pct(times, 0.99), "max": max(times)} \
        if times else {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}


async def load(origin: str, token: str, bodies: list[bytes], clients: int) -> dict:
    import aiohttp

    queue: asyncio.Queue = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    latencies, statuses, busy = [], {}, 0
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    async def client(http) -> None:
        nonlocal busy
        while not queue.empty():
            body = queue.get_nowait()
            while True:
                t = time.perf_counter()
                async with http.post(f"{origin}/api/articles", data=body, headers=headers) as r:
                    await r.read()
                    if r.status == 503:
                        busy += 1
                        await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
                        continue
                    latencies.append((time.perf_counter() - t) * 1000)
                    statuses[r.status] = statuses.get(r.status, 0) + 1
                    break

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return {"saves": len(latencies), "seconds": elapsed, "saves_per_s": len(latencies) / elapsed,
            "p50": pct(latencies, 0.5), "p95": pct(latencies, 0.95), "p99": pct(latencies, 0.99),
            "statuses": statuses, "503s": busy}


def tree_rss_mb(pid: int) -> float:
    """RSS of the server and its worker processes."""
    out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(pid), "-p", str(pid)], capture_output=True, text=True)
    return sum(int(x) for x in out.stdout.split()) / 1024


def token_of(data_dir: Path) -> str:
    return subprocess.run([sys.executable, "-m", "quietpage", "token", "--data-dir", str(data_dir)],
                          capture_output=True, text=True, check=True).stdout.strip()


def run(clients: int, bodies: list[bytes]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        server, host, port = start_server(Path(tmp) / "library")
        try:
            token = token_of(Path(tmp) / "library")
            idle = probing(host, port, token)
            time.sleep(1.0)
            idle_times = idle()["health"]
            finish = probing(host, port, token, PROBES)
            result = asyncio.run(load(f"http://{host}:{port}", token, bodies, clients))
            during = finish()
            result.update(clients=clients, rss_mb=tree_rss_mb(server.proc.pid),
                          **{kind: summary(times) for kind, times in during.items()},
                          health_idle=summary(idle_times))
            return result
        finally:
            server.stop()


def big_page(mb: float) -> str:
    """A page of about `mb` megabytes: a long article (paragraphs of varied sentences) inside a
    page-builder's deep markup, with sidebars and long attribute soup, as huge pages are."""
    import random

    rng = random.Random(7)
    words = ("harbour report year market season catch fleet price quota storm coast research council "
             "fishermen economist current water summer winter boat crew town village records").split()
    para = lambda: " ".join(rng.choice(words) for _ in range(rng.randint(40, 90))).capitalize() + "."  # noqa: E731
    article = "".join(f"<p>{para()}</p>" for _ in range(1500))
    junk = "".join(f'<div class="elementor-widget elementor-widget-wrap e-con-inner" data-id="{rng.getrandbits(64):x}" '
                   f'data-settings="{{&quot;animation&quot;:&quot;none&quot;,&quot;n&quot;:{i}}}"><a href="/tag/{i}">'
                   f'Related item {i}</a></div>' for i in range(int(mb * 1024 * 1024 / 260)))
    return (f"<!DOCTYPE html><html><head><title>The long harbour report</title></head><body>"
            f"<main><article><h1>The long harbour report</h1>{article}</article></main><aside>{junk}</aside></body></html>")


def run_big(mb: float, saves: int, seed: list[bytes]) -> dict:
    """The corpus saved once, then a huge page saved `saves` times while the list is asked."""
    html = big_page(mb)
    bodies = [json.dumps({"url": f"https://big.example/report/{n}", "html": html}).encode() for n in range(saves)]
    with tempfile.TemporaryDirectory() as tmp:
        server, host, port = start_server(Path(tmp) / "library")
        try:
            token = token_of(Path(tmp) / "library")
            origin = f"http://{host}:{port}"
            asyncio.run(load(origin, token, seed, 4))
            quiet = probing(host, port, token, ("list", "search"))
            time.sleep(3.0)
            idle = quiet()
            finish = probing(host, port, token, ("list", "search"))
            result = asyncio.run(load(origin, token, bodies, 1))
            during = finish()
            result.update(page_mb=len(html.encode()) / 1024 / 1024,
                          **{f"{k}_idle": summary(v) for k, v in idle.items()},
                          **{k: summary(v) for k, v in during.items()})
            return result
        finally:
            server.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    p.add_argument("--clients", default="1,4,16")
    p.add_argument("--passes", type=int, default=1, help="times each page is saved (default 1)")
    p.add_argument("--big-page", type=float, default=None, metavar="MB",
                   help="save a generated page of MB megabytes --saves times while the list is asked")
    p.add_argument("--saves", type=int, default=5)
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args()
    corpus = pages()
    bodies = [json.dumps({"url": f"https://bench.example/{n}/{page['corpus']}/{page['id']}", "html": page["html"]}).encode()
              for n in range(args.passes) for page in corpus]
    fmt = lambda x: f"{x['p50']:.1f} / {x['p99']:.1f} / {x['max']:.1f}"  # noqa: E731
    if args.big_page:
        r = run_big(args.big_page, args.saves, bodies)
        print(f"{r['saves']} saves of a {r['page_mb']:.1f} MB page, one at a time, {len(bodies)} corpus pages saved first; "
              f"{os.cpu_count()} cores\n")
        print("| save p50 / p99 (ms) | list p50 / p99 / max (ms) | search p50 / p99 / max (ms) | idle: list / search p50 / p99 |")
        print("|---|---|---|---|")
        print(f"| {r['p50']:.0f} / {r['p99']:.0f} | {fmt(r['list'])} (n={r['list']['n']}) | {fmt(r['search'])} "
              f"(n={r['search']['n']}) | {r['list_idle']['p50']:.1f} / {r['list_idle']['p99']:.1f} and "
              f"{r['search_idle']['p50']:.1f} / {r['search_idle']['p99']:.1f} |")
        if args.json:
            args.json.write_text(json.dumps(r, indent=2))
        return
    print(f"{len(bodies)} saves per run; {os.cpu_count()} cores; server defaults (workers = cores)\n")
    print("| clients | saves/s | save p50 / p95 / p99 (ms) | 503 (retried) | health p50 / p99 / max during load (ms) "
          "| list p50 / p99 / max | search p50 / p99 / max | health p50 / p99 idle (ms) | server RSS (MB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    results = []
    for n in map(int, args.clients.split(",")):
        r = run(n, bodies)
        results.append(r)
        i = r["health_idle"]
        print(f"| {n} | {r['saves_per_s']:.1f} | {r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f} | {r['503s']} "
              f"| {fmt(r['health'])} (n={r['health']['n']}) | {fmt(r['list'])} | {fmt(r['search'])} "
              f"| {i['p50']:.1f} / {i['p99']:.1f} | {r['rss_mb']:.0f} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
