"""End to end: the seed's two-DAG OCR scenario, run by a real scheduler, three ways.

DAG 1 downloads generated scans from a real FTP server (pyftpdlib on loopback), cleans them
and reads them with the real Tesseract; DAG 2 trains a scikit-learn classifier on the text.
Each test checks that DAG 2's `transform_data` starts only after DAG 1's `extract_text`
succeeded for the same data, then that both runs complete and leave their artefacts.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from scheduler_process import runs_of, wait_for

pytestmark = pytest.mark.timeout(180)

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))

IMAGES_PER_DROP = 8  # two per category: enough to train and hold out, quick to OCR
MIN_MEAN_ACCURACY = 0.97  # measured: 0.999 (see docs/ocr-pipelines.md)


@pytest.fixture
def ftp_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The FTP server DAG 1 downloads from, holding drops for the last three weeks, as `ftp_default`."""
    from seedlib.drops import week_start
    from seedlib.ocr_data import publish_drops
    from servers import start_ftp

    root = tmp_path / "ftp"
    last = week_start(date.today())
    publish_drops(root, [(last - timedelta(weeks=w)).isoformat() for w in range(3)], IMAGES_PER_DROP)
    handle = start_ftp(root, user="scanner", password="s3cret-pw")
    monkeypatch.setenv("TRADEWIND_CONN_FTP_DEFAULT", f"ftp://scanner:s3cret-pw@127.0.0.1:{handle.port}")
    yield handle
    handle.stop()


def link_examples(dags_dir: Path, *files: str) -> None:
    """A DAGs folder holding only the DAG files of one test, plus the helpers they import."""
    (dags_dir / "seedlib").symlink_to(EXAMPLES / "seedlib", target_is_directory=True)
    (dags_dir / ".tradewindignore").write_text("^seedlib/\n")
    for name in files:
        (dags_dir / name).symlink_to(EXAMPLES / name)


def tis_of(dag_id: str, run_id: str) -> dict[str, Any]:
    from tradewind.store import task_instances

    return {t.task_id: t for t in task_instances.list_task_instances(dag_id, run_id)}


def finished_run(dag_id: str) -> Any:
    done = [r for r in runs_of(dag_id) if r.state in ("success", "failed")]
    return done[0] if done else None


def parsed(*dag_ids: str) -> bool:
    from tradewind.store import dags

    return all(dags.get_dag(d) is not None for d in dag_ids)


def xcom_value(dag_id: str, run_id: str, task_id: str) -> Any:
    from tradewind.store import xcom

    return xcom.pull(dag_id, run_id, [task_id]).get((task_id, -1))


def explain(scheduler: Any, *dag_ids: str) -> str:
    lines = [scheduler.output()[-3000:]]
    for dag_id in dag_ids:
        for run in runs_of(dag_id):
            states = {k: t.state for k, t in tis_of(dag_id, run.run_id).items()}
            lines.append(f"{dag_id} {run.run_id} {run.state} {states}")
    return "\n".join(lines)


def assert_trained_after(extract_run: Any, train_dag: str, train_run: Any, scheduler: Any) -> None:
    """DAG 1 and DAG 2 both succeeded, DAG 2 transformed only after DAG 1 extracted, artefacts exist."""
    extraction = (
        "image_text_extraction" if train_dag != "text_model_training_triggered" else "image_text_extraction_trigger"
    )
    context = explain(scheduler, extraction, train_dag)
    assert extract_run.state == "success", context
    assert train_run.state == "success", context
    extract = tis_of(extraction, extract_run.run_id)["extract_text"]
    transform = tis_of(train_dag, train_run.run_id)["transform_data"]
    assert extract.state == transform.state == "success"
    assert transform.start_date >= extract.end_date, (transform.start_date, extract.end_date)

    summary = xcom_value(extraction, extract_run.run_id, "extract_text")
    assert summary["count"] == IMAGES_PER_DROP and summary["mean_accuracy"] >= MIN_MEAN_ACCURACY, summary
    records = json.loads(Path(summary["records"]).read_text())
    assert sorted({r["category"] for r in records}) == ["invoice", "memo", "receipt", "shipping_label"]
    assert Path(summary["records"]).with_suffix(".csv").is_file()

    transformed = xcom_value(train_dag, train_run.run_id, "transform_data")
    assert transformed["source"] == summary["records"]  # DAG 2 learnt from the text DAG 1 just wrote
    workdir = Path(transformed["workdir"])
    metrics = json.loads((workdir / "metrics.json").read_text())
    assert metrics["documents"] == IMAGES_PER_DROP and 0.0 <= metrics["accuracy"] <= 1.0
    assert metrics["train_accuracy"] == 1.0  # clean OCR text separates the four categories
    for name in ("model.pkl", "class_distribution.png", "top_terms.png"):
        assert (workdir / name).stat().st_size > 0
    assert (workdir / "class_distribution.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sensor_waits_in_reschedule_mode_for_the_same_logical_date(scheduler, dags_dir, ftp_server):
    from tradewind.scheduler.wakeup import notify
    from tradewind.store import dags

    link_examples(dags_dir, "image_text_extraction.py", "text_model_training.py")
    scheduler.start(
        TRADEWIND__CORE__DAGS_ARE_PAUSED_AT_CREATION="true",
        TRADEWIND__EXAMPLES__OCR_SENSOR_POKE_SECONDS="1",
    )
    wait_for(lambda: parsed("image_text_extraction", "text_model_training"), what="both DAGs to be parsed")

    dags.set_paused("text_model_training", False)  # DAG 2 first: DAG 1 has not run yet
    notify()
    waiting = wait_for(
        lambda: (
            (rs := runs_of("text_model_training"))
            and (t := tis_of("text_model_training", rs[0].run_id).get("wait_for_text"))
            and t.state == "up_for_reschedule"
            and rs[0]
        ),
        what="the sensor to be rescheduled",
        timeout=60,
    )
    assert runs_of("image_text_extraction") == []
    assert tis_of("text_model_training", waiting.run_id)["transform_data"].start_date is None

    dags.set_paused("image_text_extraction", False)
    notify()
    extract_run = wait_for(lambda: finished_run("image_text_extraction"), what="DAG 1's run", timeout=120)
    train_run = wait_for(lambda: finished_run("text_model_training"), what="DAG 2's run", timeout=60)
    assert train_run.run_id == waiting.run_id
    assert train_run.logical_date == extract_run.logical_date  # same weekly schedule: the dates line up
    assert_trained_after(extract_run, "text_model_training", train_run, scheduler)


def test_trigger_variant_starts_dag2_with_the_records_in_conf(scheduler, dags_dir, ftp_server):
    link_examples(dags_dir, "image_text_extraction_trigger.py", "text_model_training_triggered.py")
    scheduler.start()
    extract_run = wait_for(lambda: finished_run("image_text_extraction_trigger"), what="DAG 1's run", timeout=120)
    train_run = wait_for(lambda: finished_run("text_model_training_triggered"), what="DAG 2's run", timeout=60)
    assert len(runs_of("text_model_training_triggered")) == 1  # schedule=None: only the trigger starts it
    assert train_run.logical_date == extract_run.logical_date
    assert (
        train_run.conf["records"]
        == xcom_value("image_text_extraction_trigger", extract_run.run_id, "extract_text")["records"]
    )
    assert "trigger_text_model" in tis_of("image_text_extraction_trigger", extract_run.run_id)
    assert_trained_after(extract_run, "text_model_training_triggered", train_run, scheduler)


def test_dataset_variant_runs_when_extract_text_updates_the_records(scheduler, dags_dir, ftp_server):
    link_examples(dags_dir, "image_text_extraction.py", "text_model_training_dataset.py")
    scheduler.start()
    extract_run = wait_for(lambda: finished_run("image_text_extraction"), what="DAG 1's run", timeout=120)
    train_run = wait_for(lambda: finished_run("text_model_training_dataset"), what="DAG 2's run", timeout=60)
    assert len(runs_of("text_model_training_dataset")) == 1
    assert train_run.run_type == "dataset_triggered", explain(scheduler, "text_model_training_dataset")
    assert_trained_after(extract_run, "text_model_training_dataset", train_run, scheduler)
