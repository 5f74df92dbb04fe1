"""DAG files imported once per process and re-imported when they change, for the processes that run tasks."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tradewind.exceptions import DagNotFound

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG


def add_dag_folders_to_path() -> None:
    """As at parse time (and in Airflow): DAG files may import helper modules from the DAGs and examples folders."""
    from tradewind.config import conf
    from tradewind.parsing.dagbag import example_folders

    folders = [Path(conf.getpath("core", "dags_folder"))]
    if conf.getboolean("core", "load_examples"):
        folders += example_folders()
    for folder in folders:
        if folder.is_dir() and str(folder) not in sys.path:
            sys.path.append(str(folder))


class DagFileCache:
    """DAG files imported once per process, re-imported when their mtime changes."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[float, dict[str, DAG]]] = {}

    @property
    def entries(self) -> dict[str, tuple[float, dict[str, DAG]]]:
        """fileloc → (mtime, DAGs) as imported; an entry is replaced, never changed, on re-import."""
        return self._files

    def get_dag(self, fileloc: str, dag_id: str) -> DAG:
        """The DAG as its file is now: imported again if the file changed (a zygote asks this before each fork)."""
        try:
            mtime = os.stat(fileloc).st_mtime  # not pathlib: its objects cost a zygote page copies at each request
        except OSError:
            raise DagNotFound(f"the DAG file {fileloc} of DAG '{dag_id}' is gone") from None
        hit = self._files.get(fileloc)
        if hit is None or hit[0] != mtime:
            from tradewind.parsing.dagbag import DagBag

            add_dag_folders_to_path()
            bag = DagBag(fileloc, include_examples=False, safe_mode=False)
            if fileloc in bag.import_errors:
                raise DagNotFound(f"cannot import {fileloc}: {bag.import_errors[fileloc].message}")
            hit = self._files[fileloc] = (mtime, dict(bag.dags))
            for loaded in bag.dags.values():
                try:
                    prepare(loaded)
                except Exception:  # noqa: BLE001 — only a warm-up: the task meets (and reports) what failed here
                    pass
        dag = hit[1].get(dag_id)
        if dag is None:
            raise DagNotFound(f"DAG '{dag_id}' is no longer defined in {fileloc}")
        return dag


def prepare(dag: DAG) -> None:
    """Do here, once, what each of the DAG's tasks would do first: its forked processes inherit it.

    Jinja and the DAG's templates (only if its fields hold some), and each Python callable's
    parameters (which context entries it takes).
    """
    from tradewind.operators.python import callable_parameters
    from tradewind.runtime.templating import prepare_templates

    prepare_templates(dag)
    for task in dag.task_dict.values():
        fn = getattr(task, "python_callable", None)
        if callable(fn):
            try:
                callable_parameters(fn)
            except (TypeError, ValueError):  # no signature: the task reports it when it runs
                continue
