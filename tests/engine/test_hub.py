"""Hugging Face ids not in the catalog: config.json from the Hub (a local stand-in here)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.errors import InvalidInputError, NotFoundError

CONFIG = {
    "architectures": ["Qwen2ForCausalLM"],
    "num_hidden_layers": 24,
    "hidden_size": 896,
    "intermediate_size": 4864,
    "num_attention_heads": 14,
    "num_key_value_heads": 2,
    "vocab_size": 151936,
    "max_position_embeddings": 32768,
    "tie_word_embeddings": True,
    "torch_dtype": "bfloat16",
}


class Hub(BaseHTTPRequestHandler):
    def do_GET(self):
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


class _Redirecting(BaseHTTPRequestHandler):
    """The "Hub": redirects config.json to another host (a CDN), which records what it receives."""

    seen: list = []
    target = ""
    body = b"{}"

    def do_GET(self):
        type(self).seen.append((self.server.server_port, self.headers.get("Authorization")))
        if self.path.startswith("/acme/"):
            self.send_response(302)
            self.send_header("Location", type(self).target + "/cdn/config.json")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(type(self).body)))
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *a):
        pass


def _serve(handler, host="127.0.0.1"):
    srv = ThreadingHTTPServer((host, 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def test_the_token_never_follows_a_redirect_to_another_host(monkeypatch):
    _Redirecting.seen, _Redirecting.body = [], json.dumps(CONFIG).encode()
    hub, cdn = _serve(_Redirecting), _serve(_Redirecting)
    try:
        _Redirecting.target = f"http://localhost:{cdn.server_port}"  # another origin than 127.0.0.1
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{hub.server_port}")
        monkeypatch.setenv("HF_TOKEN", "hf_secret_token")
        m, _ = load_catalog().resolve_model("acme/tiny-0.5b")
        assert m.layers == 24
        assert (hub.server_port, "Bearer hf_secret_token") in _Redirecting.seen  # the Hub itself gets it
        assert all(auth is None for port, auth in _Redirecting.seen if port == cdn.server_port), _Redirecting.seen
    finally:
        hub.shutdown()
        cdn.shutdown()


@pytest.mark.parametrize("length", [True, False])
def test_an_oversized_config_is_refused_without_reading_it_all(monkeypatch, length):
    class Huge(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.send_response(200)
            if length:
                self.send_header("Content-Length", str(200_000_000))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"[" * 65536
            try:
                for _ in range(200_000_000 // len(chunk)):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if not length else chunk)
            except OSError:
                pass

        def log_message(self, *a):
            pass

    srv = _serve(Huge)
    try:
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{srv.server_port}")
        with pytest.raises(InvalidInputError, match="larger than"):
            load_catalog().resolve_model("acme/huge", timeout=20)
    finally:
        srv.shutdown()


@pytest.mark.parametrize(
    "bad", [{"hidden_size": 10**400}, {"hidden_size": "4096x"}, {"num_hidden_layers": -3}, {"hidden_size": 1e308}]
)
def test_a_config_with_unusable_numbers_is_a_clear_error(monkeypatch, bad):
    _Redirecting.seen, _Redirecting.body = [], json.dumps({**CONFIG, **bad}).encode()
    srv = _serve(_Redirecting)
    try:
        _Redirecting.target = f"http://127.0.0.1:{srv.server_port}"
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{srv.server_port}")
        with pytest.raises(InvalidInputError, match="config.json"):
            load_catalog().resolve_model("acme/weird")
    finally:
        srv.shutdown()


def test_offline_mode_never_asks_the_hub(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(InvalidInputError, match="HF_HUB_OFFLINE"):
        load_catalog().resolve_model("acme/tiny-0.5b")


@pytest.mark.parametrize("name", ["~6", "~nobody-here/model", "~6/config.json"])
def test_a_model_starting_with_an_unknown_home_is_a_clear_error(name):
    with pytest.raises((InvalidInputError, NotFoundError)):
        load_catalog().resolve_model(name, allow_hub=False)
