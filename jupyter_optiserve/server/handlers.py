"""Thin REST handlers over the ``Session``: check the request against ``openapi.yaml`` (the only check
of a body), call one verb in the executor, answer JSON.

Every verb is ``@tornado.web.authenticated`` (Jupyter's token or session cookie, XSRF for cookie
requests as Jupyter Server checks it). Blocking engine, Kubernetes and NVML work runs in the
extension's thread pool, so the event loop never waits on it. Errors are
``{"error", "detail", "hint"}`` with the OptiServeError's HTTP status.
"""

from __future__ import annotations

import asyncio
import functools
import time
from http.client import responses

import tornado.web
from jupyter_server.base.handlers import APIHandler
from tornado.ioloop import IOLoop

from jupyter_optiserve import service
from jupyter_optiserve.errors import OptiServeError
from jupyter_optiserve.server.validation import check_body, check_params
from jupyter_optiserve.service import jsonsafe
from jupyter_optiserve.service.schema import openapi_json

DEFAULT_MAX_BODY = 1_000_000  # bytes; OptiServe's largest body (a prompt) is ~20 kB

_HINTS = {
    403: "send the Jupyter token (Authorization: token ...) or the session cookie with X-XSRFToken",
    404: "see GET /optiserve/openapi.json for the endpoints",
    405: "see GET /optiserve/openapi.json",
    413: "send a smaller body (the administrator sets c.OptiServeApp.max_body_bytes)",
}


@tornado.web.stream_request_body
class OptiServeHandler(APIHandler):
    """Base: settings, executor, validation and the error shape.

    Bodies are streamed in (``stream_request_body``) so that their size is checked before they are read:
    a body over ``max_body_bytes`` answers 413 instead of filling memory and holding the event loop."""

    api_path = ""  # the path in openapi.yaml
    _chunks: list

    async def prepare(self) -> None:  # type: ignore[override]  # as jupyter_server's APIHandler.prepare (no kwarg)
        self._chunks = []
        await super().prepare()  # authentication and XSRF first: an anonymous body is never read
        limit = self.settings.get("optiserve_max_body", DEFAULT_MAX_BODY)
        declared = self.request.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise tornado.web.HTTPError(413, f"the body is larger than {limit} bytes")
        if self.request.connection is not None and hasattr(self.request.connection, "set_max_body_size"):
            self.request.connection.set_max_body_size(limit)

    def data_received(self, chunk: bytes) -> None:
        # a chunked body past the limit is cut off by the connection (set_max_body_size), not here:
        # an exception raised in data_received would be logged as uncaught
        self._chunks.append(chunk)

    @property
    def optiserve(self) -> service.Settings:
        return self.settings["optiserve"]

    @property
    def session(self) -> service.Session:
        return self.settings["optiserve_session"]

    async def blocking(self, fn, *args, **kw):
        """Run ``fn`` (Kubernetes, NVML, files) in the extension's I/O thread pool, never on the event loop."""
        return await IOLoop.current().run_in_executor(
            self.settings["optiserve_executor"], functools.partial(fn, *args, **kw)
        )

    async def compute(self, fn, *args, **kw):
        """Run pure-Python engine work (catalog, recommend, estimate) off the event loop on the small CPU
        pool: more threads would not run it faster (the GIL) but would make the loop wait longer for it."""
        return await IOLoop.current().run_in_executor(
            self.settings["optiserve_cpu_executor"], functools.partial(fn, *args, **kw)
        )

    async def endpoint(self, fn, *args, **kw):
        """Run a call to a model endpoint on its own small pool: a slow endpoint never delays Kubernetes calls."""
        return await IOLoop.current().run_in_executor(
            self.settings["optiserve_endpoint_executor"], functools.partial(fn, *args, **kw)
        )

    def params(self, method: str) -> dict:
        return check_params(self.api_path, method, self.request.query_arguments, self.path_kwargs or {})

    async def body(self, method: str = "post") -> dict | None:
        """The validated JSON body; a large one is parsed on the CPU pool, not on the event loop."""
        raw = b"".join(self._chunks)
        if len(raw) > 65536:
            body = await self.compute(check_body, self.api_path, method, raw)
        else:
            body = check_body(self.api_path, method, raw)
        if body and "target" in body:  # the old spelling of deployment_kind: still served, for one release
            self.set_header("Deprecation", "true")
            self.log.warning("optiserve: %s: 'target' is deprecated; send 'deployment_kind'", self.request.path)
        return body

    def reply(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.finish(jsonsafe.dumps(data, default=str))

    def write_error(self, status_code: int, **kwargs) -> None:
        exc = (kwargs.get("exc_info") or (None, None, None))[1]
        if isinstance(exc, OptiServeError):
            status_code, body = exc.status, exc.to_dict()
        elif isinstance(exc, tornado.web.HTTPError) or exc is None:
            text = responses.get(status_code, "Error")
            body = {
                "error": text.replace(" ", ""),
                "detail": getattr(exc, "log_message", None) or text,
                "hint": _HINTS.get(status_code, ""),
            }
        else:
            body = {
                "error": "InternalError",
                "detail": f"unexpected {type(exc).__name__}",
                "hint": "see the Jupyter server log",
            }
        if status_code == 405:  # RFC 9110: a 405 names the methods the resource has
            self.set_header("Allow", ", ".join(self.allowed_methods()))
        self.set_status(status_code)
        self.finish(jsonsafe.dumps(body, default=str))

    @classmethod
    def allowed_methods(cls) -> list[str]:
        return [
            m
            for m in ("GET", "POST", "PUT", "PATCH", "DELETE")
            if getattr(cls, m.lower()) is not getattr(tornado.web.RequestHandler, m.lower())
        ]

    def log_exception(self, typ, value, tb) -> None:
        if isinstance(value, OptiServeError):  # expected: the user's input or the cluster, no traceback
            self.log.warning(
                "optiserve: %s %s -> %s %s: %s",
                self.request.method,
                self.request.path,
                value.status,
                type(value).__name__,
                value.message,
            )
            return
        super().log_exception(typ, value, tb)


def _ns(params: dict) -> str | None:
    return params.get("namespace")


# -- catalogs and hardware ----------------------------------------------------------------------------
class HardwareHandler(OptiServeHandler):
    api_path = "/optiserve/hardware"

    @tornado.web.authenticated
    async def get(self):
        refresh = self.params("get").get("refresh") in ("1", "true")
        self.reply(await self.blocking(self.session.hardware, refresh=refresh))


class ModelsHandler(OptiServeHandler):
    api_path = "/optiserve/models"

    @tornado.web.authenticated
    async def get(self):
        self.reply(await self.compute(self.session.models, self.params("get").get("q")))


class AcceleratorsHandler(OptiServeHandler):
    api_path = "/optiserve/accelerators"

    @tornado.web.authenticated
    async def get(self):
        self.params("get")
        self.reply(await self.compute(self.session.accelerators))


class RuntimesHandler(OptiServeHandler):
    api_path = "/optiserve/runtimes"

    @tornado.web.authenticated
    async def get(self):
        self.params("get")
        self.reply(await self.compute(self.session.runtimes))


class ProfilesHandler(OptiServeHandler):
    api_path = "/optiserve/profiles"

    @tornado.web.authenticated
    async def get(self):
        p = self.params("get")
        self.reply(await self.compute(self.session.serving_profiles, p.get("model"), p.get("accelerator")))


# -- engine and plans ---------------------------------------------------------------------------------
class _BodyHandler(OptiServeHandler):
    """POST a JSON body to one Session verb."""

    verb = ""  # the Session method: verb(body, check=False) -> JSON (the body was checked in body())
    cpu = False  # pure engine work (no cluster): the CPU pool

    @tornado.web.authenticated
    async def post(self):
        body = await self.body()
        run = (
            self.compute
            if self.cpu
            and (
                self.optiserve.offline
                or body.get("accelerator")
                or body.get("no_detect")
                or self.api_path.endswith("estimate")
            )
            else self.blocking
        )  # without an accelerator, recommend may detect the hardware (cluster I/O)
        self.reply(await run(getattr(self.session, self.verb), body, check=False))


class RecommendHandler(_BodyHandler):
    # the service memoizes the serialized answer: the loop only writes bytes
    api_path, verb, cpu = "/optiserve/recommend", "recommend_json", True

    @tornado.web.authenticated
    async def post(self):
        cached = self.session.recommend_json_cached(await self.body())  # body checked on the way
        if cached is not None:
            return self.reply(cached)
        await super().post()

    def reply(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(data)


class EstimateHandler(_BodyHandler):
    api_path, verb, cpu = "/optiserve/estimate", "estimate", True


class RenderHandler(_BodyHandler):
    api_path, verb = "/optiserve/render", "render"


class PreflightHandler(_BodyHandler):
    api_path, verb = "/optiserve/preflight", "preflight"


class PreviewHandler(_BodyHandler):
    """Render and preflight from one plan: ``{"render", "preflight"}``."""

    api_path, verb = "/optiserve/preview", "preview"


class ExportHandler(OptiServeHandler):
    api_path = "/optiserve/export"

    @tornado.web.authenticated
    async def post(self):
        from jupyter_optiserve.service.plans import zip_name

        data = await self.blocking(self.session.export_zip, await self.body(), check=False)
        self.set_header("Content-Disposition", f'attachment; filename="{zip_name(data)}"')
        self.finish(data, set_content_type="application/zip")


# -- deployments --------------------------------------------------------------------------------------
class DeploymentsHandler(OptiServeHandler):
    api_path = "/optiserve/deployments"

    @tornado.web.authenticated
    async def get(self):
        p = self.params("get")
        self.reply(await self.blocking(self.session.list, _ns(p)))

    @tornado.web.authenticated
    async def post(self):
        body = await self.body()
        task = await self.blocking(self.session.deploy, body, check=False)
        self.set_header("Location", self.request.path.rstrip("/") + "/" + task["name"])
        self.reply(task, status=202)


class DeploymentHandler(OptiServeHandler):
    api_path = "/optiserve/deployments/{name}"

    @tornado.web.authenticated
    async def get(self, name):
        p = self.params("get")
        self.reply(await self.blocking(self.session.status, name, _ns(p)))

    @tornado.web.authenticated
    async def delete(self, name):
        p = self.params("delete")
        self.reply(await self.blocking(self.session.delete, name, _ns(p)))


class StopHandler(OptiServeHandler):
    api_path = "/optiserve/deployments/{name}/stop"

    @tornado.web.authenticated
    async def post(self, name):
        p = self.params("post")
        body = await self.body() or {}
        verb = self.session.start if body.get("start") else self.session.stop
        self.reply(await self.blocking(verb, name, _ns(p)))


class CancelHandler(OptiServeHandler):
    api_path = "/optiserve/deployments/{name}/cancel"

    @tornado.web.authenticated
    async def post(self, name):
        p = self.params("post")
        self.reply(await self.blocking(self.session.cancel, name, _ns(p)))


class PromptHandler(OptiServeHandler):
    api_path = "/optiserve/deployments/{name}/prompt"

    @tornado.web.authenticated
    async def post(self, name):
        p = self.params("post")
        body = await self.body()
        deadline = time.monotonic() + self.optiserve.prompt_timeout  # the wait for a free worker counts too
        target = await self.blocking(self.session.prompt_target, name, _ns(p), foreign=bool(body.get("foreign")))
        try:  # the worker honours the deadline itself; this also bounds what it cannot (a DNS lookup)
            answer = await asyncio.wait_for(
                self.endpoint(self.session.send_prompt, target, body["text"], body.get("max_tokens", 64), deadline),
                timeout=max(0.1, deadline - time.monotonic()) + 2.0,
            )
        except TimeoutError:
            from jupyter_optiserve.deploy.smoke import SmokeResult

            answer = SmokeResult(
                False,
                target.url,
                error=f"no answer within {self.optiserve.prompt_timeout:g} s",
                cause="the endpoint did not answer in time",
                fix="check that the engine is up (its logs), then try again",
            ).to_dict()
        self.reply(answer)


# -- meta ---------------------------------------------------------------------------------------------
class ConfigHandler(OptiServeHandler):
    api_path = "/optiserve/config"

    @tornado.web.authenticated
    async def get(self):
        self.reply(self.optiserve.public())


class OpenAPIHandler(OptiServeHandler):
    api_path = "/optiserve/openapi.json"

    @tornado.web.authenticated
    async def get(self):
        self.finish(openapi_json())


def routes() -> list[tuple[str, type]]:
    """(pattern relative to base_url, handler); ExtensionApp prefixes base_url."""
    from jupyter_optiserve.server.benchmark_handlers import routes as benchmark_routes
    from jupyter_optiserve.server.sse import EventsHandler

    name = r"(?P<name>[^/]+)"
    return [
        ("/optiserve/hardware", HardwareHandler),
        ("/optiserve/models", ModelsHandler),
        ("/optiserve/accelerators", AcceleratorsHandler),
        ("/optiserve/runtimes", RuntimesHandler),
        ("/optiserve/profiles", ProfilesHandler),
        ("/optiserve/recommend", RecommendHandler),
        ("/optiserve/estimate", EstimateHandler),
        ("/optiserve/render", RenderHandler),
        ("/optiserve/preflight", PreflightHandler),
        ("/optiserve/preview", PreviewHandler),
        ("/optiserve/export", ExportHandler),
        ("/optiserve/deployments", DeploymentsHandler),
        (f"/optiserve/deployments/{name}", DeploymentHandler),
        (f"/optiserve/deployments/{name}/stop", StopHandler),
        (f"/optiserve/deployments/{name}/cancel", CancelHandler),
        (f"/optiserve/deployments/{name}/events", EventsHandler),
        (f"/optiserve/deployments/{name}/prompt", PromptHandler),
        ("/optiserve/config", ConfigHandler),
        ("/optiserve/openapi.json", OpenAPIHandler),
        *benchmark_routes(),
    ]
