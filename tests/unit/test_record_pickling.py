"""Records cross process boundaries pickled (workloads to workers, their results back): they come back equal."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone

from tradewind.store.records import DagRunRecord, TaskInstanceRecord

NOW = datetime(2024, 3, 5, 1, 2, 3, tzinfo=timezone.utc)


def test_a_record_comes_back_equal_with_its_defaults_and_values() -> None:
    run = DagRunRecord(1, "d", "r", NOW, NOW, None, "manual", "running", {"k": [1]}, True, NOW, NOW, None, None, None)
    ti = TaskInstanceRecord(
        *(2, "d", "r", "t", -1, "running", 1, 0, NOW, None, None, "h", 3, "Op", "default_pool", 1, "default", 1),
        *(NOW, None, None, "x.log", {"f": "v"}, NOW),
        next_method="resume",
    )
    for record in (run, ti):
        back = pickle.loads(pickle.dumps(record))
        assert back == record and type(back) is type(record)
