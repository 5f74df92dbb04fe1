"""The weekly report: this run's metrics, confusion matrix, feature importance, and the trend.

The trend gathers `metrics.json` of every run of the pipeline up to this run's logical date,
so the user sees whether retraining on more data helped. It is also written as
`metrics_history.json` beside the report (what the tests read; the PNGs are for people).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any


def metrics_history(runs_dir: str | Path, up_to: str) -> list[dict[str, Any]]:
    """One entry per run whose logical date is at or before `up_to`, oldest first."""
    history = []
    for path in Path(runs_dir).glob("*/metrics.json"):
        try:
            metrics = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if metrics.get("logical_date", "") <= up_to:
            history.append(
                {k: metrics.get(k) for k in ("logical_date", "run_id", "train_rows", "accuracy", "f1", "roc_auc")}
            )
    return sorted(history, key=lambda m: (m["logical_date"] or "", m["run_id"] or ""))


def generate_report(run_dir: str | Path, runs_dir: str | Path, notebook: str | None = None) -> str:
    """Write `report.html` and its three PNGs into `run_dir`; return the report's path."""
    import matplotlib

    matplotlib.use("Agg")
    run = Path(run_dir)
    metrics = json.loads((run / "metrics.json").read_text())
    history = metrics_history(runs_dir, metrics["logical_date"])
    (run / "metrics_history.json").write_text(json.dumps(history, indent=2))
    _confusion_png(metrics, run / "confusion_matrix.png")
    _importance_png(metrics, run / "feature_importance.png")
    _trend_png(history, run / "metric_trend.png")
    prep = _read_json(run / "preprocess.json")
    path = run / "report.html"
    path.write_text(_html(metrics, history, prep, notebook), encoding="utf-8")
    print(f"Report written to {path} ({len(history)} run(s) in the trend)")
    return str(path)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _confusion_png(metrics: dict[str, Any], path: Path) -> None:
    import matplotlib.pyplot as plt

    matrix, labels = metrics["confusion_matrix"], metrics["classes"]
    fig, ax = plt.subplots(figsize=(4, 3.6))
    ax.imshow(matrix, cmap="Blues")
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.text(j, i, str(value), ha="center", va="center", fontsize=12)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    ax.set_title("Confusion matrix (test rows)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _importance_png(metrics: dict[str, Any], path: Path, top: int = 10) -> None:
    import matplotlib.pyplot as plt

    items = list(metrics["feature_importances"].items())[:top][::-1]
    fig, ax = plt.subplots(figsize=(6, 3.8))
    ax.barh([k for k, _ in items], [v for _, v in items], color="#4c72b0")
    ax.set_xlabel("importance")
    ax.set_title(f"Top {len(items)} features")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _trend_png(history: list[dict[str, Any]], path: Path) -> None:
    import matplotlib.pyplot as plt

    labels = [str(h["logical_date"])[:10] for h in history]
    fig, ax = plt.subplots(figsize=(6, 3.4))
    for key in ("accuracy", "f1", "roc_auc"):
        ax.plot(labels, [h[key] for h in history], marker="o", label=key)
    ax.set_ylim(min([0.8] + [h[k] for h in history for k in ("accuracy", "f1", "roc_auc")]) - 0.02, 1.005)
    ax.set_xlabel("weekly run (logical date)")
    ax.set_title("Test metrics across runs")
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _html(metrics: dict[str, Any], history: list[dict[str, Any]], prep: dict[str, Any], notebook: str | None) -> str:
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(str(h['logical_date'])[:10])}</td><td>{h['train_rows']}</td><td>{h['accuracy']}</td>"
        f"<td>{h['f1']}</td><td>{h['roc_auc']}</td></tr>"
        for h in history
    )
    change = ""
    if len(history) >= 2:
        delta = history[-1]["accuracy"] - history[-2]["accuracy"]
        change = f"<p>Accuracy changed by <b>{delta:+.4f}</b> since the previous run.</p>"
    prep_rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(str(v))}</td></tr>" for k, v in prep.items())
    nb = f'<p>Executed notebook: <a href="{esc(notebook)}">{esc(notebook)}</a></p>' if notebook else ""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Weekly model report {esc(metrics["logical_date"][:10])}</title>
<style>body{{font-family:sans-serif;max-width:960px;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}img{{max-width:100%}}</style></head>
<body>
<h1>Weekly model report — week of {esc(metrics["logical_date"][:10])}</h1>
<p>Run <code>{esc(metrics["run_id"])}</code>: a random forest trained on {metrics["train_rows"]} rows,
tested on {metrics["test_rows"]}.</p>
<table><tr><th>accuracy</th><td>{metrics["accuracy"]}</td></tr><tr><th>F1</th><td>{metrics["f1"]}</td></tr>
<tr><th>ROC AUC</th><td>{metrics["roc_auc"]}</td></tr></table>
{change}
<h2>Trend across weekly runs</h2>
<img src="metric_trend.png" alt="metric trend">
<table><tr><th>week</th><th>train rows</th><th>accuracy</th><th>F1</th><th>ROC AUC</th></tr>{rows}</table>
<h2>This run</h2>
<img src="confusion_matrix.png" alt="confusion matrix"> <img src="feature_importance.png" alt="feature importance">
<h2>Data</h2><table>{prep_rows}</table>
{nb}
</body></html>
"""
