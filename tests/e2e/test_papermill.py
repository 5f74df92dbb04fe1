"""PapermillOperator on a real kernel: parameters injected, executed notebook kept, cell errors fail the task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")


def _notebook(path: Path, body: str) -> Path:
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "no-such-kernel", "display_name": "gone", "language": "python"}
    nb.cells = [
        new_code_cell('greeting = "default"\nn = 0', metadata={"tags": ["parameters"]}),
        new_code_cell(body),
    ]
    nbformat.write(nb, str(path))
    return path


def _dag_file(dags_dir: Path, notebook: Path, output_nb: str | None) -> Path:
    out = f"output_nb={output_nb!r}," if output_nb else ""
    source = f"""
from datetime import datetime
from tradewind import DAG
from tradewind.operators.papermill import PapermillOperator

with DAG("nb_dag", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
    PapermillOperator(
        task_id="run_nb", input_nb={str(notebook)!r}, {out}
        parameters={{"greeting": "hello {{{{ ds }}}}", "n": 3}}, retries=0,
    )
"""
    path = dags_dir / "nb_dag.py"
    path.write_text(source)
    return path


def test_parameters_are_injected_and_the_executed_notebook_is_kept_per_run(
    tradewind_home: Path, tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A "python3" kernelspec registered elsewhere that cannot start: the operator must not use it.
    broken = tmp_path / "jupyter" / "kernels" / "python3"
    broken.mkdir(parents=True)
    (broken / "kernel.json").write_text(
        json.dumps({"argv": ["/bin/false", "{connection_file}"], "display_name": "broken", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    dags = tradewind_home / "dags"
    dags.mkdir(exist_ok=True)
    notebook = _notebook(tmp_path / "in.ipynb", "import sys\nprint(greeting * n, sys.executable)")
    _dag_file(dags, notebook, None)
    result = cli("dags", "test", "nb_dag", "2026-03-05")
    assert result.code == 0, result.out + result.err
    executed = list((tradewind_home / "notebooks" / "nb_dag").glob("*/run_nb.ipynb"))
    assert len(executed) == 1 and "2026-03-05" in executed[0].parent.name  # default path names the run
    nb = json.loads(executed[0].read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert 'greeting = "hello 2026-03-05"' in "".join(injected[0]["source"])
    text = "".join(
        "".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
    )
    import sys

    assert "hello 2026-03-05" * 3 in text
    assert sys.executable in text  # the kernel is the interpreter that runs the task, not a registered "python3"


def test_a_failing_cell_fails_the_task_with_the_cell_error_in_the_log(
    tradewind_home: Path, tmp_path: Path, cli
) -> None:
    dags = tradewind_home / "dags"
    dags.mkdir(exist_ok=True)
    notebook = _notebook(tmp_path / "bad.ipynb", 'raise ValueError(f"bad data: {n} rows")')
    out = tmp_path / "kept" / "bad-{{ ds_nodash }}.ipynb"
    _dag_file(dags, notebook, str(out))
    result = cli("dags", "test", "nb_dag", "2026-03-05")
    assert result.code != 0
    logs = list((tradewind_home / "logs").rglob("attempt=1.log"))
    assert len(logs) == 1
    log = logs[0].read_text()
    assert "ValueError: bad data: 3 rows" in log
    assert "failed in cell" in log
    kept = tmp_path / "kept" / "bad-20260305.ipynb"
    nb = json.loads(kept.read_text())  # the executed notebook is kept even when a cell fails
    errors = [
        o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []) if o["output_type"] == "error"
    ]
    assert errors and errors[0]["ename"] == "ValueError"
