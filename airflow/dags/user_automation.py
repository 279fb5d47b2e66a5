"""user_automation: once a day, stream users from the API into Kafka with `sluice ingest`.

The DAG has one task, stream_data_from_api, a BashOperator that runs `sluice ingest`.
sluice reads its whole configuration from SLUICE_* environment variables, so the task
passes every setting through the environment and nothing but the command itself on the
command line: values never show up in `ps`, and a secret can be added the same way.

Where a setting comes from, first match wins:

1. the run's conf, `{"<name>": value}` (e.g. {"count": 5000}), given when the run is
   triggered (REST API or the UI's trigger form); only the names in CONF_SETTINGS;
2. the Airflow Variable `sluice_<name>` (e.g. sluice_brokers), read when the task runs;
3. the worker's environment variable SLUICE_<NAME> (e.g. SLUICE_BROKERS);
4. the default in SETTINGS below; None leaves the setting to sluice's own default.

The exit code of `sluice ingest` decides the task's state: 0 success, anything else a
failed try (1: something was not delivered, 2: bad configuration). Retries, their delay and
the schedule are part of the DAG's structure, so they come from the environment (read when
the file is parsed), not from Variables. See docs/airflow.md.
"""

from __future__ import annotations

import datetime
import json
import os

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Variable

try:
    from airflow.sdk.log import mask_secret
except ImportError:  # Airflow 3.0
    from airflow.sdk.execution_time.secrets_masker import mask_secret

# name -> default. The environment variable is SLUICE_<NAME>, the Variable sluice_<name>.
SETTINGS: dict[str, str | None] = {
    "bin": "sluice",  # the sluice executable: a name on PATH or an absolute path
    "source": None,  # API URL; sluice's default is https://randomuser.me/api/
    "brokers": None,  # Kafka bootstrap brokers; sluice's default is 127.0.0.1:9092
    "topic": None,  # sluice's default is users_created
    "dlq_topic": None,  # sluice's default is TOPIC.dlq
    "count": None,  # users to fetch; see _duration_default
    "duration": None,  # seconds to fetch for; see _duration_default
    "batch": None,  # users per request (1..5000)
    "concurrency": None,
    "rate": None,
    "seed": None,
    "nat": None,
    "metadata_timeout": None,
    "flush_timeout": None,
    "log_format": None,
    "log_level": None,
    "config": None,  # a `name = value` file; the place for credentials (-F)
}

# The settings a run's conf may carry. Not bin or config: whoever may trigger a run must
# not choose what the worker executes or which of its files sluice reads.
CONF_SETTINGS = frozenset(SETTINGS) - {"bin", "config"}

# With neither a count nor a duration, sluice ingest would run until stopped. A daily run
# then fetches for one minute, as the stack this DAG replaces did.
DEFAULT_DURATION = "60"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _schedule() -> str | None:
    value = os.environ.get("SLUICE_AIRFLOW_SCHEDULE", "").strip() or "@daily"
    return None if value.lower() == "none" else value


def _from_conf(conf: dict, name: str) -> str | None:
    """One setting from the run's conf, as text, or None when the conf does not set it."""
    value = conf.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"run conf: {name} must be a string or a number, not {type(value).__name__}")
    return str(value).strip() or None


def _lookup(name: str) -> str | None:
    """The configured value of one setting, or None when nothing sets it."""
    value = Variable.get(f"sluice_{name}", default=None)
    if value is None or str(value).strip() == "":
        value = os.environ.get(f"SLUICE_{name.upper()}", "")
    value = str(value).strip()
    return value or None


def sluice_env(conf: dict | None = None) -> dict[str, str]:
    """The SLUICE_* environment of the ingest, resolved when the task runs.

    conf is the run's conf (dag_run.conf); a name in it that is not in CONF_SETTINGS fails
    the task with a message that says so, rather than being ignored.

    Also takes two Variables holding a JSON object of further SLUICE_* variables, for
    options without an entry in SETTINGS: sluice_extra_env, and sluice_secret_env for
    credentials, whose values are masked in task logs and rendered fields. SETTINGS
    entries win over both.
    """
    conf = conf or {}
    if not isinstance(conf, dict):
        raise ValueError("run conf must be a JSON object")
    unknown = sorted(set(conf) - CONF_SETTINGS)
    if unknown:
        raise ValueError(
            f"run conf: {', '.join(map(repr, unknown))} not allowed; "
            f"allowed: {', '.join(sorted(CONF_SETTINGS))}"
        )
    env: dict[str, str] = {}
    for var in ("sluice_extra_env", "sluice_secret_env"):
        text = Variable.get(var, default=None)
        if not text:
            continue
        parsed = json.loads(text)
        if not isinstance(parsed, dict):
            raise ValueError(f"Variable {var} must be a JSON object")
        for key, value in parsed.items():
            if not key.startswith("SLUICE_"):
                raise ValueError(f"Variable {var}: {key!r} does not start with SLUICE_")
            env[key] = str(value)
            if var == "sluice_secret_env":
                mask_secret(env[key])
    for name, default in SETTINGS.items():
        value = _from_conf(conf, name) if name in CONF_SETTINGS else None
        if value is None:
            value = _lookup(name)
        if value is None:
            value = default
        if value is not None:
            env[f"SLUICE_{name.upper()}"] = value
    if "SLUICE_COUNT" not in env and "SLUICE_DURATION" not in env:
        env["SLUICE_DURATION"] = DEFAULT_DURATION
    return env


with DAG(
    dag_id="user_automation",
    description="Stream users from a randomuser-compatible API into Kafka (sluice ingest)",
    schedule=_schedule(),
    start_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["sluice"],
    default_args={
        "owner": "sluice",
        "retries": _env_int("SLUICE_AIRFLOW_RETRIES", 2),
        "retry_delay": datetime.timedelta(seconds=_env_int("SLUICE_AIRFLOW_RETRY_DELAY", 300)),
        "execution_timeout": datetime.timedelta(
            seconds=_env_int("SLUICE_AIRFLOW_TIMEOUT", 3600)
        ),
    },
    user_defined_macros={"sluice_env": sluice_env},
    # so that "{{ sluice_env() }}" renders to the dict itself, not to its text
    render_template_as_native_obj=True,
) as dag:
    BashOperator(
        task_id="stream_data_from_api",
        # Rendered when the task runs; `env` is a templated field of BashOperator.
        env="{{ sluice_env(dag_run.conf) }}",
        append_env=True,  # keep PATH, HOME and the worker's other variables
        bash_command='exec "$SLUICE_BIN" ingest',
    )
