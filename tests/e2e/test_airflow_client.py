"""Airflow's own Python client (apache-airflow-client 2.10) against a real `tradewind webserver`, call by
call, per API class: the answers deserialize into the client's models and hold what the server has; errors
come back as Airflow's problem body; roles are enforced; every change lands in the audit log."""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from airflow_client.client import ApiException
from airflow_client.client.api import (
    config_api,
    connection_api,
    dag_api,
    dag_run_api,
    dag_stats_api,
    dag_warning_api,
    dataset_api,
    event_log_api,
    import_error_api,
    monitoring_api,
    permission_api,
    plugin_api,
    pool_api,
    provider_api,
    role_api,
    task_instance_api,
    user_api,
    variable_api,
    x_com_api,
)
from airflow_client.client.model.clear_dag_run import ClearDagRun
from airflow_client.client.model.clear_task_instances import ClearTaskInstances
from airflow_client.client.model.connection import Connection
from airflow_client.client.model.create_dataset_event import CreateDatasetEvent
from airflow_client.client.model.dag import DAG
from airflow_client.client.model.dag_run import DAGRun
from airflow_client.client.model.list_dag_runs_form import ListDagRunsForm
from airflow_client.client.model.list_task_instance_form import ListTaskInstanceForm
from airflow_client.client.model.pool import Pool
from airflow_client.client.model.role import Role
from airflow_client.client.model.set_dag_run_note import SetDagRunNote
from airflow_client.client.model.set_task_instance_note import SetTaskInstanceNote
from airflow_client.client.model.update_dag_run_state import UpdateDagRunState
from airflow_client.client.model.update_task_instance import UpdateTaskInstance
from airflow_client.client.model.update_task_instances_state import UpdateTaskInstancesState
from airflow_client.client.model.update_task_state import UpdateTaskState
from airflow_client.client.model.user import User
from airflow_client.client.model.user_collection_item_roles import UserCollectionItemRoles
from airflow_client.client.model.variable import Variable
from airflow_client_env import PASSWORD, Server

RUN = "manual__2024-03-05T00:00:00+00:00"
URI = "file:///data/raw.csv"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = Server(tmp_path_factory.mktemp("client-home"))
    s.setup()
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def admin(server: Server) -> Any:
    return server.client("Admin")


def problem(exc: pytest.ExceptionInfo[ApiException], status: int) -> dict[str, Any]:
    assert exc.value.status == status, exc.value.body
    body = json.loads(exc.value.body)
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["status"] == status and body["type"].startswith("https://airflow.apache.org/")
    return body


def events(admin: Any, **filters: Any) -> list[Any]:
    return list(event_log_api.EventLogApi(admin).get_event_logs(**filters).event_logs)


def test_dag_api(admin: Any) -> None:
    api = dag_api.DAGApi(admin)
    dags = api.get_dags()
    assert {d.dag_id for d in dags.dags} == {
        "client_demo", "client_mapped", "client_producer", "client_consumer"
    } and dags.total_entries == 4  # fmt: skip
    assert [d.dag_id for d in api.get_dags(limit=1, offset=1, order_by="-dag_id").dags] == ["client_mapped"]
    assert [d.dag_id for d in api.get_dags(tags=["client"]).dags] == ["client_demo"]
    assert [d.dag_id for d in api.get_dags(dag_id_pattern="mapped").dags] == ["client_mapped"]
    demo = api.get_dag("client_demo")
    assert demo.schedule_interval.type == "CronExpression" and demo.schedule_interval.value == "0 6 * * *"
    assert [t.name for t in demo.tags] == ["client", "demo"] and demo.owners == ["tradewind"]
    mapped = api.get_dag("client_mapped").schedule_interval
    assert (mapped.type, mapped.days, mapped.seconds) == ("TimeDelta", 0, 6 * 3600)
    producer = api.get_dag("client_producer").schedule_interval
    assert (producer.type, producer.months) == ("RelativeDelta", 1)
    assert api.get_dag("client_consumer").schedule_interval.value == "Dataset"
    details = api.get_dag_details("client_demo")
    assert details.catchup is False and details.timezone and details.doc_md == "demo *doc*"
    # The client cannot read a nested object back from its composed DAGDetail (it compares two copies by
    # identity): read the raw JSON for that field.
    raw = json.loads(api.get_dag_details("client_demo", _preload_content=False).data)
    assert raw["dag_run_timeout"] == {"__type": "TimeDelta", "days": 0, "seconds": 3600, "microseconds": 0}
    assert details.params["n"]["value"] == 3
    assert "client_demo" in api.get_dag_source(details.file_token).content
    tasks = api.get_tasks("client_demo").tasks
    assert [t.task_id for t in tasks] == ["first", "second"] and tasks[0].downstream_task_ids == ["second"]
    first = api.get_task("client_demo", "first")
    assert first.retries == 2 and first.retry_delay.seconds == 300 and first.trigger_rule.value == "all_success"
    assert (first.class_ref.class_name, first.class_ref.module_path) == ("BashOperator", "tradewind.operators.bash")
    patched = api.patch_dags("client_*", DAG(is_paused=False))
    assert patched.total_entries == 4 and all(d.is_paused is False for d in patched.dags)
    assert api.patch_dag("client_demo", DAG(is_paused=True), update_mask=["is_paused"]).is_paused is True
    api.reparse_dag_file(details.file_token)
    with pytest.raises(ApiException) as exc:
        api.get_dag("nope")
    assert problem(exc, 404)["detail"] == "DAG 'nope' not found"
    with pytest.raises(ApiException) as exc:
        api.get_task("client_demo", "nope")
    problem(exc, 404)
    with pytest.raises(ApiException) as exc:
        api.get_dag_source("forged")
    problem(exc, 404)
    with pytest.raises(ApiException) as exc:
        api.get_dags(order_by="nonsense")
    problem(exc, 400)
    assert {e.event for e in events(admin, dag_id="client_demo")} >= {"paused", "unpaused"}


def test_dag_run_api(admin: Any) -> None:
    api = dag_run_api.DAGRunApi(admin)
    runs = api.get_dag_runs("client_demo")
    assert [r.dag_run_id for r in runs.dag_runs] == [RUN] and runs.dag_runs[0].state.value == "success"
    assert api.get_dag_runs("~").total_entries == 2
    assert api.get_dag_runs("~", state=["failed"]).total_entries == 0
    batch = api.get_dag_runs_batch(ListDagRunsForm(dag_ids=["client_mapped"]))
    assert [r.dag_id for r in batch.dag_runs] == ["client_mapped"]
    run = api.post_dag_run("client_demo", DAGRun(dag_run_id="from_client", conf={"n": 5}, note="first note"))
    assert (run.dag_run_id, run.state.value, run.conf, run.note) == ("from_client", "queued", {"n": 5}, "first note")
    assert api.get_dag_run("client_demo", "from_client").run_type == "manual"
    assert api.set_dag_run_note("client_demo", "from_client", SetDagRunNote(note="changed")).note == "changed"
    marked = api.update_dag_run_state("client_demo", "from_client", UpdateDagRunState(state="failed"))
    assert marked.state.value == "failed"
    dry = api.clear_dag_run("client_demo", "from_client", ClearDagRun(dry_run=True))
    assert {t["task_id"] for t in dry["task_instances"]} == {"first", "second"}
    assert api.clear_dag_run("client_demo", "from_client", ClearDagRun(dry_run=False))["state"] == "queued"
    assert api.get_upstream_dataset_events("client_demo", "from_client").total_entries == 0
    with pytest.raises(ApiException) as exc:
        api.post_dag_run("client_demo", DAGRun(dag_run_id="from_client"))
    problem(exc, 409)
    with pytest.raises(ApiException) as exc:
        api.post_dag_run("client_demo", DAGRun(dag_run_id="bad id/with slash"))
    problem(exc, 400)
    with pytest.raises(ApiException) as exc:
        api.get_dag_run("client_demo", "nope")
    problem(exc, 404)
    api.post_dag_run("client_demo", DAGRun(dag_run_id="to_delete"))
    api.delete_dag_run("client_demo", "to_delete")
    got = {e.event for e in events(admin, dag_id="client_demo")}
    assert {"trigger", "dagrun.note", "dagrun.failed", "clear", "dagrun.delete"} <= got
    trigger = events(admin, dag_id="client_demo", event="trigger")[-1]
    assert trigger.owner == "admin" and json.loads(trigger.extra)["via"] == "api"


def test_task_instance_api(admin: Any) -> None:
    api = task_instance_api.TaskInstanceApi(admin)
    tis = api.get_task_instances("client_demo", RUN)
    assert [(t.task_id, t.state.value, t.try_number) for t in tis.task_instances] == [
        ("first", "success", 1), ("second", "success", 1)
    ]  # fmt: skip
    assert api.get_task_instances("~", "~", state=["success"]).total_entries >= 5
    one = api.get_task_instance("client_demo", RUN, "first")
    assert one.execution_date.startswith("2024-03-05") and one.max_tries == 2
    assert [t.try_number for t in api.get_task_instance_tries("client_demo", RUN, "first").task_instances] == [1]
    assert api.get_task_instance_try_details("client_demo", RUN, "first", 1).state.value == "success"
    deps = api.get_task_instance_dependencies("client_demo", RUN, "first").dependencies
    assert deps and "finished" in deps[0].reason.lower()
    assert api.get_extra_links("client_demo", RUN, "first").extra_links == []
    log = api.get_log("client_demo", RUN, "first", 1, full_content=True)
    assert "hello from the client test" in log.content
    again = api.get_log("client_demo", RUN, "first", 1, token=log.continuation_token)
    assert again.content == ""
    batch = api.get_task_instances_batch(ListTaskInstanceForm(dag_ids=["client_mapped"]))
    assert sorted(t.map_index for t in batch.task_instances) == [0, 1, 2]
    mapped = api.get_mapped_task_instances("client_mapped", RUN, "double")
    assert [t.map_index for t in mapped.task_instances] == [0, 1, 2]
    assert api.get_mapped_task_instance("client_mapped", RUN, "double", 1).rendered_map_index == "1"
    assert api.get_mapped_task_instance_tries("client_mapped", RUN, "double", 1).total_entries == 1
    assert api.get_mapped_task_instance_try_details("client_mapped", RUN, "double", 1, 1).map_index == 1
    assert api.get_mapped_task_instance_dependencies("client_mapped", RUN, "double", 2).dependencies
    ref = api.patch_mapped_task_instance(
        "client_mapped", RUN, "double", 1, update_task_instance=UpdateTaskInstance(new_state=UpdateTaskState("failed"))
    )
    assert ref.task_id == "double"
    assert api.get_mapped_task_instance("client_mapped", RUN, "double", 1).state.value == "failed"
    note = api.set_mapped_task_instance_note("client_mapped", RUN, "double", 1, SetTaskInstanceNote(note="m1"))
    assert note.note == "m1"
    dag_run_api.DAGRunApi(admin).post_dag_run("client_demo", DAGRun(dag_run_id="ti_run"))
    api.patch_task_instance(
        "client_demo", "ti_run", "first", UpdateTaskInstance(new_state=UpdateTaskState("success"), dry_run=False)
    )
    assert api.get_task_instance("client_demo", "ti_run", "first").state.value == "success"
    assert api.set_task_instance_note("client_demo", "ti_run", "first", SetTaskInstanceNote(note="n")).note == "n"
    dags = dag_api.DAGApi(admin)
    changed = dags.post_set_task_instances_state(
        "client_demo",
        UpdateTaskInstancesState(
            dag_run_id="ti_run", task_id="first", new_state=UpdateTaskState("failed"), include_downstream=True,
            dry_run=False,
        ),
    )  # fmt: skip
    assert sorted(t.task_id for t in changed.task_instances) == ["first", "second"]
    cleared = dags.post_clear_task_instances("client_demo", ClearTaskInstances(dry_run=False, task_ids=["first"]))
    assert [(t.task_id, t.dag_run_id) for t in cleared.task_instances] == [("first", "ti_run")]
    assert api.get_task_instance("client_demo", "ti_run", "first").state is None
    one_run = dags.post_clear_task_instances(
        "client_demo", ClearTaskInstances(dry_run=True, dag_run_id=RUN, only_failed=False)
    )
    assert {t.task_id for t in one_run.task_instances} == {"first", "second"}
    later = dags.post_clear_task_instances(
        "client_demo",
        ClearTaskInstances(dry_run=True, dag_run_id=RUN, task_ids=["first"], only_failed=False, include_future=True),
    )
    assert {(t.task_id, t.dag_run_id) for t in later.task_instances} >= {("first", RUN), ("first", "ti_run")}
    earlier = dags.post_clear_task_instances(
        "client_demo",
        ClearTaskInstances(dry_run=True, dag_run_id="ti_run", task_ids=["first"], only_failed=False, include_past=True),
    )
    assert {t.dag_run_id for t in earlier.task_instances} >= {RUN, "ti_run"}
    assert api.get_task_instance("client_demo", RUN, "first").state.value == "success"
    with pytest.raises(ApiException) as exc:
        api.get_task_instance("client_demo", RUN, "nope")
    problem(exc, 404)
    with pytest.raises(ApiException) as exc:
        api.get_log("client_demo", RUN, "first", 9)
    problem(exc, 404)
    got = {e.event for e in events(admin, dag_id="client_demo")} | {
        e.event for e in events(admin, dag_id="client_mapped")
    }
    assert {"ti.failed", "ti.success", "ti.note", "clear"} <= got


def test_xcom_api(admin: Any) -> None:
    api = x_com_api.XComApi(admin)
    entries = api.get_xcom_entries("client_demo", RUN, "second")
    assert [(e.key, e.map_index) for e in entries.xcom_entries] == [("return_value", -1)]
    assert api.get_xcom_entry("client_demo", RUN, "second", "return_value").value == "42"
    every = api.get_xcom_entries("client_demo", "~", "~", xcom_key="return_value")
    assert {(e.task_id, e.execution_date[:10]) for e in every.xcom_entries} >= {
        ("first", "2024-03-05"),
        ("second", "2024-03-05"),
    }
    assert api.get_xcom_entries("client_demo", "~", "~", limit=1).total_entries == every.total_entries
    mapped = api.get_xcom_entries("client_mapped", RUN, "double", map_index=2)
    assert [e.map_index for e in mapped.xcom_entries] == [2]
    assert api.get_xcom_entry("client_mapped", RUN, "double", "return_value", map_index=2).value == "6"
    with pytest.raises(ApiException) as exc:
        api.get_xcom_entry("client_demo", RUN, "second", "nope")
    problem(exc, 404)


def test_dataset_api(admin: Any) -> None:
    api = dataset_api.DatasetApi(admin)
    found = api.get_datasets()
    assert [d.uri for d in found.datasets] == [URI]
    ds = api.get_dataset(URI)
    assert [c.dag_id for c in ds.consuming_dags] == ["client_consumer"]
    assert [(p.dag_id, p.task_id) for p in ds.producing_tasks] == [("client_producer", "produce")]
    assert api.get_datasets(uri_pattern="nothing").total_entries == 0
    dag_api.DAGApi(admin).patch_dag("client_consumer", DAG(is_paused=False))
    event = api.create_dataset_event(CreateDatasetEvent(dataset_uri=URI, extra={"rows": 3}))
    assert event.dataset_uri == URI and event.extra == {"rows": 3} and event.source_dag_id is None
    assert api.get_dataset_events(dataset_id=ds.id).total_entries >= 1
    assert [q.dag_id for q in api.get_dag_dataset_queued_events("client_consumer").datasets] == ["client_consumer"]
    assert api.get_dag_dataset_queued_event("client_consumer", URI).uri == URI
    assert api.get_dataset_queued_events(URI).total_entries == 1
    api.delete_dag_dataset_queued_event("client_consumer", URI)
    with pytest.raises(ApiException) as exc:
        api.get_dataset_queued_events(URI)
    problem(exc, 404)
    api.create_dataset_event(CreateDatasetEvent(dataset_uri=URI))
    api.delete_dataset_queued_events(URI)
    api.create_dataset_event(CreateDatasetEvent(dataset_uri=URI))
    api.delete_dag_dataset_queued_events("client_consumer")
    with pytest.raises(ApiException) as exc:
        api.create_dataset_event(CreateDatasetEvent(dataset_uri="s3://unknown"))
    problem(exc, 404)
    assert "dataset.event" in {e.event for e in events(admin)}


def test_monitoring_config_plugins_providers_stats_warnings_import_errors(admin: Any) -> None:
    health = monitoring_api.MonitoringApi(admin).get_health()
    assert health.metadatabase.status.value == "healthy"
    assert monitoring_api.MonitoringApi(admin).get_version().version
    config = config_api.ConfigApi(admin).get_config(section="core")
    assert [s.name for s in config.sections] == ["core"]
    value = config_api.ConfigApi(admin).get_value("core", "test_connection")
    assert value.sections[0].options[0].value == "Enabled"
    secret = config_api.ConfigApi(admin).get_value("webserver", "secret_key")
    assert secret.sections[0].options[0].value == "< hidden >"
    plugins = plugin_api.PluginApi(admin).get_plugins()
    assert plugins.total_entries == 1
    [plugin] = plugins.plugins
    assert plugin.name == "client_plugin" and plugin.source == "$PLUGINS_FOLDER/client_plugin.py"
    assert plugin.macros == ["tradewind_plugin_client_plugin.days_to_go"] and plugin.hooks == []
    assert "providers" in provider_api.ProviderApi(admin).get_providers()
    stats = dag_stats_api.DagStatsApi(admin).get_dag_stats("client_mapped")
    counts = {s.state: s.count for s in stats.dags[0].stats}
    assert counts["success"] + counts["failed"] + counts["queued"] + counts["running"] == 1
    warnings = dag_warning_api.DagWarningApi(admin).get_dag_warnings()
    assert [(w.dag_id, w.warning_type) for w in warnings.import_errors] == [("client_producer", "non-existent pool")]
    errors = import_error_api.ImportErrorApi(admin).get_import_errors()
    assert errors.total_entries == 1 and errors.import_errors[0].filename.endswith("broken.py")
    one = import_error_api.ImportErrorApi(admin).get_import_error(errors.import_errors[0].import_error_id)
    assert "no_such_module_anywhere" in one.stack_trace
    with pytest.raises(ApiException) as exc:
        config_api.ConfigApi(admin).get_value("core", "nope")
    problem(exc, 404)


def test_pool_variable_connection_apis(admin: Any) -> None:
    pools = pool_api.PoolApi(admin)
    created = pools.post_pool(Pool(name="p1", slots=3, description="d"))
    assert (created.slots, created.open_slots, created.occupied_slots) == (3, 3, 0)
    kept = pools.patch_pool("p1", Pool(name="p1", slots=5))
    assert (kept.slots, kept.description) == (5, "d")  # a PATCH changes only what it sends
    masked = pools.patch_pool("p1", Pool(name="p1", slots=9, description="new"), update_mask=["description"])
    assert (masked.slots, masked.description) == (5, "new")
    with pytest.raises(ApiException) as exc:
        pools.patch_pool("p1", Pool(name="p1", slots=1), update_mask=["name"])
    problem(exc, 400)
    assert pools.get_pool("p1").slots == 5 and pools.get_pools().total_entries == 2
    pools.delete_pool("p1")
    with pytest.raises(ApiException) as exc:
        pools.get_pool("p1")
    problem(exc, 404)
    variables = variable_api.VariableApi(admin)
    assert variables.post_variables(Variable(key="k1", value="v1", description="d")).value == "v1"
    assert variables.patch_variable("k1", Variable(key="k1", value="v2")).description == "d"
    assert variables.get_variable("k1").value == "v2"
    assert [v.key for v in variables.get_variables().variables] == ["k1"]
    variables.delete_variable("k1")
    conns = connection_api.ConnectionApi(admin)
    conn = conns.post_connection(Connection(connection_id="c1", conn_type="http", host="example.org", password="s"))
    assert conn.host == "example.org" and "password" not in conn.to_dict()
    assert conns.patch_connection("c1", Connection(connection_id="c1", conn_type="http", host="x.org")).host == "x.org"
    login = conns.patch_connection(
        "c1", Connection(connection_id="c1", conn_type="http", login="me"), update_mask=["login"]
    )
    assert (login.host, login.login) == ("x.org", "me")
    assert conns.get_connection("c1").host == "x.org" and conns.get_connections().total_entries == 1
    tested = conns.test_connection(Connection(connection_id="c1", conn_type="nosuchtype"))
    assert tested.status is False and "nosuchtype" in tested.message
    conns.delete_connection("c1")
    with pytest.raises(ApiException) as exc:
        conns.delete_connection("c1")
    problem(exc, 404)
    got = {e.event for e in events(admin, owner="admin")}
    assert {"pool.set", "pool.delete", "variable.set", "variable.delete", "connection.set", "connection.delete"} <= got


def test_user_role_permission_apis(admin: Any) -> None:
    users = user_api.UserApi(admin)
    new = users.post_user(
        User(username="u1", first_name="A", last_name="B", email="a@b.c", password="pw-u1",
             roles=[UserCollectionItemRoles(name="Viewer")])
    )  # fmt: skip
    assert [r.name for r in new.roles] == ["Viewer"]
    changed = users.patch_user(
        "u1",
        User(username="u1", first_name="A2", last_name="B", email="a@b.c", roles=[UserCollectionItemRoles(name="Op")]),
    )
    assert changed.first_name == "A2" and [r.name for r in changed.roles] == ["Op"]
    assert users.get_user("u1").email == "a@b.c" and users.get_users().total_entries == 5
    users.delete_user("u1")
    roles = role_api.RoleApi(admin)
    assert [r.name for r in roles.get_roles().roles] == ["Admin", "Op", "User", "Viewer"]
    viewer = roles.get_role("viewer")
    assert ("can_read", "DAGs") in {(a.action.name, a.resource.name) for a in viewer.actions}
    assert ("can_edit", "DAGs") not in {(a.action.name, a.resource.name) for a in viewer.actions}
    for call in (lambda: roles.post_role(Role(name="x", actions=[])), lambda: roles.delete_role("Op"),
                 lambda: roles.patch_role("Op", Role(name="Op", actions=[]))):  # fmt: skip
        with pytest.raises(ApiException) as exc:
            call()
        problem(exc, 400)
    assert "can_read" in {a.name for a in permission_api.PermissionApi(admin).get_permissions().actions}
    assert {"user.create", "user.edit", "user.delete"} <= {e.event for e in events(admin)}


def test_event_log_api_filters(admin: Any) -> None:
    api = event_log_api.EventLogApi(admin)
    runs = dag_run_api.DAGRunApi(admin)  # events of its own, whichever tests ran before on this server
    runs.post_dag_run("client_demo", DAGRun(dag_run_id="for_the_log"))
    runs.clear_dag_run("client_demo", "for_the_log", ClearDagRun(dry_run=False))
    mine = api.get_event_logs(run_id="for_the_log", order_by="event_log_id").event_logs
    assert [(e.event, e.dag_id, e.owner) for e in mine] == [
        ("trigger", "client_demo", "admin"),
        ("clear", "client_demo", "admin"),
    ]
    assert mine[0].when < mine[1].when and mine[0].execution_date is not None
    after = api.get_event_logs(after=mine[0].when, run_id="for_the_log").event_logs
    assert [e.event for e in after] == ["clear"]
    newest = api.get_event_logs(limit=1).event_logs[0]
    assert api.get_event_log(newest.event_log_id).event == newest.event
    only = api.get_event_logs(included_events="trigger,clear").event_logs
    assert only and {e.event for e in only} <= {"trigger", "clear"}
    assert "trigger" not in {e.event for e in api.get_event_logs(excluded_events="trigger", limit=1000).event_logs}
    assert all(e.owner == "admin" for e in api.get_event_logs(owner="admin").event_logs)
    with pytest.raises(ApiException) as exc:
        api.get_event_log(10**9)
    problem(exc, 404)


def test_roles_are_enforced_for_the_client(server: Server) -> None:
    viewer, user, op = server.client("Viewer"), server.client("User"), server.client("Op")
    assert dag_api.DAGApi(viewer).get_dags().total_entries == 4
    with pytest.raises(ApiException) as exc:
        dag_api.DAGApi(viewer).patch_dag("client_demo", DAG(is_paused=True))
    problem(exc, 403)
    with pytest.raises(ApiException) as exc:
        variable_api.VariableApi(user).get_variables()
    problem(exc, 403)
    assert dag_run_api.DAGRunApi(user).post_dag_run("client_demo", DAGRun(dag_run_id="by_user")).state.value == "queued"
    assert pool_api.PoolApi(op).post_pool(Pool(name="op_pool", slots=1)).name == "op_pool"
    with pytest.raises(ApiException) as exc:
        user_api.UserApi(op).get_users()
    problem(exc, 403)
    with pytest.raises(ApiException) as exc:
        dag_api.DAGApi(server.client(None)).get_dags()
    problem(exc, 401)
    by_user = events(server.client("Admin"), run_id="by_user")
    assert [(e.event, e.owner) for e in by_user] == [("trigger", "user")]


def test_the_cli_and_the_audit_log_page(server: Server, admin: Any) -> None:
    from tradewind.actions.audit import os_user

    assert server.cli("variables", "set", "from_cli", "1").returncode == 0
    cli_event = events(admin, event="variable.set", owner=os_user())[0]
    extra = json.loads(cli_event.extra)
    assert extra["via"] == "cli" and extra["command"] == "variables set" and extra["key"] == "from_cli"
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}/audit-log?event=variable.set")
    request.add_header("Authorization", "Basic " + base64.b64encode(f"viewer:{PASSWORD}".encode()).decode())
    with urllib.request.urlopen(request, timeout=10) as resp:
        html = resp.read().decode()
    assert "Audit log" in html and "from_cli" in html and 'data-event="variable.set"' in html
    assert 'data-event="trigger"' not in html


def test_delete_dag_and_bring_it_back_by_reparsing(admin: Any, server: Server) -> None:
    api = dag_api.DAGApi(admin)
    token = api.get_dag("client_producer").file_token
    with pytest.raises(ApiException) as exc:
        dag_api.DAGApi(server.client("Viewer")).delete_dag("client_producer")
    problem(exc, 403)
    api.delete_dag("client_producer")
    with pytest.raises(ApiException) as exc:
        api.get_dag("client_producer")
    problem(exc, 404)
    assert [e.event for e in events(admin, dag_id="client_producer")][:1] == ["dag.delete"]
    api.reparse_dag_file(token)
    assert api.get_dag("client_producer").dag_id == "client_producer"


def test_a_dataset_triggered_run_lists_its_upstream_events(admin: Any, server: Server) -> None:
    """The scheduler turns a hand-made dataset event into a run of the consumer; the run names the event."""
    dags = dag_api.DAGApi(admin)
    dags.patch_dags("~", DAG(is_paused=True))
    dags.patch_dag("client_consumer", DAG(is_paused=False))
    event = dataset_api.DatasetApi(admin).create_dataset_event(CreateDatasetEvent(dataset_uri=URI, extra={"k": 1}))
    done = server.cli("scheduler", "-n", "3")
    assert done.returncode == 0, done.stderr
    runs = dag_run_api.DAGRunApi(admin).get_dag_runs("client_consumer").dag_runs
    assert [r.run_type for r in runs] == ["dataset_triggered"]
    upstream = dag_run_api.DAGRunApi(admin).get_upstream_dataset_events("client_consumer", runs[0].dag_run_id)
    # As Airflow: every event of the dataset since the consumer's previous run (the earlier tests made 3).
    found = upstream.dataset_events
    assert {e.dataset_uri for e in found} == {URI} and (found[-1].id, found[-1].extra) == (event.id, {"k": 1})
    assert [r.dag_id for r in found[-1].created_dagruns] == ["client_consumer"]
    same = dataset_api.DatasetApi(admin).get_upstream_dataset_events("client_consumer", runs[0].dag_run_id)
    assert same.total_entries == upstream.total_entries == len(found) >= 1
