"""The CLI end to end: database, listing, import errors, variables, config, and bad input."""

from __future__ import annotations

import json

import pytest

GOOD = """
from datetime import datetime
from tradewind import DAG
from tradewind.operators.bash import BashOperator

with DAG("good", schedule="@daily", start_date=datetime(2024, 1, 1), tags=["t1"]) as dag:
    BashOperator(task_id="a", bash_command="echo a") >> BashOperator(task_id="b", bash_command="echo b")
"""

BROKEN = {
    "syntax.py": ("from tradewind import DAG\n\ndef oops(:\n    pass\n", 3, "SyntaxError"),
    "raises.py": (
        "from tradewind import DAG\nimport os\n\nraise RuntimeError('boom at import')\n",
        4,
        "RuntimeError: boom at import",
    ),
    "cycle.py": (
        "from datetime import datetime\nfrom tradewind import DAG\nfrom tradewind.operators.empty import EmptyOperator\n"
        "with DAG('cyc', schedule=None, start_date=datetime(2024, 1, 1)):\n"
        "    a = EmptyOperator(task_id='a')\n    b = EmptyOperator(task_id='b')\n    a >> b >> a\n",
        4,
        "a -> b -> a",
    ),
    "dup.py": (
        "from datetime import datetime\nfrom tradewind import DAG\nfrom tradewind.operators.empty import EmptyOperator\n"
        "with DAG('dup', schedule=None, start_date=datetime(2024, 1, 1)):\n"
        "    EmptyOperator(task_id='a')\n    EmptyOperator(task_id='a')\n",
        6,
        "task id 'a' has already been added",
    ),
    "badcron.py": (
        "from datetime import datetime\nfrom tradewind import DAG\n\n"
        "dag = DAG('badcron', schedule='99 * * * *', start_date=datetime(2024, 1, 1))\n",
        4,
        "99 * * * *",
    ),
    "typo.py": (
        "from datetime import datetime\nfrom tradewind import DAG\nfrom tradewind.operators.bash import BashOperator\n"
        "with DAG('typo', schedule=None, start_date=datetime(2024, 1, 1)):\n"
        "    BashOperator(task_id='a', bash_command='true', retires=3)\n",
        5,
        "invalid arguments were passed to BashOperator (task_id: a): retires (did you mean `retries`?)",
    ),
    "typo_and_missing.py": (
        "from datetime import datetime\nfrom tradewind import DAG\nfrom tradewind.operators.bash import BashOperator\n"
        "with DAG('typo2', schedule=None, start_date=datetime(2024, 1, 1)):\n"
        "    BashOperator(task_id='b',\n                 bash_comand='echo hi')\n",
        5,
        "BashOperator (task_id: b): bash_comand (did you mean `bash_command`?); missing required argument(s): "
        "bash_command",
    ),
}


def test_version_and_info(cli) -> None:
    from tradewind import __version__

    r = cli("version")
    assert r.code == 0 and r.out.strip() == __version__
    r = cli("info", "-o", "json")
    data = {row["key"]: row["value"] for row in json.loads(r.out)}
    assert data["tradewind_version"] == __version__


def test_db_migrate_check_reset(cli) -> None:
    assert cli("db", "migrate").code == 0
    r = cli("db", "check")
    assert r.code == 0 and "up to date" in r.out
    assert cli("db", "reset", "-y").code == 0
    assert cli("db", "check").code == 0


def test_dags_list_and_import_errors(cli, write_dag) -> None:
    write_dag("good.py", GOOD)
    for name, (source, _, _) in BROKEN.items():
        write_dag(name, source)
    r = cli("dags", "list", "-o", "json")
    assert r.code == 0, r.err
    listed = json.loads(r.out)
    assert [d["dag_id"] for d in listed] == ["good"]
    assert listed[0]["is_paused"] is True and listed[0]["schedule"] == "@daily" and listed[0]["tags"] == ["t1"]
    r = cli("dags", "list-import-errors", "-o", "json")
    errors = {e["filepath"].rsplit("/", 1)[-1]: e for e in json.loads(r.out)}
    assert r.code == 1
    assert set(errors) == set(BROKEN)
    for name, (_, line, text) in BROKEN.items():
        assert errors[name]["lineno"] == line, (name, errors[name])
        assert text in errors[name]["error"], (name, errors[name])


def test_import_errors_are_recorded_in_the_database(cli, write_dag) -> None:
    write_dag("raises.py", BROKEN["raises.py"][0])
    cli("dags", "list")
    from tradewind.store import import_errors

    [error] = import_errors.list_import_errors()
    assert error.filename.endswith("raises.py") and error.lineno == 4


def test_yaml_and_plain_output(cli, write_dag) -> None:
    import yaml

    write_dag("good.py", GOOD)
    assert yaml.safe_load(cli("dags", "list", "-o", "yaml").out)[0]["dag_id"] == "good"
    assert cli("dags", "list", "-o", "plain").out.startswith("good\t")


def test_show_tree_and_dot(cli, write_dag) -> None:
    write_dag("good.py", GOOD)
    r = cli("dags", "show", "good")
    assert r.out.splitlines() == ["<Task(BashOperator): a>", "    <Task(BashOperator): b>"]
    r = cli("dags", "show", "good", "--dot")
    assert '"a" -> "b";' in r.out and r.out.startswith('digraph "good"')
    r = cli("tasks", "list", "good")
    assert r.out.split() == ["a", "b"]


def test_next_execution(cli, write_dag) -> None:
    write_dag("good.py", GOOD)
    r = cli("dags", "next-execution", "good", "-n", "2")
    assert r.code == 0
    assert r.out.split() == ["2024-01-01T00:00:00+00:00", "2024-01-02T00:00:00+00:00"]


def test_variables_roundtrip(cli, tmp_path) -> None:
    assert cli("variables", "set", "recipient", "ops@example.com").code == 0
    assert cli("variables", "get", "recipient").out.strip() == "ops@example.com"
    assert json.loads(cli("variables", "list", "-o", "json").out) == [{"key": "recipient"}]
    export = tmp_path / "vars.json"
    assert cli("variables", "export", str(export)).code == 0
    assert json.loads(export.read_text()) == {"recipient": "ops@example.com"}
    assert cli("variables", "delete", "recipient").code == 0
    r = cli("variables", "get", "recipient")
    assert r.code == 1 and "does not exist" in r.err
    export.write_text('{"a": 1, "b": "two"}')
    assert cli("variables", "import", str(export)).code == 0
    assert cli("variables", "get", "b").out.strip() == "two"


def test_config_get_value_with_env_override(cli, monkeypatch) -> None:
    monkeypatch.setenv("TRADEWIND__CORE__PARALLELISM", "7")
    from tradewind.config import conf

    conf.reload()
    assert cli("config", "get-value", "core", "parallelism").out.strip() == "7"
    r = cli("config", "get-value", "core", "nope")
    assert r.code == 1 and "nope" in r.err


@pytest.mark.parametrize(
    "args, message",
    [
        (("dags", "test", "missing"), "DAG 'missing' not found"),
        (("tasks", "test", "good", "nope"), "task 'nope' not found"),
        (("dags", "test", "good", "not-a-date"), "invalid logical date"),
        (("dags", "test", "good", "-c", "{bad json"), "invalid conf JSON"),
        (("dags", "test", "good", "-c", "[1, 2]"), "conf must be a JSON object"),
        (("dags", "list", "-S", "/no/such/dir"), "no such file or directory"),
        (("dags", "list-runs", "good", "--state", "sucess"), "sucess"),
    ],
)
def test_bad_input_is_one_line_without_traceback(cli_process, write_dag, args, message) -> None:
    write_dag("good.py", GOOD)
    r = cli_process(*args)
    assert r.code != 0
    assert message in r.err
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1, r.err


def test_usage_error_exit_code(cli_process) -> None:
    r = cli_process("dags", "list", "-o", "xml")
    assert r.code == 2 and "invalid choice" in r.err and "Traceback" not in r.err
