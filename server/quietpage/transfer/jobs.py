"""Fetches, imports and image archiving run in the background of the server, with a live count
the page can poll.

One fetch at a time per app: asking again while one runs returns it, so two clicks never fetch
the same pages twice. Finished runs are kept (the last few) so a late poll still gets its
result. A run can be cancelled (an import's Cancel); on shutdown, running jobs are cancelled
before the store closes."""
from __future__ import annotations

import asyncio
import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from ..clock import now_iso
from ..errors import NotFound, QuietPageError

log = logging.getLogger(__name__)
KEEP_FINISHED = 10
MAX_ERRORS_SHOWN = 50


@dataclass
class FetchJob:
    id: str
    total: int
    started_at: str
    done: int = 0
    failed: int = 0
    state: str = "running"  # running | done | failed | cancelled
    errors: list[dict] = field(default_factory=list)
    finished_at: str | None = None
    task: asyncio.Task | None = None
    result: dict | None = None  # what the run returned
    problem: QuietPageError | None = None  # why it failed, when it was refused (an invalid file)
    noun = "fetch job"

    def to_json(self) -> dict:
        return {"id": self.id, "state": self.state, "total": self.total, "done": self.done,
                "fetched": self.done - self.failed, "failed": self.failed, "errors": self.errors,
                "started_at": self.started_at, "finished_at": self.finished_at}

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def error(self, article_id: str, url: str, message: str) -> None:
        self.failed += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append({"article_id": article_id, "url": url, "error": message})


@dataclass
class ImportJob(FetchJob):
    """An import: how far it got; once over, what it imported or why it could not."""
    noun = "import"

    def to_json(self) -> dict:
        return {"id": self.id, "state": self.state, "total": self.total, "done": self.done,
                "started_at": self.started_at, "finished_at": self.finished_at, "result": self.result,
                "error": self.problem.to_json()["error"] if self.problem else None}


Run = Callable[[FetchJob], Awaitable[dict]]


class FetchJobs:
    def __init__(self, kind: type[FetchJob] = FetchJob):
        self.kind = kind
        self._jobs: OrderedDict[str, FetchJob] = OrderedDict()

    def running(self) -> FetchJob | None:
        return next((j for j in self._jobs.values() if j.state == "running"), None)

    def start(self, total: int, run: Run) -> FetchJob:
        job = self.kind(id=secrets.token_urlsafe(9), total=total, started_at=now_iso())
        self._jobs[job.id] = job
        job.task = asyncio.get_running_loop().create_task(self._run(job, run))
        while len(self._jobs) > KEEP_FINISHED + 1:
            oldest = next((k for k, j in self._jobs.items() if j.state != "running"), None)
            if oldest is None:
                break
            del self._jobs[oldest]
        return job

    async def _run(self, job: FetchJob, run: Run) -> None:
        try:
            result = await run(job)
            job.result = result if isinstance(result, dict) else None
            job.state = "done"
        except asyncio.CancelledError:
            job.state = "cancelled"
            raise
        except QuietPageError as exc:  # refused with a reason (an invalid import file): no traceback
            job.problem, job.state = exc, "failed"
        except Exception:
            log.exception("%s %s failed", job.noun, job.id)
            job.state = "failed"
        finally:
            job.finished_at = now_iso()

    def get(self, job_id: str) -> FetchJob:
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"No {self.kind.noun} with id {job_id!r} (finished ones are kept a short while).")
        return job

    async def cancel(self, job: FetchJob) -> None:
        """Cancel a running job and wait until it has stopped (an import: at its next article,
        each article whole)."""
        if job.task is not None and not job.task.done():
            job.task.cancel()
            await asyncio.wait({job.task})

    async def close(self) -> None:
        tasks = [j.task for j in self._jobs.values() if j.task is not None and not j.task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
