"""A tiny OpenAI-compatible server for the UI tests: `python openai_stub.py [--port N]`.

It answers any model name on /v1/completions and /v1/chat/completions (streamed when the request
says `"stream": true`), /v1/models and /health. The first stdout line is the port.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PIECES = ("Hello", "!", " I am", " OptiServe's", " test model.")
SEEN: set[str] = set()  # /v1/models lists the names it was asked for, as a real server lists its own


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *a):  # quiet
        pass

    def do_GET(self):
        if self.path.rstrip("/") in ("/health", ""):
            return self._json(200, {})
        if self.path.startswith("/v1/models"):
            names = sorted(SEEN) or ["any"]
            return self._json(200, {"object": "list", "data": [{"id": n, "object": "model"} for n in names]})
        return self._json(404, {"error": "not found"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        chat = self.path.startswith("/v1/chat/completions")
        if not (chat or self.path.startswith("/v1/completions")):
            return self._json(404, {"error": "not found"})
        model = body.get("model") or "model"
        SEEN.add(model)
        if not body.get("stream"):
            text = "".join(PIECES)
            choice = {"index": 0, "finish_reason": "stop"}
            choice.update({"message": {"role": "assistant", "content": text}} if chat else {"text": text})
            return self._json(
                200,
                {
                    "id": "cmpl-1",
                    "object": "chat.completion" if chat else "text_completion",
                    "model": model,
                    "choices": [choice],
                },
            )
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        time.sleep(0.02)
        for piece in PIECES:
            choice = {"index": 0, "finish_reason": None}
            choice.update({"delta": {"content": piece}} if chat else {"text": piece})
            chunk = {"id": "cmpl-1", "object": "text_completion", "model": model, "choices": [choice]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")

    def _json(self, status: int, obj: dict) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args(argv)
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(httpd.server_address[1], flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
