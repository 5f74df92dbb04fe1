"""Connection and variable files for `DAG.test()`: Airflow's local-filesystem formats, looked up first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradewind.exceptions import UsageError
from tradewind.models import Connection, Variable
from tradewind.secrets.local_files import load_connections, load_variables, local_secrets


def test_connections_as_uris_and_objects(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "ftp_box: ftp://u:p@files.example:2121\n"
        "db:\n  conn_type: postgres\n  host: db.example\n  port: '5433'\n  extra_dejson: {sslmode: require}\n"
    )
    conns = load_connections(path)
    assert conns["ftp_box"].conn_type == "ftp" and conns["ftp_box"].port == 2121
    assert conns["db"].conn_id == "db" and conns["db"].port == 5433
    assert conns["db"].extra_dejson == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"x": {"host": "h", "hostname": "h"}}, "unknown fields hostname"),
        ({"x": {"conn_id": "y"}}, "says conn_id 'y'"),
        ({"x": {"extra": "{}", "extra_dejson": {}}}, "both extra and extra_dejson"),
        ({"x": 5}, "must be a URI or an object"),
        (["x"], "must hold an object"),
    ],
)
def test_bad_connection_files_name_the_problem(tmp_path: Path, content: object, message: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(content))
    with pytest.raises(UsageError, match=message):
        load_connections(path)


def test_variables_in_each_format(tmp_path: Path) -> None:
    (tmp_path / "v.json").write_text('{"a": "text", "b": {"n": 1}, "c": 3}')
    (tmp_path / "v.env").write_text("# comment\nA=from env file\n\nB = spaced \n")
    (tmp_path / "v.txt").write_text("a=1")
    (tmp_path / "bad.yaml").write_text("a: [1\n")
    assert load_variables(tmp_path / "v.json") == {"a": "text", "b": '{"n": 1}', "c": "3"}
    assert load_variables(tmp_path / "v.env") == {"A": "from env file", "B": "spaced"}
    with pytest.raises(UsageError, match="unsupported file type"):
        load_variables(tmp_path / "v.txt")
    with pytest.raises(UsageError, match="not valid YAML"):
        load_variables(tmp_path / "bad.yaml")


def test_files_come_first_only_while_active(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "v.json").write_text('{"color": "from-file"}')
    (tmp_path / "c.json").write_text('{"svc": "http://file.example"}')
    monkeypatch.setenv("TRADEWIND_VAR_COLOR", "from-env")
    monkeypatch.setenv("TRADEWIND_CONN_SVC", "http://env.example")
    with local_secrets(tmp_path / "c.json", tmp_path / "v.json"):
        assert Variable.get("color") == "from-file"
        assert Connection.get("svc").host == "file.example"
    assert Variable.get("color") == "from-env"
    assert Connection.get("svc").host == "env.example"
