"""DAG 2 of the seed's cross-DAG scenario: transform the OCR text → visualise it → train a classifier.

One set of task callables serves the three ways DAG 2 can wait for DAG 1 (see
docs/ocr-pipelines.md); `add_training_tasks(wait_for=...)` adds them to the DAG being defined:

* "sensor":  an ExternalTaskSensor waits, in reschedule mode, for DAG 1's `extract_text` at the
  same logical date; the records are found through DAG 1's `by_logical_date` pointer.
* "trigger": DAG 1 triggers this DAG with `conf={"records": <path>}`.
* "dataset": the scheduler starts this DAG when `extract_text` updates the text-records dataset;
  the triggering event names DAG 1's run, hence its records.

Each run writes features, charts, metrics and the model to
`$TRADEWIND_HOME/data/<dag_id>/runs/<run_id>/`.
"""

from __future__ import annotations

import json
import pickle
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from seedlib.ocr_tasks import RECORDS_FILE, TEXT_RECORDS_URI, pointer_path, run_dir
from tradewind.exceptions import TradewindException

EXTRACTION_DAG_ID = "image_text_extraction"
WaitMode = Literal["sensor", "trigger", "dataset"]
SENSOR_TIMEOUT_SECONDS = 6 * 3600.0


class RecordsNotFound(TradewindException):
    """DAG 1's text records for this run cannot be located."""


def work_dir(dag_id: str, run_id: str) -> Path:
    from seedlib.paths import run_dir as shared_run_dir

    path = shared_run_dir(dag_id, run_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def locate_records(mode: WaitMode, logical_date: datetime, conf: dict[str, Any] | None, events: Any) -> Path:
    """Where DAG 1 wrote the text this run should learn from, for each way of being started."""
    if conf and conf.get("records"):
        return Path(conf["records"])
    if mode == "dataset" and events:
        for event in reversed(list(events.get(TEXT_RECORDS_URI, []))):
            if event.source_dag_id and event.source_run_id:
                return run_dir(event.source_dag_id, event.source_run_id) / RECORDS_FILE
    pointer = pointer_path(EXTRACTION_DAG_ID, logical_date)
    if pointer.exists():
        return Path(json.loads(pointer.read_text(encoding="utf-8"))["records"])
    raise RecordsNotFound(f"no text records of {EXTRACTION_DAG_ID} for logical date {logical_date.isoformat()}")


def clean_text(text: str) -> str:
    """Lower case, digits folded to '0' (amounts and ids vary, their shape does not), one space between words."""
    text = re.sub(r"\d", "0", text.lower())
    return " ".join(re.findall(r"[a-z0]+", text))


def transform_data(
    mode: WaitMode, dag: Any, run_id: str, logical_date: datetime, dag_run: Any, **context: Any
) -> dict[str, Any]:
    """Clean and tokenise the OCR text, fit TF-IDF features; save them for the next two tasks."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    source = locate_records(
        mode, logical_date, getattr(dag_run, "conf", None), context.get("triggering_dataset_events")
    )
    records = [r for r in json.loads(source.read_text(encoding="utf-8")) if r.get("category")]
    if not records:
        raise RecordsNotFound(f"{source} holds no labelled record")
    docs = [clean_text(r["text"]) for r in records]
    labels = [r["category"] for r in records]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True)
    features = vectorizer.fit_transform(docs)
    out = work_dir(dag.dag_id, run_id)
    with (out / "features.pkl").open("wb") as fh:
        pickle.dump({"vectorizer": vectorizer, "X": features, "labels": labels, "docs": docs}, fh)
    summary = {
        "source": str(source),
        "workdir": str(out),
        "documents": len(docs),
        "vocabulary": len(vectorizer.vocabulary_),
    }
    print(f"transformed {len(docs)} documents from {source}: {summary['vocabulary']} terms")
    return summary


def _load_features(ti: Any) -> tuple[Path, dict[str, Any]]:
    workdir = Path(ti.xcom_pull(task_ids="transform_data")["workdir"])
    with (workdir / "features.pkl").open("rb") as fh:
        return workdir, pickle.load(fh)


def visualise_data(ti: Any) -> list[str]:
    """Two PNG charts: documents per category, and each category's terms with the highest mean TF-IDF weight."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    workdir, data = _load_features(ti)
    categories = sorted(set(data["labels"]))
    counts = [data["labels"].count(c) for c in categories]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.bar(categories, counts, color="#4c72b0")
    ax.set_title("Documents per category")
    ax.set_ylabel("documents")
    fig.tight_layout()
    dist = workdir / "class_distribution.png"
    fig.savefig(dist)
    plt.close(fig)

    terms = data["vectorizer"].get_feature_names_out()
    labels = np.asarray(data["labels"])
    columns = 2
    rows = (len(categories) + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(9, 3 * rows), squeeze=False)
    for ax, category in zip(axes.ravel(), categories):
        weights = np.asarray(data["X"][labels == category].mean(axis=0)).ravel()
        top = weights.argsort()[::-1][:8][::-1]
        ax.barh([terms[i] for i in top], weights[top], color="#55a868")
        ax.set_title(f"{category}: top terms (mean TF-IDF)", fontsize=10)
    for ax in axes.ravel()[len(categories) :]:
        ax.axis("off")
    fig.tight_layout()
    top_terms = workdir / "top_terms.png"
    fig.savefig(top_terms)
    plt.close(fig)
    return [str(dist), str(top_terms)]


def train_model(ti: Any) -> dict[str, Any]:
    """Logistic regression on the TF-IDF features: held-out metrics, then the model refit on all data."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import Pipeline

    workdir, data = _load_features(ti)
    X, labels = data["X"], data["labels"]
    classes = sorted(set(labels))
    metrics: dict[str, Any] = {"documents": len(labels), "classes": classes}
    if len(classes) < 2:
        raise RecordsNotFound(f"only one category ({classes}) in the records: nothing to learn")
    smallest = min(labels.count(c) for c in classes)
    if smallest >= 2:
        test_size = max(len(classes), round(0.25 * len(labels)))
        X_train, X_test, y_train, y_test = train_test_split(
            X, labels, test_size=test_size, stratify=labels, random_state=0
        )
        held_out = LogisticRegression(max_iter=1000).fit(X_train, y_train)
        predicted = held_out.predict(X_test)
        metrics.update(
            {
                "test_documents": len(y_test),
                "accuracy": round(float(accuracy_score(y_test, predicted)), 4),
                "macro_f1": round(float(f1_score(y_test, predicted, average="macro")), 4),
            }
        )
    classifier = LogisticRegression(max_iter=1000).fit(X, labels)
    metrics["train_accuracy"] = round(float(classifier.score(X, labels)), 4)
    model = Pipeline([("tfidf", data["vectorizer"]), ("classifier", classifier)])
    with (workdir / "model.pkl").open("wb") as fh:
        pickle.dump(model, fh)
    (workdir / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    print(f"model saved to {workdir / 'model.pkl'}: {metrics}")
    return metrics


def sensor_poke_seconds() -> float:
    """`[examples] ocr_sensor_poke_seconds` (env TRADEWIND__EXAMPLES__OCR_SENSOR_POKE_SECONDS), 60 by default."""
    from tradewind.config import conf

    return float(conf.getfloat("examples", "ocr_sensor_poke_seconds", fallback=60.0))


def add_training_tasks(*, wait_for: WaitMode, poke_interval: float | None = None) -> Any:
    """Add [wait_for_text >>] transform_data >> visualise_data >> train_model to the DAG being defined."""
    from tradewind.operators.python import PythonOperator

    transform = PythonOperator(task_id="transform_data", python_callable=transform_data, op_kwargs={"mode": wait_for})
    visualise = PythonOperator(task_id="visualise_data", python_callable=visualise_data)
    train = PythonOperator(task_id="train_model", python_callable=train_model)
    transform >> visualise >> train
    if wait_for == "sensor":
        from tradewind.sensors.external_task import ExternalTaskSensor

        wait = ExternalTaskSensor(
            task_id="wait_for_text",
            external_dag_id=EXTRACTION_DAG_ID,
            external_task_id="extract_text",
            mode="reschedule",  # free the worker slot between pokes: DAG 1 may take a while
            poke_interval=sensor_poke_seconds() if poke_interval is None else poke_interval,
            timeout=SENSOR_TIMEOUT_SECONDS,
            failed_states=["failed", "upstream_failed"],
        )
        wait >> transform
    return train
