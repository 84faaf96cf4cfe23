"""What a slow or broken client may cost the real server (`quietpage serve`): any program on this
machine can open connections to it. Raw sockets, as such a program would.

A slowloris (a request head or body trickled a byte at a time, or nothing at all) is cut off;
an idle keep-alive connection is closed; a malformed request is one line in the log, never a
traceback, and a flood of them is a few lines.
"""
from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest

from quietpage.web.serving import LOG_LINES_PER_MINUTE

from server_process import ServerProcess, run_cli

GIVE_UP_S = 30  # far beyond the 1 s bounds set below: only a connection that is never closed fails


def serve(tmp_path, **config) -> ServerProcess:
    data_dir = tmp_path / "library"
    data_dir.mkdir()
    (data_dir / "config.toml").write_text("".join(f"{k} = {v}\n" for k, v in config.items()))
    server = ServerProcess(data_dir).start()
    server.token = run_cli("token", data_dir=data_dir).stdout.decode().strip()
    return server


@pytest.fixture
def server(tmp_path):
    s = serve(tmp_path, header_timeout_s=1, keepalive_timeout_s=1, body_timeout_s=1)
    yield s
    s.stop()


@pytest.fixture
def slow_keepalive(tmp_path):
    """Only the head deadline can close a connection within GIVE_UP_S (some aiohttp versions
    also start their keep-alive timer when a connection opens)."""
    s = serve(tmp_path, header_timeout_s=1, keepalive_timeout_s=600)
    yield s
    s.stop()


async def connect(server):
    url = urlsplit(server.origin)
    return await asyncio.open_connection(url.hostname, url.port)


async def closed_while(writer, reader, trickle: bytes = b"") -> bytes:
    """Send `trickle` a byte at a time (a slowloris) until the server closes the connection;
    what it answered meanwhile."""
    async def drip():
        for byte in trickle:
            await asyncio.sleep(0.2)
            try:
                writer.write(bytes([byte]))
                await writer.drain()
            except (ConnectionError, OSError):
                return
    dripping = asyncio.create_task(drip())
    try:
        return await asyncio.wait_for(reader.read(), GIVE_UP_S)
    finally:
        dripping.cancel()
        writer.close()


async def test_a_connection_that_sends_nothing_or_trickles_its_head_is_closed(slow_keepalive):
    server = slow_keepalive
    host = urlsplit(server.origin).netloc
    reader, writer = await connect(server)
    assert await closed_while(writer, reader) == b""
    reader, writer = await connect(server)
    head = f"GET /api/health HTTP/1.1\r\nHost: {host}\r\n" + "X-Slow: " + "a" * 500 + "\r\n\r\n"
    assert await closed_while(writer, reader, head.encode()) == b""
    # and the server goes on answering everyone else
    reader, writer = await connect(server)
    writer.write(f"GET /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    assert (await asyncio.wait_for(reader.read(), GIVE_UP_S)).startswith(b"HTTP/1.1 200")


async def test_an_idle_keep_alive_connection_is_closed(server):
    host = urlsplit(server.origin).netloc
    reader, writer = await connect(server)
    writer.write(f"GET /api/health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    answer = await closed_while(writer, reader)  # nothing more sent after the first request
    assert answer.startswith(b"HTTP/1.1 200") and b'"status":"ok"' in answer


@pytest.mark.parametrize("path,ctype", [("/api/articles", "application/json"), ("/api/import", "application/json")])
async def test_a_body_that_stops_arriving_ends_with_408_and_the_connection(server, path, ctype):
    host = urlsplit(server.origin).netloc
    reader, writer = await connect(server)
    writer.write((f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {server.token}\r\n"
                  f"Content-Type: {ctype}\r\nContent-Length: 100000\r\n\r\n" + '{"url": "https://a.example/", ').encode())
    answer = await closed_while(writer, reader)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:300]
    assert b'"code":"request_timeout"' in answer and b"body_timeout_s" in answer


MALFORMED = [
    b"GET / HTTP/1.1\r\nHost: {host}\r\nContent-Length: abc\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
    b"GET / HTTP/1.1\r\nHost: {host}\r\nBad Header: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: {host}\r\nX: " + b"a" * 9000 + b"\r\n\r\n",
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: {host}\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: {host}\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,  # a TLS hello on a plain HTTP port
    b"POST /api/articles HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n",
    b"POST /api/articles HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    b"Content-Length: 50\r\n\r\n{{\"url\": ",  # then the client goes away
]


async def test_malformed_requests_are_one_line_each_and_a_flood_is_a_few(server):
    host = urlsplit(server.origin).netloc
    for i in range(60):
        raw = MALFORMED[i % len(MALFORMED)].replace(b"{host}", host.encode()).replace(b"{token}", server.token.encode())
        reader, writer = await connect(server)
        writer.write(raw.replace(b"{{", b"{").replace(b"}}", b"}"))
        await writer.drain()
        if raw.endswith(b'"url": '):
            writer.close()  # mid-body
            continue
        answer = await asyncio.wait_for(reader.read(), GIVE_UP_S)
        assert answer == b"" or answer[:12] in (b"HTTP/1.0 400", b"HTTP/1.1 400", b"HTTP/1.1 413"), (i, answer[:200])
        writer.close()
    reader, writer = await connect(server)  # still serving
    writer.write(f"GET /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    assert (await asyncio.wait_for(reader.read(), GIVE_UP_S)).startswith(b"HTTP/1.1 200")
    assert server.stop() == 0
    log = "".join(server.output)
    assert "Traceback" not in log, log[-3000:]
    malformed = [line for line in log.splitlines() if "malformed request" in line or "broken request" in line]
    assert 5 <= len(malformed) <= LOG_LINES_PER_MINUTE + 1, log[-3000:]
    assert all(len(line) < 400 for line in log.splitlines()), log[-3000:]
