"""DAG 1 of the seed's cross-DAG scenario: download images → process them → extract their text.

The task callables live here so that the two DAG files that use them (`image_text_extraction`
and `image_text_extraction_trigger`) share one implementation. Everything a run writes goes to
`$TRADEWIND_HOME/data/<dag_id>/runs/<run_id>/` (see seedlib.paths):

    raw/           the drop as downloaded from FTP (PNG images + ground_truth.json)
    processed/     the images after grayscale, denoise, threshold, deskew, resize
    text_records.json / text_records.csv   one record per image: file, category, text, accuracy

and `$TRADEWIND_HOME/data/<dag_id>/by_logical_date/<YYYYmmddTHHMMSS>.json` points at the run's
records, so that DAG 2 can find the text of *its* logical date when it waits with an ExternalTaskSensor.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from tradewind.exceptions import TradewindException

SCHEDULE = "@weekly"  # the seed: "The pipeline should run one per week"
START_DATE = datetime(2024, 1, 7)  # a Sunday: @weekly intervals run Sunday to Sunday
FTP_CONN_ID = "ftp_default"
RECORDS_FILE = "text_records.json"
TEXT_RECORDS_URI = "file://tradewind-home/data/ocr/text_records"  # an identifier shared by producer and consumer


class DropNotFound(TradewindException):
    """The FTP server has no image drop for this logical date (yet): the task fails and may retry."""


def run_dir(dag_id: str, run_id: str) -> Path:
    from seedlib.paths import run_dir as shared_run_dir

    return shared_run_dir(dag_id, run_id)


def date_key(logical_date: datetime) -> str:
    return logical_date.strftime("%Y%m%dT%H%M%S")


def pointer_path(dag_id: str, logical_date: datetime) -> Path:
    """Which run of `dag_id` holds the text records of `logical_date` (written by extract_text)."""
    from seedlib.paths import data_dir

    return data_dir(dag_id) / "by_logical_date" / f"{date_key(logical_date)}.json"


def text_records_dataset() -> Any:
    """The dataset `extract_text` updates and `text_model_training_dataset` is scheduled on."""
    from tradewind import Dataset

    return Dataset(TEXT_RECORDS_URI)


def download_images(ds: str, dag: Any, run_id: str, params: dict[str, Any]) -> int:
    """Fetch `ocr/<ds>/` from the FTP connection (ftplib, credentials from the connection); return the file count."""
    import ftplib

    from tradewind.hooks.base import BaseHook

    conn = BaseHook.get_connection(params.get("ftp_conn_id", FTP_CONN_ID))
    dest = run_dir(dag.dag_id, run_id) / "raw"
    dest.mkdir(parents=True, exist_ok=True)
    remote = f"ocr/{ds}"
    with ftplib.FTP() as ftp:
        ftp.connect(conn.host or "127.0.0.1", conn.port or 21, timeout=30)
        ftp.login(conn.login or "anonymous", conn.get_password() or "")
        try:
            ftp.cwd(remote)
        except ftplib.error_perm as exc:
            raise DropNotFound(f"no drop {remote!r} on ftp://{conn.host}:{conn.port}: {exc}") from None
        names = sorted(n for n in ftp.nlst() if n.endswith((".png", ".json")))
        for name in names:
            with (dest / name).open("wb") as fh:
                ftp.retrbinary(f"RETR {name}", fh.write)
    images = [n for n in names if n.endswith(".png")]
    if not images:
        raise DropNotFound(f"the drop {remote!r} holds no PNG image")
    print(f"downloaded {len(images)} images from ftp://{conn.host}:{conn.port}/{remote} to {dest}")
    return len(images)


def process_images(dag: Any, run_id: str) -> dict[str, float]:
    """Clean every downloaded image for OCR; return the skew angle corrected per image."""
    from PIL import Image

    from seedlib import ocr

    base = run_dir(dag.dag_id, run_id)
    out = base / "processed"
    out.mkdir(parents=True, exist_ok=True)
    angles: dict[str, float] = {}
    for path in sorted((base / "raw").glob("*.png")):
        with Image.open(path) as image:
            processed, angle = ocr.preprocess(image)
        processed.save(out / path.name)
        angles[path.name] = round(angle, 2)
    print(f"processed {len(angles)} images into {out}")
    return angles


def extract_text(dag: Any, run_id: str, logical_date: datetime) -> dict[str, Any]:
    """OCR the processed images, label them from the drop's ground truth, write the text records."""
    from PIL import Image

    from seedlib import ocr
    from seedlib.ocr_data import GROUND_TRUTH, load_ground_truth

    base = run_dir(dag.dag_id, run_id)
    truth = {d.file: d for d in load_ground_truth(base / "raw")} if (base / "raw" / GROUND_TRUTH).exists() else {}
    records = []
    for path in sorted((base / "processed").glob("*.png")):
        with Image.open(path) as image:
            text = ocr.ocr(image)
        doc = truth.get(path.name)
        records.append(
            {
                "file": path.name,
                "category": doc.category if doc else "",
                "text": text,
                "accuracy": round(ocr.char_accuracy(doc.text, text), 4) if doc else None,
            }
        )
    json_path = base / RECORDS_FILE
    json_path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    with (base / "text_records.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "category", "text", "accuracy"])
        writer.writeheader()
        writer.writerows(records)
    scored = [r["accuracy"] for r in records if r["accuracy"] is not None]
    summary = {
        "records": str(json_path),
        "count": len(records),
        "mean_accuracy": round(sum(scored) / len(scored), 4) if scored else None,
        "logical_date": logical_date.isoformat(),
    }
    pointer = pointer_path(dag.dag_id, logical_date)
    pointer.parent.mkdir(parents=True, exist_ok=True)
    pointer.write_text(json.dumps(summary), encoding="utf-8")
    print(f"extracted text of {len(records)} images, mean character accuracy {summary['mean_accuracy']}")
    return summary


def add_extraction_tasks(*, emit_dataset: bool) -> Any:
    """Add download_images >> process_images >> extract_text to the DAG being defined; return extract_text."""
    from tradewind.operators.python import PythonOperator

    download = PythonOperator(task_id="download_images", python_callable=download_images)
    process = PythonOperator(task_id="process_images", python_callable=process_images)
    extract = PythonOperator(
        task_id="extract_text",
        python_callable=extract_text,
        outlets=[text_records_dataset()] if emit_dataset else [],
    )
    download >> process >> extract
    return extract
