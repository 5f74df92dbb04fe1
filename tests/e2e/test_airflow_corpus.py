"""The Airflow DAG corpus (tests/data/airflow_corpus/): each file, unchanged, run by `tradewind dags test`.

Each file states what Airflow does with it in `# expect:` header lines (one JSON object per DAG:
final task states, the run's state, key XCom values), or `# expect-import-error:` with the part of
the one-line error naming what is not supported. The README there says how they were derived.
Files run in-process through the real CLI entry point (`main(["dags", "test", ...])`), which is
the code path of `tradewind dags test`; one database serves the whole module, runs are per DAG.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "data" / "airflow_corpus"
LOGICAL_DATE = "2024-03-05T00:00:00+00:00"
#: The variables and connection the files read (AIRFLOW_VAR_... and AIRFLOW_CONN_... on Airflow).
VARIABLES = {
    "TRADEWIND_VAR_CORPUS_ENV": "staging",
    "TRADEWIND_VAR_CORPUS_SETTINGS": '{"batch": 3}',
    "TRADEWIND_CONN_CORPUS_DB": "postgres://user:pw@db.example:5432/sales",
}


def _header(path: Path) -> dict[str, Any]:
    """The expectations and marks in a corpus file's leading comment lines."""
    found: dict[str, Any] = {"runs": [], "import_error": None, "xfail": None}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        tag, _, value = line[1:].strip().partition(":")
        if tag == "expect":
            found["runs"].append(json.loads(value))
        elif tag == "expect-import-error":
            found["import_error"] = value.strip()
        elif tag == "xfail":
            found["xfail"] = value.strip()
    return found


def _cases() -> Iterator[Any]:
    for path in sorted(CORPUS.glob("*.py")):
        header = _header(path)
        marks = [pytest.mark.xfail(reason=header["xfail"], strict=True)] if header["xfail"] else []
        yield pytest.param(path, header, id=path.stem, marks=marks)


@pytest.fixture(scope="module")
def corpus_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus-home")


@pytest.fixture
def tradewind_home(tradewind_home: Path, corpus_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The conftest's clean environment, but one home (and database) for the module: migrating a
    database per file would dominate the run."""
    from tradewind.config import conf
    from tradewind.store.engine import reset_engine

    monkeypatch.setenv("TRADEWIND_HOME", str(corpus_home))
    monkeypatch.setenv("TRADEWIND__CORE__DAGS_FOLDER", str(CORPUS))
    for key, value in VARIABLES.items():
        monkeypatch.setenv(key, value)
    conf.reload()
    reset_engine()
    return corpus_home


def _label(task_id: str, map_index: int) -> str:
    return task_id if map_index < 0 else f"{task_id}[{map_index}]"


def _xcoms(dag_id: str, run_id: str, wanted: dict[str, Any]) -> dict[str, Any]:
    """The stored XCom values named in `wanted` ("task", "task[1]", "task:key")."""
    from tradewind.store import xcom

    got: dict[str, Any] = {}
    for name in wanted:
        ref, _, key = name.partition(":")
        task_id, _, index = ref.partition("[")
        map_index = int(index.rstrip("]")) if index else -1
        values = xcom.pull(dag_id, run_id, [task_id], key=key or "return_value", map_indexes=[map_index])
        got[name] = values.get((task_id, map_index), "<no xcom>")
    return got


@pytest.mark.parametrize(("path", "header"), list(_cases()))
def test_corpus_file(path: Path, header: dict[str, Any], cli) -> None:
    assert header["runs"] or header["import_error"], f"{path.name} states no expectation"
    if header["import_error"]:
        r = cli("dags", "list-import-errors", "-S", str(path), "-o", "json")
        errors = json.loads(r.out) if r.out.strip() else []
        assert len(errors) == 1, (r.out, r.err)
        message = errors[0]["error"]
        assert "\n" not in message.strip()
        assert header["import_error"] in message
        return
    for expected in header["runs"]:
        dag_id = expected["dag_id"]
        args = ["dags", "test", dag_id, expected.get("logical_date", LOGICAL_DATE), "-S", str(path)]
        args += ["-o", "json", "--retry-delay", "0"]
        if "conf" in expected:
            args += ["-c", json.dumps(expected["conf"])]
        r = cli(*args)
        assert r.out.strip(), r.err
        report = json.loads(r.out)
        states = {_label(ti["task_id"], ti["map_index"]): ti["state"] for ti in report["task_instances"]}
        got: dict[str, Any] = {"state": report["state"], "tasks": states}
        want: dict[str, Any] = {"state": expected["state"], "tasks": expected["tasks"]}
        if "tries" in expected:
            tries = {_label(ti["task_id"], ti["map_index"]): ti["try_number"] for ti in report["task_instances"]}
            got["tries"] = {t: tries.get(t) for t in expected["tries"]}
            want["tries"] = expected["tries"]
        if "xcom" in expected:
            got["xcom"] = _xcoms(dag_id, report["run_id"], expected["xcom"])
            want["xcom"] = expected["xcom"]
        if "data_interval" in expected:
            got["data_interval"] = [report["data_interval_start"], report["data_interval_end"]]
            want["data_interval"] = expected["data_interval"]
        assert got == want, f"{path.name}: {dag_id} gave {json.dumps(got, default=str)}"
