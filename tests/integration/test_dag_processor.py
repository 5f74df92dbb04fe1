"""The DAG file processor against real databases (SQLite, PostgreSQL) and real forked children.

Each DAG file here appends its name to `imports.log` when imported, so a test can tell which
files a pass really re-imported.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

DAG_FILE = """
from datetime import datetime
from pathlib import Path

from tradewind import DAG
from tradewind.operators.empty import EmptyOperator

with open(Path(__file__).parent.parent / "imports.log", "a") as log:
    log.write(Path(__file__).name + "\\n")

with DAG("{dag_id}", schedule=None, start_date=datetime(2024, 1, 1)):
    EmptyOperator(task_id="a") >> EmptyOperator(task_id="{last}")
"""


@pytest.fixture
def dags(tradewind_home: Path, monkeypatch: pytest.MonkeyPatch, migrated_db: str) -> Path:
    """The DAGs folder, over a migrated database: each test runs on SQLite and on PostgreSQL."""
    folder = tradewind_home / "dags"
    folder.mkdir()
    monkeypatch.setenv("TRADEWIND__SCHEDULER__DAG_DIR_LIST_INTERVAL", "0")
    monkeypatch.setenv("TRADEWIND__SCHEDULER__MIN_FILE_PROCESS_INTERVAL", "3600")
    return folder


def write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    return path


def write_dag(folder: Path, name: str, dag_id: str, last: str = "b") -> Path:
    return write(folder, name, DAG_FILE.format(dag_id=dag_id, last=last))


def imports(folder: Path) -> list[str]:
    log = folder.parent / "imports.log"
    return sorted(log.read_text().split()) if log.exists() else []


def active_dags() -> set[str]:
    from tradewind.store import dags

    return {d.dag_id for d in dags.list_dags(active_only=True)}


def errors_by_file() -> dict[str, tuple[int | None, str]]:
    from tradewind.store import import_errors

    return {Path(e.filename).name: (e.lineno, e.message) for e in import_errors.list_import_errors()}


def processor(**kwargs):
    from tradewind.parsing.processor import DagFileProcessor

    return DagFileProcessor(**kwargs)


def test_only_new_and_changed_files_are_reimported(dags: Path) -> None:
    write_dag(dags, "a.py", "dag_a")
    write_dag(dags, "b.py", "dag_b")
    proc = processor()

    first = proc.run_once()
    assert imports(dags) == ["a.py", "b.py"]
    assert first.changed_dag_ids == {"dag_a", "dag_b"}
    assert first.files_parsed == 2 and first.import_errors == 0
    assert active_dags() == {"dag_a", "dag_b"}

    idle = proc.run_once()
    assert idle.files_parsed == 0 and idle.changed_dag_ids == set()
    assert imports(dags) == ["a.py", "b.py"]

    path = write_dag(dags, "a.py", "dag_a", last="c")  # a new task: the serialized DAG changes
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 10))
    write_dag(dags, "c.py", "dag_c")
    again = proc.run_once()
    assert imports(dags) == ["a.py", "a.py", "b.py", "c.py"]
    assert again.files_parsed == 2
    assert again.changed_dag_ids == {"dag_a", "dag_c"}

    from tradewind.store import dags as dag_store

    tasks = [t["task_id"] for t in dag_store.get_serialized("dag_a")["tasks"]]
    assert tasks == ["a", "c"]


def test_a_new_processor_trusts_the_database_and_force_reparses_all(dags: Path) -> None:
    write_dag(dags, "a.py", "dag_a")
    processor().run_once()
    assert processor().run_once().files_parsed == 0  # e.g. a restarted dag-processor
    assert imports(dags) == ["a.py"]
    forced = processor().run_once(force=True)
    assert forced.files_parsed == 1 and forced.changed_dag_ids == set()
    assert imports(dags) == ["a.py", "a.py"]


def test_unchanged_files_are_reparsed_once_due(dags: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_dag(dags, "a.py", "dag_a")
    monkeypatch.setenv("TRADEWIND__SCHEDULER__MIN_FILE_PROCESS_INTERVAL", "0")
    proc = processor()
    proc.run_once()
    proc.run_once()
    assert imports(dags) == ["a.py", "a.py"]


@pytest.mark.parametrize("body", ["while True:\n    pass", "import time\ntime.sleep(120)"])
def test_a_hanging_file_times_out_and_others_load(dags: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    monkeypatch.setenv("TRADEWIND__CORE__DAG_FILE_PROCESSOR_TIMEOUT", "1")
    monkeypatch.setenv("TRADEWIND__CORE__DAGBAG_IMPORT_TIMEOUT", "600")  # the parent's kill is what we test
    write_dag(dags, "a.py", "dag_a")
    write(dags, "hang.py", "from tradewind import DAG\n" + body + "\n")
    write_dag(dags, "z.py", "dag_z")

    result = processor().run_once()

    assert active_dags() == {"dag_a", "dag_z"}
    assert result.import_errors == 1
    _, message = errors_by_file()["hang.py"]
    assert "timed out after 1 s" in message and str(dags / "hang.py") in message


def test_a_pass_with_a_wait_budget_returns_while_a_file_hangs(dags: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND__CORE__DAG_FILE_PROCESSOR_TIMEOUT", "6")
    write_dag(dags, "a.py", "dag_a")
    write(dags, "hang.py", "from tradewind import DAG\nimport time\ntime.sleep(120)\n")
    write_dag(dags, "z.py", "dag_z")
    proc = processor()

    for _ in range(50):  # what the scheduler's loop does: short passes, children keep working
        proc.run_once(wait=0.1)
        if active_dags() == {"dag_a", "dag_z"}:
            break
    assert active_dags() == {"dag_a", "dag_z"}
    assert proc.pool.busy and "hang.py" not in errors_by_file()

    last = proc.run_once()  # no budget: waits for the hanging file's deadline
    assert last.files_parsed == 1 and last.import_errors == 1
    assert "timed out after 6 s" in errors_by_file()["hang.py"][1]
    assert not proc.pool.busy


# pytest's faulthandler is inherited by the forked child and writes a ~50-line "Fatal Python error"
# dump straight to the terminal: the crashing file sends it to a file this test reads instead.
SEGFAULT = (
    "import faulthandler, os, signal\nfaulthandler.enable(open({crash_report!r}, 'w'))\n"
    "os.kill(os.getpid(), signal.SIGSEGV)"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("import os\nos._exit(3)", "exited with code 3"),
        (SEGFAULT, "signal SIGSEGV"),
        ("import sys\nsys.exit(4)", "SystemExit: 4"),
    ],
)
def test_a_file_that_kills_its_interpreter_costs_only_itself(dags: Path, body: str, expected: str) -> None:
    crash_report = dags.parent / "crash-report.txt"
    for i in range(5):
        write_dag(dags, f"a{i}.py", f"dag_a{i}")
    write(dags, "b_crash.py", "from tradewind import DAG\n" + body.format(crash_report=str(crash_report)) + "\n")
    for i in range(5):
        write_dag(dags, f"c{i}.py", f"dag_c{i}")
    proc = processor()
    proc.pool.chunk_size = 20  # one child gets every file: the crash is mid-chunk

    result = proc.run_once()

    assert active_dags() == {f"dag_{p}{i}" for p in "ac" for i in range(5)}
    assert result.files_parsed == 11 and result.import_errors == 1
    assert imports(dags) == sorted([f"a{i}.py" for i in range(5)] + [f"c{i}.py" for i in range(5)])
    _, message = errors_by_file()["b_crash.py"]
    assert expected in message
    if "SystemExit" not in expected:
        assert str(dags / "b_crash.py") in message
    if body is SEGFAULT:  # the child's crash report was captured, not printed
        report = crash_report.read_text()
        assert "Fatal Python error: Segmentation fault" in report and "b_crash.py" in report


def test_syntax_error_is_recorded_with_its_line_and_cleared_when_fixed(dags: Path) -> None:
    path = write(dags, "broken.py", "from tradewind import DAG\n\nx = 1\ny = (\n")
    proc = processor()
    assert proc.run_once().import_errors == 1
    lineno, message = errors_by_file()["broken.py"]
    assert lineno == 4 and message.startswith("SyntaxError")

    write_dag(dags, "broken.py", "fixed")
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 10))
    result = proc.run_once()
    assert result.changed_dag_ids == {"fixed"}
    assert errors_by_file() == {}


def test_a_deleted_file_loses_its_dags_and_its_import_error(dags: Path) -> None:
    keep = write_dag(dags, "keep.py", "kept")
    gone = write_dag(dags, "gone.py", "goner")
    broken = write(dags, "broken.py", "from tradewind import DAG\nraise RuntimeError('no')\n")
    proc = processor()
    proc.run_once()
    assert active_dags() == {"kept", "goner"}
    assert set(errors_by_file()) == {"broken.py"}

    gone.unlink()
    broken.unlink()
    result = proc.run_once()

    assert result.files_removed == 2 and result.changed_dag_ids == {"goner"}
    assert active_dags() == {"kept"}
    assert errors_by_file() == {}
    assert keep.exists() and imports(dags) == ["gone.py", "keep.py"]


def test_errors_the_cli_recorded_are_forgotten_when_their_file_is_gone_or_fixed(dags: Path) -> None:
    from tradewind.store import import_errors

    write_dag(dags, "fixed.py", "fixed")
    for name in ("gone.py", "fixed.py", "elsewhere.py"):  # `dags list` stores errors but no file states
        import_errors.replace_import_errors([], [(str(dags / name), 1, "NameError: x", "")])
    import_errors.replace_import_errors([], [("/not/our/folder/other.py", 1, "NameError: y", "")])

    result = processor().run_once()

    assert result.files_parsed == 1 and active_dags() == {"fixed"}
    assert [e.filename for e in import_errors.list_import_errors()] == ["/not/our/folder/other.py"]


def test_a_dag_id_defined_twice_is_an_import_error_of_the_second_file(dags: Path) -> None:
    write_dag(dags, "first.py", "same")
    proc = processor()
    proc.run_once()
    write_dag(dags, "second.py", "same")
    result = proc.run_once()
    assert result.import_errors == 1
    _, message = errors_by_file()["second.py"]
    assert "DuplicateDagIdError" in message and str(dags / "first.py") in message
    from tradewind.store import dags as dag_store

    assert dag_store.get_dag("same").fileloc == str(dags / "first.py")


def test_files_without_dags_are_skipped_and_read_once(dags: Path) -> None:
    write(dags, "helper.py", "VALUE = 1\n")
    write_dag(dags, "a.py", "dag_a")
    proc = processor()
    assert proc.run_once().files_parsed == 1
    assert proc.run_once().files_parsed == 0
    assert str(dags / "helper.py") in proc._not_dag_files


def test_file_state_and_source_are_recorded(dags: Path) -> None:
    import sqlalchemy as sa

    from tradewind.store.engine import session
    from tradewind.store.models import dag_file

    path = write_dag(dags, "a.py", "dag_a")
    processor().run_once()
    with session() as conn:
        row = conn.execute(sa.select(dag_file).where(dag_file.c.fileloc == str(path))).one()
    assert row.dag_ids == ["dag_a"]
    assert row.size == path.stat().st_size and row.mtime == path.stat().st_mtime
    assert row.source_code == path.read_text()


def test_examples_load_with_the_folder_and_retire_when_turned_off(dags: Path) -> None:
    from tradewind.parsing.dagbag import example_folders
    from tradewind.store import dags as dag_store

    write_dag(dags, "a.py", "dag_a")
    processor(include_examples=True).run_once()
    examples = active_dags() - {"dag_a"}
    assert examples
    folders = example_folders()
    assert all(
        any(Path(d.fileloc).is_relative_to(f) for f in folders) for d in dag_store.list_dags() if d.dag_id in examples
    )
    assert {"example_bash_operator", "work_automation", "image_text_extraction"} <= examples

    result = processor(include_examples=False).run_once()
    assert active_dags() == {"dag_a"}
    assert result.changed_dag_ids == examples and result.files_parsed == 0
