"""The one SIGALRM time limit behind dagbag_import_timeout and execution_timeout."""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tradewind.exceptions import TaskTimeout
from tradewind.runtime.timeout import execution_timeout
from tradewind.utils.time_limit import time_limit


def test_a_block_past_its_limit_raises_and_the_previous_handler_comes_back() -> None:
    before = signal.getsignal(signal.SIGALRM)
    expected = pytest.raises(TaskTimeout, match=r"timed out after 0.2s \(execution_timeout\)")
    with expected, execution_timeout(timedelta(seconds=0.2)):
        time.sleep(5)
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_limit_and_a_quick_block_raise_nothing() -> None:
    with execution_timeout(None):
        time.sleep(0.05)
    with time_limit(5, lambda: AssertionError("fired")):
        time.sleep(0.05)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_slow_dag_file_is_an_import_error(tmp_path: Path) -> None:
    from tradewind.parsing.dagbag import DagBag

    (tmp_path / "slow.py").write_text("import time\ntime.sleep(10)\nfrom tradewind import DAG\n", encoding="utf-8")
    bag = DagBag(tmp_path, include_examples=False, import_timeout=0.3)
    (error,) = bag.import_errors.values()
    assert "took longer than 0.3s (dagbag_import_timeout)" in error.message
