#!/usr/bin/env python3
"""The server under load: N clients saving the shared corpus pages over loopback.

    python benchmarks/server_load.py [--clients 1,4,16] [--passes 1] [--json OUT]

For each client count, a fresh `quietpage serve` (a real process, default settings: one
extraction worker per core) gets every corpus page (../shared/corpus: Zyte + Mozilla, each
under its own URL) POSTed to /api/articles by N concurrent clients. A client that gets 503
waits its Retry-After and sends the page again. Meanwhile a separate process asks
GET /api/health every 20 ms, to see whether the event loop stays free while both cores extract.

Reported: saves per second, save latency p50/p95/p99 (ms, from the client, including the
wait for a worker), 503s, health p50/p99/max during the load (and at idle, before it), and the
server's RSS at the end.
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


def probe(host: str, port: int, stop, out, every_s: float = 0.02) -> None:
    """In its own process: GET /api/health on one keep-alive connection, every `every_s`."""
    conn = http.client.HTTPConnection(host, port, timeout=10)
    times = []
    while not stop.is_set():
        t = time.perf_counter()
        conn.request("GET", "/api/health")
        conn.getresponse().read()
        times.append((time.perf_counter() - t) * 1000)
        time.sleep(max(0.0, every_s - (time.perf_counter() - t)))
    out.put(times)


def health_during(host: str, port: int):
    ctx = multiprocessing.get_context("spawn")
    stop, out = ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=probe, args=(host, port, stop, out))
    proc.start()

    def finish() -> list[float]:
        stop.set()
        times = out.get(timeout=60)
        proc.join()
        return times
    return finish


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


def run(clients: int, bodies: list[bytes]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        server, host, port = start_server(Path(tmp) / "library")
        try:
            token = subprocess.run([sys.executable, "-m", "quietpage", "token", "--data-dir", str(Path(tmp) / "library")],
                                   capture_output=True, text=True, check=True).stdout.strip()
            idle = health_during(host, port)
            time.sleep(1.0)
            idle_times = idle()
            finish = health_during(host, port)
            result = asyncio.run(load(f"http://{host}:{port}", token, bodies, clients))
            health = finish()
            result.update(clients=clients, rss_mb=tree_rss_mb(server.proc.pid),
                          health={"n": len(health), "p50": statistics.median(health), "p99": pct(health, 0.99),
                                  "max": max(health)},
                          health_idle={"n": len(idle_times), "p50": statistics.median(idle_times),
                                       "p99": pct(idle_times, 0.99)})
            return result
        finally:
            server.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    p.add_argument("--clients", default="1,4,16")
    p.add_argument("--passes", type=int, default=1, help="times each page is saved (default 1)")
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args()
    corpus = pages()
    bodies = [json.dumps({"url": f"https://bench.example/{n}/{page['corpus']}/{page['id']}", "html": page["html"]}).encode()
              for n in range(args.passes) for page in corpus]
    print(f"{len(bodies)} saves per run; {os.cpu_count()} cores; server defaults (workers = cores)\n")
    print("| clients | saves/s | save p50 / p95 / p99 (ms) | 503 (retried) | health p50 / p99 / max during load (ms) "
          "| health p50 / p99 idle (ms) | server RSS (MB) |")
    print("|---|---|---|---|---|---|---|")
    results = []
    for n in map(int, args.clients.split(",")):
        r = run(n, bodies)
        results.append(r)
        h, i = r["health"], r["health_idle"]
        print(f"| {n} | {r['saves_per_s']:.1f} | {r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f} | {r['503s']} "
              f"| {h['p50']:.1f} / {h['p99']:.1f} / {h['max']:.1f} (n={h['n']}) | {i['p50']:.1f} / {i['p99']:.1f} "
              f"| {r['rss_mb']:.0f} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
