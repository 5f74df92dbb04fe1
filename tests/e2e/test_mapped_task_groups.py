"""Mapped task groups under a real scheduler process (the corpus covers them under `dags test`)."""

from __future__ import annotations

import pytest

from scheduler_process import finished, wait_for

pytestmark = pytest.mark.timeout(120)


def test_mapped_group_with_a_failing_instance_and_a_branch(scheduler, write_dag):
    write_dag(
        "mapped_groups.py",
        """
        from airflow.decorators import dag, task, task_group

        @dag(schedule=None)
        def mapped_groups():
            @task
            def numbers():
                return [1, 2, 3]

            @task_group
            def grp(n):
                @task.branch
                def choose(n):
                    if n == 3:
                        raise ValueError("three")
                    return "grp.even" if n % 2 == 0 else "grp.odd"

                @task
                def even(n):
                    return f"{n} even"

                @task
                def odd(n):
                    return f"{n} odd"

                choose(n) >> [even(n), odd(n)]

            @task(trigger_rule="all_done")
            def report(ti=None):
                return sorted(ti.xcom_pull(task_ids="grp.even") + ti.xcom_pull(task_ids="grp.odd"))

            grp.expand(n=numbers()) >> report()

        mapped_groups()
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags, task_instances, xcom

    wait_for(lambda: dags.get_dag("mapped_groups"), what="the DAG to be parsed")
    run = trigger_dag("mapped_groups")
    done = wait_for(finished("mapped_groups"), what="the run")
    states = {
        t.task_id if t.map_index < 0 else f"{t.task_id}[{t.map_index}]": t.state
        for t in task_instances.list_task_instances("mapped_groups", run.run_id)
    }
    assert states == {
        "numbers": "success",
        "grp.choose[0]": "success",
        "grp.choose[1]": "success",
        "grp.choose[2]": "failed",
        "grp.even[0]": "skipped",
        "grp.even[1]": "success",
        "grp.even[2]": "upstream_failed",
        "grp.odd[0]": "success",
        "grp.odd[1]": "skipped",
        "grp.odd[2]": "upstream_failed",
        "report": "success",
    }
    assert done[0].state == "success"  # the only leaf, report (all_done), succeeded
    values = xcom.pull("mapped_groups", run.run_id, ["report"])
    assert values[("report", -1)] == ["1 odd", "2 even"]
