"""Row locks that let several schedulers share work on PostgreSQL: `SELECT … FOR NO KEY UPDATE SKIP LOCKED`.

Called inside a scheduler's `pass_transaction`: the rows it gets stay locked until that pass
commits, and another scheduler's pass skips them instead of waiting (it plans them next time).
`FOR NO KEY UPDATE` rather than `FOR UPDATE`: inserting a task instance or a run that points at
the locked row (a foreign key) still goes through. Outside a pass transaction (SQLite, where one
scheduler runs) nothing is locked and every key is returned.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from tradewind.states import DagRunState
from tradewind.store.engine import in_pass_transaction
from tradewind.store.models import dag, dag_run
from tradewind.store.sql import chunked, in_list

RunKey = tuple[str, str]

#: The advisory lock key writers of parse results take (any constant unique to this use).
_PARSING_LOCK = 0x7477_5041  # "twPA"


def lock_runs(keys: Iterable[RunKey]) -> set[RunKey]:
    """The runs among `keys` this pass now holds (locked by no other scheduler)."""
    wanted = sorted(set(keys))
    conn = in_pass_transaction()
    if conn is None or not wanted:
        return set(wanted)
    got: set[RunKey] = set()
    for chunk in chunked(wanted):
        query = (
            sa.select(dag_run.c.dag_id, dag_run.c.run_id)
            .where(sa.tuple_(dag_run.c.dag_id, dag_run.c.run_id).in_(chunk))
            .with_for_update(skip_locked=True, key_share=True)
        )
        got.update((d, r) for d, r in conn.execute(query))
    return got


def lock_dags(dag_ids: Iterable[str]) -> set[str]:
    """The DAGs among `dag_ids` this pass now holds, to create or start their runs alone."""
    wanted = sorted(set(dag_ids))
    conn = in_pass_transaction()
    if conn is None or not wanted:
        return set(wanted)
    got: set[str] = set()
    for chunk in chunked(wanted):
        query = (
            sa.select(dag.c.dag_id)
            .where(in_list(dag.c.dag_id, chunk))
            .with_for_update(skip_locked=True, key_share=True)
        )
        got.update(conn.execute(query).scalars())
    return got


def running_counts(dag_ids: Iterable[str]) -> dict[str, int]:
    """Running runs per DAG as the database has them now (under `lock_dags`, for max_active_runs)."""
    from tradewind.store.engine import session

    ids = sorted(set(dag_ids))
    out: dict[str, int] = {}
    with session() as conn:
        for chunk in chunked(ids):
            query = (
                sa.select(dag_run.c.dag_id, sa.func.count())
                .where(in_list(dag_run.c.dag_id, chunk), dag_run.c.state == DagRunState.RUNNING.value)
                .group_by(dag_run.c.dag_id)
            )
            out.update((d, int(n)) for d, n in conn.execute(query))
    return out


def serialize_parsing(conn: sa.Connection) -> None:
    """PostgreSQL: hold, until `conn`'s transaction ends, the lock every writer of parse results takes.

    Several schedulers (or dag-processors) parse the same folder; their batches — new DAGs, files,
    import errors, dataset references — then go in one after another, each seeing what the previous
    one wrote, instead of racing to insert the same rows. A no-op on SQLite (writers are serialized).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PARSING_LOCK)))
