"""Hugging Face ids not in the catalog: config.json from the Hub (a local stand-in here)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.errors import InvalidInputError, NotFoundError

CONFIG = {"architectures": ["Qwen2ForCausalLM"], "num_hidden_layers": 24, "hidden_size": 896, "intermediate_size": 4864,
          "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 151936, "max_position_embeddings": 32768,
          "tie_word_embeddings": True, "torch_dtype": "bfloat16"}


class Hub(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/acme/tiny-0.5b/resolve/main/config.json":
            body, code = json.dumps(CONFIG).encode(), 200
        elif self.path.startswith("/acme/gated"):
            body, code = b"{}", 401
        else:
            body, code = b"{}", 404
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture()
def hub(monkeypatch):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{srv.server_port}")
    yield srv
    srv.shutdown()


def test_hub_config_describes_the_model(hub):
    m, _ = load_catalog().resolve_model("acme/tiny-0.5b")
    assert m.origin == "hub" and m.layers == 24 and m.kv_heads == 2
    assert 0.4e9 < m.total_params < 0.6e9


def test_gated_and_missing(hub):
    with pytest.raises(InvalidInputError, match="gated or private"):
        load_catalog().resolve_model("acme/gated-model")
    with pytest.raises(NotFoundError, match="no config.json"):
        load_catalog().resolve_model("acme/nothing-here")


def test_unreachable_hub_is_a_clear_error(monkeypatch):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    with pytest.raises(InvalidInputError, match="unreachable"):
        load_catalog().resolve_model("acme/tiny-0.5b")
