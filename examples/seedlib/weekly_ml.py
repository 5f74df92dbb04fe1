"""The weekly ML pipeline's steps as plain functions: preprocess, train, evaluate.

Used by the many-files pipeline (a script and a notebook call them), by the one-file TaskFlow
variant and by the monthly retrain, so the three pipelines compute the same thing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from seedlib.drops import ID_COLUMN, TARGET_COLUMN, drops_in

TEST_EVERY = 4  # rows whose row_id % 4 == 0 are test rows, in every week: the test set never leaks into training


def preprocess(raw_dir: str | Path, out_dir: str | Path, until: date | str | None = None) -> dict[str, Any]:
    """Merge every drop received before `until`, clean it, split train/test; write both CSVs.

    Cleaning: rows sent twice are kept once, rows with a missing value are dropped. The split
    is by `row_id`, so a row stays on the same side as the data grows week after week.
    """
    import pandas as pd

    if isinstance(until, str):
        until = date.fromisoformat(until[:10])
    files = drops_in(raw_dir, end=until)
    if not files:
        raise FileNotFoundError(f"no data drop in {raw_dir}" + (f" before {until}" if until else ""))
    frame = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    received = len(frame)
    frame = frame.drop_duplicates(subset=ID_COLUMN)
    duplicates = received - len(frame)
    frame = frame.dropna()
    incomplete = received - duplicates - len(frame)
    frame = frame.sort_values(ID_COLUMN)
    is_test = frame[ID_COLUMN] % TEST_EVERY == 0
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frame[~is_test].to_csv(out / "train.csv", index=False)
    frame[is_test].to_csv(out / "test.csv", index=False)
    summary = {
        "drops": [f.name for f in files],
        "rows_received": received,
        "duplicates_removed": duplicates,
        "incomplete_removed": incomplete,
        "train_rows": int((~is_test).sum()),
        "test_rows": int(is_test.sum()),
    }
    (out / "preprocess.json").write_text(json.dumps(summary, indent=2))
    return summary


def train(
    train_csv: str | Path, test_csv: str | Path, out_dir: str | Path, *, run_id: str = "", logical_date: str = ""
) -> dict[str, Any]:
    """Fit a random forest, evaluate it on the test split, save `model.joblib` and `metrics.json`."""
    import joblib
    import pandas as pd
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, roc_auc_score

    train_df, test_df = pd.read_csv(train_csv), pd.read_csv(test_csv)
    features = [c for c in train_df.columns if c not in (ID_COLUMN, TARGET_COLUMN)]
    model = RandomForestClassifier(n_estimators=60, max_depth=4, random_state=0, n_jobs=1)
    model.fit(train_df[features], train_df[TARGET_COLUMN])
    predicted = model.predict(test_df[features])
    truth = test_df[TARGET_COLUMN]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, out / "model.joblib")
    metrics = {
        "run_id": run_id,
        "logical_date": str(logical_date),
        "train_rows": len(train_df),
        "test_rows": len(test_df),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "f1": round(float(f1_score(truth, predicted)), 4),
        "roc_auc": round(float(roc_auc_score(truth, model.predict_proba(test_df[features])[:, 1])), 4),
        "confusion_matrix": confusion_matrix(truth, predicted, labels=[0, 1]).tolist(),
        "classes": ["malignant", "benign"],
        "feature_importances": dict(
            sorted(
                ((name, round(float(v), 5)) for name, v in zip(features, model.feature_importances_)),
                key=lambda kv: -kv[1],
            )
        ),
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    return metrics
