"""Tradewind: Apache Airflow's model — DAGs, operators, scheduler, CLI — light and fast.

`from tradewind import DAG, task` is the public authoring API. Names resolve lazily so that
`import tradewind` stays cheap (the CLI's start-up time depends on it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradewind.utils.lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "DAG": "tradewind.sdk.dag",
    "dag": "tradewind.sdk.dag",
    "task": "tradewind.sdk.decorators",
    "setup": "tradewind.sdk.decorators",
    "teardown": "tradewind.sdk.decorators",
    "TaskGroup": "tradewind.sdk.taskgroup",
    "task_group": "tradewind.sdk.taskgroup",
    "Param": "tradewind.sdk.param",
    "chain": "tradewind.sdk.baseoperator",
    "cross_downstream": "tradewind.sdk.baseoperator",
    "BaseOperator": "tradewind.sdk.baseoperator",
    "Label": "tradewind.sdk.edges",
    "XComArg": "tradewind.sdk.xcom_arg",
    "get_current_context": "tradewind.sdk.current_context",
    "TradewindException": "tradewind.exceptions",
    "SkipTask": "tradewind.exceptions",
    "FailTask": "tradewind.exceptions",
    "Dataset": "tradewind.datasets",
    "Asset": "tradewind.datasets",
}

__all__ = ["__version__", *_EXPORTS]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    # `as` marks each import an explicit re-export (the names resolve lazily through __getattr__ above)
    from tradewind.datasets import Asset as Asset
    from tradewind.datasets import Dataset as Dataset
    from tradewind.exceptions import FailTask as FailTask
    from tradewind.exceptions import SkipTask as SkipTask
    from tradewind.exceptions import TradewindException as TradewindException
    from tradewind.sdk.baseoperator import BaseOperator as BaseOperator
    from tradewind.sdk.baseoperator import chain as chain
    from tradewind.sdk.baseoperator import cross_downstream as cross_downstream
    from tradewind.sdk.current_context import get_current_context as get_current_context
    from tradewind.sdk.dag import DAG as DAG
    from tradewind.sdk.dag import dag as dag
    from tradewind.sdk.decorators import setup as setup
    from tradewind.sdk.decorators import task as task
    from tradewind.sdk.decorators import teardown as teardown
    from tradewind.sdk.edges import Label as Label
    from tradewind.sdk.param import Param as Param
    from tradewind.sdk.taskgroup import TaskGroup as TaskGroup
    from tradewind.sdk.taskgroup import task_group as task_group
    from tradewind.sdk.xcom_arg import XComArg as XComArg
