"""`Pool`: Airflow's pool model as DAG code uses it — class-level lookups and `create_or_update_pool`."""

from __future__ import annotations

from typing import Any

from tradewind.store.records import PoolRecord


class Pool:
    """Class methods over stored pools; instances are `PoolRecord`s (`pool`, `slots`, `description`)."""

    DEFAULT_POOL_NAME = "default_pool"

    @staticmethod
    def get_pools(session: Any = None) -> list[PoolRecord]:
        from tradewind.store import pools
        from tradewind.store.migrate import ensure_ready

        ensure_ready()
        return pools.list_pools()

    @staticmethod
    def get_pool(pool_name: str, session: Any = None) -> PoolRecord | None:
        from tradewind.store import pools
        from tradewind.store.migrate import ensure_ready

        ensure_ready()
        return pools.get_pool(pool_name)

    @classmethod
    def get_default_pool(cls, session: Any = None) -> PoolRecord | None:
        return cls.get_pool(cls.DEFAULT_POOL_NAME)

    @staticmethod
    def create_or_update_pool(
        name: str, slots: int, description: str = "", include_deferred: bool = False, session: Any = None
    ) -> PoolRecord:
        from tradewind.store import pools
        from tradewind.store.migrate import ensure_ready

        ensure_ready()
        return pools.set_pool(name, slots, description, include_deferred=include_deferred)

    @staticmethod
    def delete_pool(name: str, session: Any = None) -> PoolRecord:
        from tradewind.store import pools
        from tradewind.store.migrate import ensure_ready

        ensure_ready()
        return pools.delete_pool(name)
