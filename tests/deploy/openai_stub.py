"""A tiny OpenAI-compatible server (stdlib http.server) for the first-response check.

``/v1/completions`` streams SSE chunks after ``delay`` seconds; ``token`` makes it demand a bearer
token; ``fail`` makes it answer with that (status, body) instead.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OpenAIStub:
    def __init__(self, model: str = "granite", token: str | None = None, delay: float = 0.05,
                 fail: tuple[int, str] | None = None):
        self.model, self.token, self.delay, self.fail = model, token, delay, fail
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                stub.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                if stub.fail:
                    return self._send(*stub.fail)
                if stub.token and self.headers.get("Authorization") != f"Bearer {stub.token}":
                    return self._send(401, '{"error": "Unauthorized"}')
                if self.path != "/v1/completions":
                    return self._send(404, '{"error": "not found"}')
                if body.get("model") != stub.model:
                    return self._send(404, json.dumps({"error": f"The model `{body.get('model')}` does not exist."}))
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                time.sleep(stub.delay)
                for piece in ("Hello", "!", " I am", " here."):
                    chunk = {"id": "cmpl-1", "object": "text_completion", "model": stub.model,
                             "choices": [{"index": 0, "text": piece, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")

            def _send(self, status: int, text: str):
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> "OpenAIStub":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
