"""CeleryExecutor: workloads go through a Celery broker (Redis or RabbitMQ) to `tradewind celery worker`s.

- `app.py`: the Celery application, built from `[celery]`, and the workload's message (JSON);
- `executor.py`: the scheduler's side (send workloads, hear outcomes);
- `events.py`: the light event path from the workers back to the scheduler that sent the workload;
- `worker.py`: the worker's side (each pool process runs the task supervisor; the worker heartbeats).

The metadata database owns every state: Celery carries workloads and wake-up hints, nothing more.
Celery itself is imported only here (`require("celery", "celery")`), never by `import tradewind`.
"""
