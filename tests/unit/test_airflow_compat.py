"""Unmodified Airflow imports resolve to Tradewind's objects; what is missing fails clearly."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tradewind.compat.airflow import install, is_installed, uninstall
from tradewind.compat.airflow.modules import KNOWN, MODULES
from tradewind.exceptions import NotProvidedByTradewind


@pytest.fixture
def compat() -> Iterator[None]:
    uninstall()
    assert install() is True
    yield
    uninstall()


@pytest.fixture
def clean() -> Iterator[None]:
    uninstall()
    yield
    uninstall()


def _dagbag(folder: Path):
    from tradewind.parsing.dagbag import DagBag

    return DagBag(folder, include_examples=False)


STDLIB_MACROS = {"datetime", "timedelta", "random", "json", "time", "uuid", "yaml", "dateutil"}


def test_every_table_entry_resolves_to_a_tradewind_object(compat: None) -> None:
    for modname, names in MODULES.items():
        module = importlib.import_module(modname)
        for name, target in names.items():
            value = getattr(module, name)
            owner, _, attribute = target.partition(":")
            assert value is getattr(importlib.import_module(owner), attribute), f"{modname}.{name}"
            if modname == "airflow.macros" and name in STDLIB_MACROS:
                continue  # Airflow's macros hand out the standard library's datetime, timedelta, random…
            if isinstance(value, type) or (
                callable(value) and not hasattr(value, "__origin__")
            ):  # not `dict[str, Any]`
                assert value.__module__.startswith("tradewind"), f"{modname}.{name}"


def test_the_briefs_import_lines_give_tradewind_classes(compat: None) -> None:
    from airflow import DAG
    from airflow.decorators import dag, task, task_group
    from airflow.exceptions import AirflowException, AirflowFailException, AirflowSensorTimeout, AirflowSkipException
    from airflow.models import Connection, Param, Variable
    from airflow.models.baseoperator import chain, cross_downstream
    from airflow.operators.bash import BashOperator
    from airflow.operators.dummy_operator import DummyOperator
    from airflow.operators.empty import EmptyOperator
    from airflow.operators.python import PythonOperator
    from airflow.sensors.base import BaseSensorOperator, PokeReturnValue
    from airflow.utils.trigger_rule import TriggerRule

    import tradewind
    from tradewind import exceptions
    from tradewind.operators.bash import BashOperator as TwBash
    from tradewind.operators.empty import EmptyOperator as TwEmpty
    from tradewind.operators.python import PythonOperator as TwPython
    from tradewind.sensors.base import BaseSensorOperator as TwSensor

    assert (DAG, dag, task, task_group, Param, chain, cross_downstream) == (
        tradewind.DAG,
        tradewind.dag,
        tradewind.task,
        tradewind.task_group,
        tradewind.Param,
        tradewind.chain,
        tradewind.cross_downstream,
    )
    assert (BashOperator, PythonOperator, EmptyOperator, DummyOperator) == (TwBash, TwPython, TwEmpty, TwEmpty)
    assert (AirflowException, AirflowSkipException, AirflowFailException, AirflowSensorTimeout) == (
        exceptions.TradewindException,
        exceptions.SkipTask,
        exceptions.FailTask,
        exceptions.SensorTimeout,
    )
    assert BaseSensorOperator is TwSensor and PokeReturnValue.__module__ == "tradewind.sensors.base"
    assert Variable.__module__ == "tradewind.models.variable" and Connection.__module__ == "tradewind.models.connection"
    assert TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS == "none_failed_min_one_success"


def test_star_import_and_submodule_attribute(compat: None) -> None:
    namespace: dict[str, object] = {}
    exec("from airflow.operators.python import *", namespace)
    assert {"PythonOperator", "BranchPythonOperator", "ShortCircuitOperator", "get_current_context"} <= set(namespace)
    exec("from airflow.operators import bash", namespace)
    assert namespace["bash"].BashOperator.__name__ == "BashOperator"  # type: ignore[attr-defined]


def test_a_name_tradewind_lacks_is_an_import_error_naming_the_airflow_path(compat: None) -> None:
    with pytest.raises(ImportError, match=r"airflow\.operators\.bash\.BashSensorThing is not supported by Tradewind"):
        exec("from airflow.operators.bash import BashSensorThing")
    with pytest.raises(NotProvidedByTradewind, match=r"airflow\.decorators\.no_such_decorator"):
        exec("from airflow.decorators import no_such_decorator")
    import airflow

    assert not hasattr(airflow, "__file__")  # dunder probes stay AttributeErrors (hasattr must not raise)


def test_a_module_tradewind_lacks_is_an_import_error_naming_it(compat: None) -> None:
    with pytest.raises(
        ModuleNotFoundError, match=r"the Airflow module 'airflow\.providers\.google' is not supported by Tradewind"
    ):
        importlib.import_module("airflow.providers.google.cloud.operators.gcs")
    assert "airflow.providers.google" not in sys.modules
    assert "airflow.providers.google" not in KNOWN


def test_setting_off_leaves_airflow_unimportable(clean: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND__CORE__AIRFLOW_COMPAT", "false")
    assert install() is False
    assert not is_installed()
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("airflow")


def test_a_real_airflow_package_is_never_shadowed(clean: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    (site / "airflow").mkdir(parents=True)
    (site / "airflow" / "__init__.py").write_text("REAL = True\n")
    monkeypatch.syspath_prepend(str(site))
    try:
        assert install() is False
        assert importlib.import_module("airflow").REAL is True
    finally:
        sys.modules.pop("airflow", None)


def test_import_tradewind_installs_nothing() -> None:
    code = (
        "import sys, tradewind; "
        "print(any(type(f).__name__ == 'AirflowCompatFinder' for f in sys.meta_path), "
        "any(m.startswith('tradewind.compat') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_days_ago_is_midnight_utc_n_days_back(compat: None) -> None:
    from airflow.utils.dates import days_ago

    value = days_ago(2)
    midnight = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    assert value.tzinfo is not None and value.utcoffset() == timedelta(0)
    assert value in (midnight - timedelta(days=2), midnight - timedelta(days=3))  # the clock may pass midnight
    assert value.subtract(days=1).to_date_string() == (value - timedelta(days=1)).strftime("%Y-%m-%d")  # pendulum


def test_dagbag_loads_an_unmodified_airflow_file_and_records_a_missing_import(clean: None, tmp_path: Path) -> None:
    (tmp_path / "classic.py").write_text(
        textwrap.dedent("""
        from datetime import datetime
        from airflow import DAG
        from airflow.operators.bash import BashOperator
        from airflow.operators.python import BranchPythonOperator
        from airflow.operators.empty import EmptyOperator
        from airflow.utils.task_group import TaskGroup
        from airflow.utils.edgemodifier import Label
        from airflow.utils.trigger_rule import TriggerRule

        with DAG("classic", start_date=datetime(2024, 1, 1), schedule="@daily") as dag:
            pick = BranchPythonOperator(task_id="pick", python_callable=lambda: "a")
            with TaskGroup("grp"):
                a = BashOperator(task_id="a", bash_command="echo a")
            b = EmptyOperator(task_id="b")
            end = EmptyOperator(task_id="end", trigger_rule=TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS)
            pick >> Label("yes") >> a >> end
            pick >> b >> end
    """)
    )
    (tmp_path / "needs_gcs.py").write_text(
        "from airflow import DAG\n\nfrom airflow.providers.google.cloud.sensors.gcs import GCSObjectExistenceSensor\n"
    )
    bag = _dagbag(tmp_path)
    assert set(bag.dags) == {"classic"}
    classic = bag.dags["classic"]
    assert set(classic.task_dict) == {"pick", "grp.a", "b", "end"}
    assert classic.catchup is True  # Airflow 2 file: Airflow 2's defaults
    error = bag.import_errors[str(tmp_path / "needs_gcs.py")]
    assert error.lineno == 3
    assert "the Airflow module 'airflow.providers.google' is not supported by Tradewind" in error.message


def test_airflow_sdk_files_get_airflow_3_defaults(clean: None, tmp_path: Path) -> None:
    (tmp_path / "af3.py").write_text(
        textwrap.dedent("""
        from datetime import datetime
        from airflow.sdk import DAG, dag, task

        with DAG("af3_cron", start_date=datetime(2024, 1, 1), schedule="0 6 * * *") as cron_dag:
            @task
            def one():
                return 1
            one()

        DAG("af3_unscheduled", start_date=datetime(2024, 1, 1))
        DAG("af3_catchup", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=True)

        @dag(start_date=datetime(2024, 1, 1), schedule="@hourly")
        def af3_decorated():
            one_more = task(lambda: 2, task_id="one_more")
            one_more()

        af3_decorated()
    """)
    )
    bag = _dagbag(tmp_path)
    assert bag.import_errors == {}
    cron, unscheduled, catchup, decorated = (
        bag.dags[d] for d in ("af3_cron", "af3_unscheduled", "af3_catchup", "af3_decorated")
    )
    assert (cron.catchup, unscheduled.catchup, catchup.catchup, decorated.catchup) == (False, False, True, False)
    assert unscheduled.schedule is None
    for runs_at_tick in (cron, catchup, decorated):
        assert type(runs_at_tick.timetable).__name__ == "CronTriggerTimetable"
    assert cron.fileloc == str(tmp_path / "af3.py") and cron.lineno == 5
    assert decorated.fileloc == str(tmp_path / "af3.py") and decorated.lineno == 19
