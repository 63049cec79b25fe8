"""Runs started from the server: each in its own process, so cancel is real and a crash stays contained.

The worker process claims its job in the store, reports progress there and stores its
result with `record_run`; the server only starts, watches and stops processes.
"""

from __future__ import annotations

import inspect
import multiprocessing as mp
import threading
from importlib import import_module
from typing import Any

from fastapi import HTTPException

from allyforge.store import ACTIVE_STATUSES, RunCancelled, Store, open_store, record_run


def resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


def work(spec: dict[str, Any]) -> None:
    """Entry point of a worker process."""
    st = open_store(spec["store"])
    run_id = spec["run_id"]
    try:
        st.claim(run_id)
        st.progress(run_id, 0.02, "loading the pack")
        from allyforge import load_pack
        from allyforge.scenario import parse_scenario

        net = load_pack(spec["pack"])
        scn = None
        if spec.get("scenario_text") is not None:  # a risk run may read the pack alone
            st.progress(run_id, 0.08, "reading the scenario")
            scn = parse_scenario(spec["scenario_text"], spec.get("scenario_label", "scenario"))
            scn = scn.with_overrides(samples=spec.get("samples"), seed=spec.get("seed"))
        engine = resolve(spec["engine_path"])
        kwargs: dict[str, Any] = dict(spec.get("options") or {})
        if "progress" in inspect.signature(engine).parameters:
            kwargs["progress"] = lambda *a: st.progress(run_id, 0.1 + 0.8 * _fraction(*a), _message(*a))
        st.progress(run_id, 0.1, f"running {spec['engine']}")
        result = engine(net, scn, **kwargs)
        summary = None
        summarize = getattr(result, "summary", None)
        if callable(summarize) and "sensitivity" in inspect.signature(summarize).parameters:
            want = bool(spec.get("sensitivity"))
            st.progress(run_id, 0.9, "one-at-a-time sensitivity (reruns per ranged assumption)" if want else "summarizing")
            summary = summarize(sensitivity=want)
        st.progress(run_id, 0.95, "storing the results")
        record_run(result, engine=spec["engine"], network=net, scenario=scn, store=st, run_id=run_id, settings=spec.get("settings"), summary=summary)
    except RunCancelled:
        st.fail_run(run_id, "cancelled", status="cancelled")
    except BaseException as e:  # the job records why it stopped; the process then ends
        st.fail_run(run_id, f"{type(e).__name__}: {e}")
        raise SystemExit(1) from None


def _context() -> mp.context.BaseContext:
    """A fork server with the heavy imports done once, where the platform has one; else spawn.

    Never plain fork: the server has threads, and a forked copy of a threaded process may deadlock.
    """
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["allyforge.api.jobs", "allyforge.pack", "allyforge.scenario", "allyforge.risk", "pandas", "pyarrow.parquet"])
        return ctx
    return mp.get_context("spawn")


def _message(*a: Any) -> str:
    """An engine reporting (fraction, message) names its stage; others are just running."""
    return next((x for x in a if isinstance(x, str)), "running")


def _fraction(*a: Any) -> float:
    """Engines report progress as a fraction, or as (done, total), or as (fraction, message)."""
    if len(a) >= 2 and isinstance(a[1], (int, float)) and a[1]:
        return min(1.0, float(a[0]) / float(a[1]))
    return min(1.0, float(a[0]))


class JobRunner:
    """Starts worker processes, caps how many run at once, cancels them."""

    def __init__(self, store: Store, max_jobs: int) -> None:
        self.store, self.max_jobs = store, max_jobs
        self._procs: dict[str, mp.process.BaseProcess] = {}
        self._lock = threading.Lock()
        self._ctx = _context()

    def active(self) -> int:
        with self._lock:
            return sum(p.is_alive() or p.exitcode is None for p in self._procs.values())

    def reserve(self) -> None:
        if self.active() >= self.max_jobs:
            raise HTTPException(429, f"this server already runs {self.max_jobs} job(s) at once; wait for one to finish or cancel one", headers={"Retry-After": "5"})

    def start(self, spec: dict[str, Any]) -> None:
        p = self._ctx.Process(target=work, args=(spec,), name=f"allyforge-run-{spec['run_id']}", daemon=True)
        with self._lock:
            self._procs[spec["run_id"]] = p
        p.start()
        threading.Thread(target=self._watch, args=(spec["run_id"], p), daemon=True).start()

    def _watch(self, run_id: str, p: mp.process.BaseProcess) -> None:
        p.join()
        try:
            if self.store.run(run_id).status in ACTIVE_STATUSES:
                self.store.fail_run(run_id, f"the worker process ended with exit code {p.exitcode} before storing a result")
        finally:
            with self._lock:
                self._procs.pop(run_id, None)

    def cancel(self, run_id: str) -> str:
        status = self.store.request_cancel(run_id)
        if status not in ACTIVE_STATUSES:
            return status
        self.store.fail_run(run_id, "cancelled", status="cancelled")
        with self._lock:
            p = self._procs.get(run_id)
        if p is not None and p.is_alive():
            p.terminate()
            p.join(10)
        return self.store.run(run_id).status

    def shutdown(self) -> None:
        with self._lock:
            procs = list(self._procs.items())
        for run_id, p in procs:
            if p.is_alive():
                self.cancel(run_id)
