"""`tradewind dags check-compat`: one verdict per Airflow DAG file, imported alone as the DAG processor does."""

from __future__ import annotations

import json
from pathlib import Path

from test_airflow_corpus import CORPUS, _header


def test_corpus_folder_one_line_per_file(cli_process) -> None:
    r = cli_process("dags", "check-compat", str(CORPUS))
    assert r.code == 1, r.err  # the corpus holds files that use what Tradewind does not provide
    lines = r.out.strip().splitlines()
    files = sorted(p.name for p in CORPUS.glob("*.py"))
    verdicts = dict(line.split(": ", 1) for line in lines[:-1])
    assert sorted(verdicts) == files
    for name in files:
        header = _header(CORPUS / name)
        if header["import_error"]:
            assert verdicts[name].startswith("will not import (line "), verdicts[name]
            assert header["import_error"] in verdicts[name]
        elif header["xfail"] is None:
            assert verdicts[name].startswith("ok"), (name, verdicts[name])
    assert verdicts["a2_sla_and_access_control.py"] == (
        "ok with warnings (line 13: DAG argument 'sla_miss_callback' has no effect in Tradewind (no SLAs); "
        "line 13: DAG argument 'access_control' has no effect in Tradewind (permissions are per role, not per DAG); "
        "line 22: task argument 'sla' has no effect in Tradewind (no SLAs))"
    )
    broken = sum(v.startswith("will not import") for v in verdicts.values())
    warned = sum(v.startswith("ok with warnings") for v in verdicts.values())
    assert (
        lines[-1]
        == f"{len(files)} files: {len(files) - broken - warned} ok, {warned} ok with warnings, {broken} will not import"
    )


def test_folder_with_a_broken_file(cli_process, tmp_path: Path) -> None:
    folder = tmp_path / "dags"
    folder.mkdir()
    good = "from airflow import DAG\nfrom airflow.operators.empty import EmptyOperator\n\nwith DAG('good'):\n    EmptyOperator(task_id='t')\n"
    (folder / "good.py").write_text(good)
    r = cli_process("dags", "check-compat", str(folder), "-o", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["files"] == [{"file": "good.py", "status": "ok", "dag_ids": ["good"], "warnings": [], "errors": []}]

    (folder / "sub").mkdir()
    (folder / "sub" / "broken.py").write_text(
        "# an Airflow dag\nfrom airflow import DAG\n\nwith DAG('broken') as dag:\n    x = (\n"
    )
    (folder / "uses_hive.py").write_text(
        "from airflow import DAG\nimport os\nfrom airflow.providers.apache.hive.operators.hive import HiveOperator\n"
    )
    (folder / "notes.py").write_text("print('not a DAG file: safe mode skips it')\n")
    r = cli_process("dags", "check-compat", str(folder))
    assert r.code == 1
    assert r.out.splitlines() == [
        "good.py: ok",
        "sub/broken.py: will not import (line 5: SyntaxError: '(' was never closed)",
        "uses_hive.py: will not import (line 3: NotProvidedByTradewind: the Airflow module 'airflow.providers.apache' "
        "is not supported by Tradewind (see docs/airflow-compat.md for what maps))",
        "3 files: 1 ok, 0 ok with warnings, 2 will not import",
    ]


def test_default_folder_and_missing_path(cli_process, dags_dir: Path) -> None:
    (dags_dir / "one.py").write_text("from airflow.sdk import dag\n\n\n@dag()\ndef one():\n    pass\n\n\none()\n")
    r = cli_process("dags", "check-compat")
    assert (r.code, r.out) == (0, "one.py: ok\n1 file: 1 ok, 0 ok with warnings, 0 will not import\n"), r.err
    r = cli_process("dags", "check-compat", str(dags_dir / "nope"))
    assert r.code == 1 and r.err.strip().splitlines() == [
        f"tradewind: error: {dags_dir / 'nope'}: no such file or directory"
    ]
