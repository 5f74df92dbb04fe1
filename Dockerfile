# The Tradewind image that compose.yaml builds and runs (webserver, schedulers, triggerer, Celery
# workers: one image, the command picks the role). `docker run -p 8080:8080 IMAGE` alone runs
# `tradewind standalone` on SQLite inside the container: a one-machine trial.
FROM python:3.12-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TRADEWIND_HOME=/opt/tradewind

# A fixed uid (as Airflow's image: 50000) so files on shared volumes have one owner across containers.
RUN groupadd --gid 50000 tradewind \
    && useradd --uid 50000 --gid 50000 --home-dir /opt/tradewind --no-create-home --shell /bin/bash tradewind

# Only what the package build reads (see .dockerignore): editing tests or docs does not rebuild this layer.
WORKDIR /src
COPY pyproject.toml README.md MANIFEST.in ./
COPY build_backend ./build_backend
COPY tradewind ./tradewind
# postgres: psycopg 3; web: the UI and REST API; celery: Celery with the Redis client (RabbitMQ's
# client, py-amqp, comes with Celery itself).
RUN pip install "/src[postgres,web,celery]" && rm -rf /src

# The mount points compose.yaml uses, owned by the tradewind user: a new named volume copies this
# ownership, so the containers can write logs and the generated keys without running as root.
RUN mkdir -p /opt/tradewind/dags /opt/tradewind/logs /opt/tradewind/config \
    && chown -R tradewind:tradewind /opt/tradewind
USER tradewind
WORKDIR /opt/tradewind
EXPOSE 8080

ENTRYPOINT ["tradewind"]
CMD ["standalone"]
