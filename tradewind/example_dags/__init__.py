"""Example DAGs bundled with Tradewind (loaded when [core] load_examples is true)."""
