"""SIGKILL at random moments: after every kill the store opens, is valid, and holds every write
it acknowledged before it died.

A writer process (tests/crash_writer.py: the real Store, on the server's store thread with
group commit, 8 concurrent writers, compactions and daily backups all the time) is killed
KILLS times on one data dir, at a random moment - mostly mid-writing, sometimes while it is
still opening (replaying, cutting a torn tail). After each kill, the test opens the store
itself and checks each item against the writer's log: an acknowledged write must be there; a
write in flight at the kill may be there or not, but nothing else.
"""
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from quietpage.store import Store

from crash_writer import ANCHOR_URL

KILLS = 32
WRITER = Path(__file__).with_name("crash_writer.py")
ABSENT = ("absent",)
AFTER = {"ins": lambda v: ("present", 0), "upd": lambda v: ("present", v), "del": lambda v: ABSENT,
         "art": lambda v: ("present", 0), "rev": lambda v: ("present", v)}


class Log:
    """What the writer said: acknowledged states per key, and the one op in flight per key."""

    def __init__(self):
        self.confirmed: dict[str, tuple] = {}
        self.pending: dict[str, tuple] = {}
        self.acked = 0

    def feed(self, line: str) -> None:
        parts = line.split()
        if not line.endswith("\n") or not parts or parts[0] not in ("A", "B"):
            return
        kind, key, op, value = parts[0], parts[1], parts[2], int(parts[3])
        state = AFTER[op](value)
        if kind == "B":
            self.pending[key] = state
        else:
            self.confirmed[key] = state
            self.pending.pop(key, None)
            self.acked += 1

    def check(self, key: str, got: tuple) -> None:
        allowed = {self.confirmed.get(key, ABSENT)}
        if key in self.pending:
            allowed.add(self.pending[key])
        assert got in allowed, f"{key}: found {got}, acknowledged {self.confirmed.get(key)}, in flight {self.pending.get(key)}"
        self.confirmed[key] = got  # what the next round starts from

    def settle(self) -> None:
        self.pending.clear()


def run_and_kill(data_dir: Path, round_: int, rng: random.Random) -> list[str]:
    proc = subprocess.Popen([sys.executable, str(WRITER), str(data_dir), str(round_), str(rng.randrange(1 << 30))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("READY"):
                ready.set()

    reader = threading.Thread(target=read)
    reader.start()
    if rng.random() < 1 / 6:
        time.sleep(rng.uniform(0.02, 0.3))  # while it is still opening the store
    else:
        assert ready.wait(30), "the writer did not start: " + proc.stderr.read()
        time.sleep(rng.uniform(0.0, 0.4))
    assert proc.poll() is None, "the writer stopped by itself: " + proc.stderr.read()
    proc.kill()
    proc.wait()
    reader.join()
    proc.stderr.close()
    return lines


def verify(data_dir: Path, log: Log) -> tuple[int, int]:
    store = Store(data_dir)  # must open: no CorruptData, torn tail dropped
    try:
        anchor = store.article_id_for_url(ANCHOR_URL)
        found = {h["k"]: ("present", h["v"]) for h in store.highlights_of(anchor)} if anchor else {}
        via_tinydb = {d["k"] for d in store.highlights.all()}
        assert via_tinydb == set(found)  # the index and the table agree
        articles = {a["title"]: a for a in store.all_articles() if a["title"].startswith("art-")}
        for title, a in articles.items():  # the record's revision has its files
            assert store.read_body(a["id"])["text"] == f"{title} {a['v']}"
            assert store.read_raw(a["id"]) == "<p>raw</p>"
        keys = set(log.confirmed) | set(log.pending) | set(found) | set(articles)
        for key in keys:
            if key.startswith("art-"):
                log.check(key, ("present", articles[key]["v"]) if key in articles else ABSENT)
            else:
                log.check(key, found.get(key, ABSENT))
        log.settle()
        return len(found), len(articles)
    finally:
        store.close()


def test_acknowledged_writes_survive_sigkill(tmp_path):
    data_dir = tmp_path / "library"
    rng = random.Random(20260901)
    log = Log()
    for round_ in range(KILLS):
        for line in run_and_kill(data_dir, round_, rng):
            log.feed(line)
        highlights, articles = verify(data_dir, log)
    print(f"\n{KILLS} kills: {log.acked} acknowledged writes, all kept; "
          f"{highlights} highlights and {articles} articles at the end")
    assert log.acked > 1000 and highlights > 100 and articles > 5
    assert len(list((data_dir / "backups").glob("quietpage-daily-*.json"))) <= 3  # rotated


async def test_a_killed_server_keeps_every_highlight_it_answered_201(tmp_path):
    """The same through HTTP: `quietpage serve` under 16 concurrent clients, killed 3 times; every
    highlight it answered 201 for is there after the restart."""
    import asyncio

    import aiohttp

    from conftest import LOREM, page_html
    from server_process import ServerProcess, run_cli

    rng = random.Random(7)
    acked: set[str] = set()
    article_id = None
    for _ in range(3):
        server = ServerProcess(tmp_path).start()
        token = run_cli("token", data_dir=tmp_path).stdout.decode().strip()
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            base = server.origin
            if article_id is None:
                page = {"url": "https://a.example/harbour", "html": page_html("Harbour", LOREM)}
                async with http.post(f"{base}/api/articles", json=page) as r:
                    article_id = (await r.json())["id"]
            async with http.get(f"{base}/api/articles/{article_id}/highlights") as r:
                kept = {h["id"] for h in (await r.json())["items"]}
            assert acked <= kept, f"lost {len(acked - kept)} acknowledged highlights"

            async def client(n: int) -> None:
                while True:
                    quote = rng.choice(LOREM)[:rng.randint(20, 60)]
                    body = {"selectors": [{"type": "TextQuoteSelector", "exact": quote}], "note": f"c{n}"}
                    async with http.post(f"{base}/api/articles/{article_id}/highlights", json=body) as r:
                        if r.status == 201:
                            acked.add((await r.json())["id"])

            clients = [asyncio.ensure_future(client(n)) for n in range(16)]
            await asyncio.sleep(rng.uniform(0.3, 1.0))
            server.stop(signal.SIGKILL)  # mid-load; clients see the connection drop
            await asyncio.gather(*clients, return_exceptions=True)
    with ServerProcess(tmp_path) as server:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            async with http.get(f"{server.origin}/api/articles/{article_id}/highlights") as r:
                kept = {h["id"] for h in (await r.json())["items"]}
    print(f"\n3 kills of `quietpage serve`: {len(acked)} highlights answered 201, all kept")
    assert len(acked) > 50 and acked <= kept
