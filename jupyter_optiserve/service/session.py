"""``Session``: the application object under every shell (CLI, REST API, magic, sidebar).

A Session owns the operator's ``Settings`` and what belongs to one configured instance: the catalog,
the cluster connection, the hardware inventory cache and the task registry. Its methods are the
product's verbs; each takes a request body with the CLI's names (``model``, ``kpi``, ``accelerator``,
...) and answers exactly the JSON the CLI prints with ``--json``. Shells only translate: argv, HTTP
or magic lines to a body, and the answer back to text, JSON or a widget.

Bodies from outside are checked once, at the edge: the REST handlers against ``openapi.yaml`` before
they call a verb, the CLI and the magic by argparse. Python callers pass ``check=True`` (the default
for verbs that take a body) to have the Session check the body against the same schema.
"""

from __future__ import annotations

from jupyter_optiserve.service import benchmarks as _benchmarks
from jupyter_optiserve.service import deployments as _deployments
from jupyter_optiserve.service import engine as _engine
from jupyter_optiserve.service import plans as _plans
from jupyter_optiserve.service import prompting as _prompting
from jupyter_optiserve.service.schema import validate
from jupyter_optiserve.service.settings import Settings


class Session:
    def __init__(self, settings: Settings | None = None, **fields):
        """``Session(settings)``, or ``Session(namespace=..., kubeconfig=..., offline=...)`` (Settings' fields)."""
        self.settings = settings if settings is not None else Settings(**fields)

    @staticmethod
    def _checked(schema: str, body: dict, check: bool) -> dict:
        return validate(schema, body) if check else body

    # -- catalog and hardware ---------------------------------------------------------------------------
    def catalog(self):
        return self.settings.catalog()

    def models(self, query: str | None = None) -> list[dict]:
        return _engine.models(query, self.settings)

    def accelerators(self) -> list[dict]:
        return _engine.accelerators(self.settings)

    def runtimes(self) -> list[dict]:
        return _engine.runtimes(self.settings)

    def serving_profiles(self, model: str | None = None, accelerator: str | None = None) -> list[dict]:
        return _engine.profiles(model, accelerator, self.settings)

    def hardware(self, refresh: bool = False) -> dict:
        return _engine.hardware(self.settings, refresh=refresh)

    def inventory(self, refresh: bool = False, accelerator: str | None = None, gpus: int | None = None):
        """The Inventory object (the CLI renders its text from it)."""
        return _engine.inventory(self.settings, refresh, accelerator, gpus)

    # -- sizing -----------------------------------------------------------------------------------------
    def recommend(self, body: dict, check: bool = True) -> dict:
        return _engine.recommend(self._checked("RecommendRequest", body, check), self.settings)

    def recommend_json(self, body: dict, check: bool = True) -> str:
        """The same answer already serialized (memoised): the REST API's hot path."""
        return _engine.recommend_json(self._checked("RecommendRequest", body, check), self.settings)

    def recommend_json_cached(self, body: dict) -> str | None:
        """The memoised answer when it is known and needs no hardware detection, else None (cheap)."""
        return _engine.recommend_json_cached(body, self.settings)

    def recommend_result(self, body: dict):
        """(RecommendResult, its JSON) for a body the caller has checked (the CLI prints the table)."""
        return _engine.recommend_result(body, self.settings)

    def estimate(self, body: dict, check: bool = True) -> dict:
        return _engine.estimate_result(self._checked("EstimateRequest", body, check), self.settings)[1]

    def accuracy(self, data: str, backend: str = "auto"):
        """(rows, summary): the estimator's error against a calibration CSV of measurements."""
        from jupyter_optiserve.calibration import summarize, validate_csv

        rows = validate_csv(self.catalog(), data, backend)
        return rows, summarize(rows)

    # -- plans ------------------------------------------------------------------------------------------
    def render(self, body: dict, check: bool = True) -> dict:
        return _plans.render(self._checked("PlanRequest", body, check), self.settings)

    def preflight(self, body: dict, check: bool = True) -> dict:
        return _plans.preflight(self._checked("PlanRequest", body, check), self.settings)

    def preflight_report(self, body: dict):
        """(Plan, PreflightReport) for a checked body (the CLI prints the report's text)."""
        return _plans.preflight_report(body, self.settings)

    def preview(self, body: dict, check: bool = True) -> dict:
        """``{"render", "preflight"}`` from one plan (one sweep, one connection, the chosen profile)."""
        return _plans.preview(self._checked("PlanRequest", body, check), self.settings)

    def export(self, body: dict, out_dir, force: bool = False, check: bool = True) -> list:
        return _plans.export_folder(self._checked("PlanRequest", body, check), self.settings, out_dir, force)

    def export_zip(self, body: dict, check: bool = True) -> bytes:
        return _plans.export_zip(self._checked("PlanRequest", body, check), self.settings)

    # -- deployments ------------------------------------------------------------------------------------
    def deploy(self, body: dict, check: bool = True) -> dict:
        """Start a tracked deploy in the background; the task's JSON (state ``queued``)."""
        return _deployments.start_deploy(self._checked("DeployRequest", body, check), self.settings)

    def deploy_task(self, body: dict, confirm=None):
        """The same deploy Task, planned but not started, for a caller that runs it in the foreground
        (``task.run()``) with its own subscriber: the CLI. Its connection is the task's to close."""
        conn = _plans.connect_for(body, self.settings, required=True)
        try:
            return _deployments.plan_deploy(body, self.settings, conn, check_collisions=False, confirm=confirm)
        except BaseException:
            conn.close()
            raise

    def task(self, task_id: str):
        """A live task of this session (deploy or benchmark) by id, else None."""
        return self.settings.tasks.get(task_id) or _benchmarks.tasks(self.settings).get(task_id)

    def list(self, namespace: str | None = None, tasks: bool = True) -> dict:
        """The namespace's deployments; with ``tasks`` this session's deploy tasks too (the REST shape)."""
        if tasks:
            return _deployments.list_deployments(self.settings, namespace)
        return _deployments.deployments(self.settings, namespace)

    def status(self, name: str, namespace: str | None = None) -> dict:
        return _deployments.get_deployment(name, self.settings, namespace)

    def status_timeline(self, name: str, namespace: str | None = None):
        """(``optiserve status --json``, its Timeline)."""
        return _deployments.deployment_status(name, self.settings, namespace)

    def stop(self, name: str, namespace: str | None = None) -> dict:
        return _deployments.stop_deployment(name, self.settings, namespace)

    def start(self, name: str, namespace: str | None = None) -> dict:
        return _deployments.stop_deployment(name, self.settings, namespace, start=True)

    def delete(self, name: str, namespace: str | None = None) -> dict:
        return _deployments.delete_deployment(name, self.settings, namespace)

    def cancel(self, name: str, namespace: str | None = None) -> dict:
        return _deployments.cancel_task(name, self.settings, namespace)

    def namespace(self, namespace: str | None = None) -> str:
        """The namespace a verb acts in: the one given, the configured one, else the cluster context's."""
        configured = namespace or self.settings.namespace
        if configured:
            return configured
        conn = self.settings.connect()
        try:
            return conn.namespace
        finally:
            conn.close()

    def prompt(
        self, name: str, text: str, max_tokens: int = 64, namespace: str | None = None, foreign: bool = False
    ) -> dict:
        validate("PromptRequest", {"text": text, "max_tokens": max_tokens})
        return _prompting.prompt(name, text, max_tokens, self.settings, namespace, foreign)

    def prompt_target(self, name: str, namespace: str | None = None, foreign: bool = False):
        """Step 1 of a prompt (Kubernetes calls): the Ready deployment's endpoint and token."""
        return _prompting.prompt_target(name, self.settings, namespace, foreign)

    def send_prompt(self, target, text: str, max_tokens: int = 64, deadline: float | None = None) -> dict:
        """Step 2 of a prompt (the model endpoint, bounded by ``prompt_timeout`` and ``deadline``)."""
        return _prompting.send_prompt(target, text, max_tokens, self.settings, deadline)

    # -- benchmarks -------------------------------------------------------------------------------------
    def benchmark(self, body: dict, check: bool = True) -> dict:
        """Benchmark a deployment in a background task (the server's verb)."""
        return _benchmarks.start_benchmark(self._checked("BenchmarkRequest", body, check), self.settings)

    def measure(self, body: dict, on_progress=None) -> dict:
        """Benchmark in the foreground (the CLI, the magic): a deployment by ``name`` or any ``url``."""
        return _benchmarks.measure(body, self.settings, on_progress)

    def import_benchmark(self, report: str, model=None, endpoint=None, cluster=None) -> dict:
        from jupyter_optiserve.benchmark.guidellm import import_report

        return import_report(report, model=model, endpoint=endpoint, cluster=cluster)

    def benchmarks(self, limit: int = 50) -> dict:
        return _benchmarks.list_benchmarks(self.settings, limit)

    def benchmark_run(self, run_id: str) -> dict:
        return _benchmarks.get_benchmark(run_id, self.settings)

    def benchmarks_csv(self) -> str:
        """Every stored run's levels as CSV (``optiserve benchmarks export``)."""
        from jupyter_optiserve.benchmark.store import Store

        return Store().export_csv()

    def benchmark_database(self) -> str:
        """Where the runs are stored."""
        from jupyter_optiserve.benchmark.store import Store

        return str(Store().path)

    def cancel_benchmark(self, task_id: str) -> dict:
        return _benchmarks.cancel_benchmark(task_id, self.settings)

    def calibrate(self, body: dict, check: bool = True) -> dict:
        return _benchmarks.calibrate(self._checked("CalibrateRequest", body, check))
