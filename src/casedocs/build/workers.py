"""Worker processes for a build: one per core, started before the inputs load.

Rendering is most of a build, and every output renders on its own, so a pool of forked
workers renders them side by side. The pool starts before the cases are validated, and each
worker imports the renderers (reportlab, python-pptx, pypdf) while this process loads: that
import time is paid once per worker and overlaps the rest. Tasks and results cross as pickles;
a worker keeps its own image cache. CASEDOCS_JOBS=N sets the number of workers; 1 renders in
this process, with no pool.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from casedocs.errors import UserError

Result = TypeVar("Result")
WARM_UP_MODULES = (
    "casedocs.render.handout.pdf",
    "casedocs.render.deck.files",
    "pypdf",
)
_worker_images: Any = None  # a worker's own FigureImages, made by _warm_up


def worker_count() -> int:
    """CASEDOCS_JOBS, else the number of cores; 1 where fork() is not available."""
    if not hasattr(os, "fork"):
        return 1
    setting = os.environ.get("CASEDOCS_JOBS", "").strip()
    if setting.isdigit() and int(setting) > 0:
        return int(setting)
    return os.cpu_count() or 1


class RenderPool:
    """Runs tasks in worker processes (or here, with one job); start it early."""

    def __init__(self, cache_dir: Path | None, jobs: int | None = None, images: Any = None):
        """`images`: this process's FigureImages, used when rendering here (one job)."""
        self.jobs = jobs or worker_count()
        self._executor: ProcessPoolExecutor | None = None
        if self.jobs > 1:
            self._executor = ProcessPoolExecutor(
                self.jobs,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_warm_up,
                initargs=(cache_dir,),
            )
            for _ in range(self.jobs):  # start every worker now, not on the first task
                self._executor.submit(os.getpid)
        else:
            _warm_up(cache_dir, import_renderers=False, images=images)

    def run(self, task: Callable[..., Result], items: Iterable[Any]) -> Iterator[Result]:
        """task(item) for each item, results in the items' order."""
        if self._executor is None:
            yield from (task(item) for item in items)
            return
        futures: list[Future] = [self._executor.submit(task, item) for item in items]
        try:
            for future in futures:
                yield future.result()
        except BrokenProcessPool:
            raise UserError(
                "a build process ended without a result (killed, or out of memory); "
                "try again with CASEDOCS_JOBS=1"
            ) from None
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def worker_images() -> Any:
    """This process's FigureImages: a worker's own, or this process's with one job."""
    return _worker_images


def _warm_up(cache_dir: Path | None, import_renderers: bool = True, images: Any = None) -> None:
    global _worker_images
    from casedocs.figures import FigureImages

    _worker_images = images or FigureImages(cache_dir)
    if import_renderers:
        for module in WARM_UP_MODULES:
            __import__(module)
