"""Model endpoints that misbehave slowly: one that never answers, one that answers 200 then only sends
SSE comment lines (a keep-alive trickle). Loopback only."""

from __future__ import annotations

import socket
import threading
import time


class SlowEndpoint:
    """``mode="hang"``: accept, read, never answer. ``mode="trickle"``: answer 200, then ``: ping`` lines."""

    def __init__(self, mode: str = "hang", every: float = 0.2):
        self.mode, self.every = mode, every
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.stop = threading.Event()
        self.accepted = 0
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            t = threading.Thread(target=self._client, args=(conn,), daemon=True)
            t.start()

    def _client(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(0.2)
            try:
                conn.recv(65536)
            except OSError:
                pass
            if self.mode == "trickle":
                try:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n")
                except OSError:
                    return
            while not self.stop.wait(self.every):
                if self.mode == "trickle":
                    try:
                        conn.sendall(b": ping\n\n")
                    except OSError:
                        return

    def __enter__(self) -> SlowEndpoint:
        t = threading.Thread(target=self._serve, daemon=True)
        t.start()
        self.threads.append(t)
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        time.sleep(0.05)
        self.sock.close()
