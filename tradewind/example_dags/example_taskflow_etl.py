"""TaskFlow: functions passing data through XCom, with a task mapped over a list known at run time."""

from datetime import datetime

from tradewind import dag, task


@dag(schedule=None, start_date=datetime(2024, 1, 1), catchup=False, tags=["example"])
def example_taskflow_etl():
    """Extract orders, clean each one in its own mapped task, then load the total."""

    @task
    def extract() -> list[dict]:
        return [{"id": 1, "amount": "301.27"}, {"id": 2, "amount": "433.21"}, {"id": 3, "amount": "502.22"}]

    @task
    def transform(order: dict) -> float:
        return round(float(order["amount"]) * 1.2, 2)

    @task(multiple_outputs=True)
    def summarize(amounts: list[float]) -> dict:
        return {"total": round(sum(amounts), 2), "count": len(amounts)}

    @task
    def load(total: float, count: int) -> None:
        print(f"Loaded {count} orders, total {total:.2f}")

    summary = summarize(transform.expand(order=extract()))
    load(summary["total"], summary["count"])


example_taskflow_etl()
