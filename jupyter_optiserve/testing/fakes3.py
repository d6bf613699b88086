"""A tiny local S3 endpoint for tests: ListObjectsV2 over path-style URLs, with pages, SigV4 key and
session-token checks, and optional TLS (a self-signed certificate, as MinIO/ODF often have).

Only what the S3 connection check uses; every other request answers 501.
"""

from __future__ import annotations

import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"


class FakeS3:
    """``with FakeS3({"bucket": {"key": size}}) as s3: s3.url``; ``s3.requests`` counts list calls."""

    def __init__(
        self,
        buckets: dict[str, dict[str, int]],
        access_key: str = "AKIDEXAMPLE",
        session_token: str = "",
        page_size: int = 1000,
        certfile: str = "",
        keyfile: str = "",
    ):
        self.buckets, self.access_key, self.session_token = buckets, access_key, session_token
        self.page_size, self.requests = page_size, 0
        self._srv = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.scheme = "http"
        if certfile:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(certfile, keyfile)
            self._srv.socket = ctx.wrap_socket(self._srv.socket, server_side=True)
            self.scheme = "https"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self._srv.server_address[1]}"

    def __enter__(self) -> FakeS3:
        threading.Thread(target=self._srv.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._srv.shutdown()
        self._srv.server_close()

    def answer(self, path: str, query: dict, headers) -> tuple[int, str]:
        auth = headers.get("Authorization") or ""
        if not auth.startswith(f"AWS4-HMAC-SHA256 Credential={self.access_key}/"):
            return 403, _error("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist")
        if self.session_token and headers.get("X-Amz-Security-Token") != self.session_token:
            return 400, _error("InvalidToken", "The provided token is malformed or otherwise invalid")
        bucket = path.strip("/").split("/")[0]
        if bucket not in self.buckets:
            return 404, _error("NoSuchBucket", "The specified bucket does not exist")
        if query.get("list-type") != "2":
            return 501, _error("NotImplemented", "only ListObjectsV2")
        self.requests += 1
        prefix = query.get("prefix", "")
        names = sorted(k for k in self.buckets[bucket] if k.startswith(prefix))
        start = int(query.get("continuation-token") or 0)
        size = min(self.page_size, int(query.get("max-keys") or 1000))
        page = names[start : start + size]
        more = start + size < len(names)
        items = "".join(
            f"<Contents><Key>{escape(k)}</Key><Size>{self.buckets[bucket][k]}</Size></Contents>" for k in page
        )
        token = f"<NextContinuationToken>{start + size}</NextContinuationToken>" if more else ""
        return 200, (
            f'<ListBucketResult xmlns="{_XMLNS}"><Name>{escape(bucket)}</Name><Prefix>{escape(prefix)}</Prefix>'
            f"<KeyCount>{len(page)}</KeyCount><MaxKeys>{size}</MaxKeys>"
            f"<IsTruncated>{'true' if more else 'false'}</IsTruncated>{token}{items}</ListBucketResult>"
        )


def _error(code: str, message: str) -> str:
    return f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"


def _handler(fake: FakeS3):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            u = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(u.query, keep_blank_values=True).items()}
            status, body = fake.answer(u.path, query, self.headers)
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
