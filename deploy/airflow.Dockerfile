# Airflow 3 with the user_automation DAG and the sluice binary, for the `airflow` service
# of docker-compose.yml. Build from the repository root, after deploy/Dockerfile:
#
#   docker build -f deploy/Dockerfile -t sluice:local .
#   docker build -f deploy/airflow.Dockerfile -t sluice-airflow:local .
#
# (`docker compose build` builds them in that order: the airflow service depends on
# services of the sluice image.) The DAG runs `sluice ingest` in the worker, so the binary
# and its runtime libraries are added to the official apache/airflow image, which is
# Debian 12 based like the sluice image.

ARG SLUICE_IMAGE=sluice:local
ARG AIRFLOW_IMAGE=apache/airflow:3.3.2

FROM ${SLUICE_IMAGE} AS sluice

FROM ${AIRFLOW_IMAGE}
USER root
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      librdkafka1 libcurl4 libyajl2 libmicrohttpd12 libssl3 libavro23 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=sluice /usr/local/bin/sluice /usr/local/bin/sluice
# A runtime library the binary needs and this image lacks fails the build here, not a
# DAG run later.
RUN sluice --version
COPY airflow/dags/ /opt/sluice/dags/
ENV AIRFLOW__CORE__DAGS_FOLDER=/opt/sluice/dags
USER airflow
