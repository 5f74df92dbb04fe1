"""/health, /version (no login needed, as in Airflow) and /importErrors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from tradewind.api import serialize
from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset, page
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import NotFound, TradewindException
from tradewind.permissions import READ_DAGS

router = APIRouter(tags=["Monitoring"])


def heartbeat_threshold() -> timedelta:
    """[scheduler] scheduler_health_check_threshold: how old a heartbeat may be for "healthy"."""
    from tradewind.config import conf

    return timedelta(seconds=conf.getfloat("scheduler", "scheduler_health_check_threshold", fallback=30.0))


def health_status() -> dict[str, Any]:
    """Database reachable? Scheduler and triggerer heartbeats within the threshold? (API and UI footer.)

    As Airflow's: the triggerer's status is None when no triggerer has ever run (it is optional).
    """
    from tradewind.store import jobs
    from tradewind.store.ui_queries import ping

    try:
        ping()
        scheduler, triggerer = jobs.latest_job(jobs.SCHEDULER), jobs.latest_job(jobs.TRIGGERER)
        workers = _celery_workers()
    except TradewindException:
        return {
            "metadatabase": {"status": "unhealthy"},
            "scheduler": {"status": "unhealthy", "latest_scheduler_heartbeat": None},
            "triggerer": {"status": None, "latest_triggerer_heartbeat": None},
            "celery_worker": {"status": None, "alive_workers": None},
        }
    return {
        "metadatabase": {"status": "healthy"},
        "scheduler": {
            "status": _job_status(scheduler),
            "latest_scheduler_heartbeat": serialize.iso(scheduler.latest_heartbeat if scheduler else None),
        },
        "triggerer": {
            "status": _job_status(triggerer) if triggerer is not None else None,
            "latest_triggerer_heartbeat": serialize.iso(triggerer.latest_heartbeat if triggerer else None),
        },
        "celery_worker": workers,
    }


def _celery_workers() -> dict[str, Any]:
    """Celery workers (`tradewind celery worker`) alive by their heartbeat; status None if none ever ran."""
    from tradewind.executors.celery.worker import JOB_TYPE
    from tradewind.store import jobs

    if jobs.latest_job(JOB_TYPE) is None:
        return {"status": None, "alive_workers": None}
    alive = len(jobs.alive_jobs(JOB_TYPE, within=heartbeat_threshold()))
    return {"status": "healthy" if alive else "unhealthy", "alive_workers": alive}


def _job_status(job: Any) -> str:
    from tradewind.store import jobs

    beat = job.latest_heartbeat if job is not None else None
    alive = (
        job is not None
        and job.state == jobs.RUNNING
        and beat is not None
        and datetime.now(timezone.utc) - beat <= heartbeat_threshold()
    )
    return "healthy" if alive else "unhealthy"


@router.get("/health", operation_id="get_health")
def health() -> dict[str, Any]:
    return health_status()


@router.get("/version", operation_id="get_version")
def version() -> dict[str, Any]:
    from tradewind import __version__

    return {"version": __version__, "git_version": None}


@router.get("/importErrors", operation_id="get_import_errors", tags=["ImportError"])
def list_import_errors(
    _: Annotated[Caller, Depends(api_user(READ_DAGS))],
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    from tradewind.store.import_errors import list_import_errors as all_errors

    errors = all_errors()
    return page("import_errors", errors, limit, offset, serialize.import_error)


@router.get(
    "/importErrors/{import_error_id}", operation_id="get_import_error", tags=["ImportError"], responses=errors(404)
)
def get_import_error(
    import_error_id: Annotated[int, Path(ge=0, le=2**62)], _: Annotated[Caller, Depends(api_user(READ_DAGS))]
) -> dict[str, Any]:
    from tradewind.store.import_errors import get_import_error as get

    record = get(import_error_id)
    if record is None:
        raise NotFound(f"import error {import_error_id} not found")
    return serialize.import_error(record)
