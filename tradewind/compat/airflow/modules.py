"""Which Tradewind object each `airflow...` name is: the table the import hook builds modules from.

One entry per Airflow module path: `{name in the module: "tradewind.module:attribute"}`. A path
or name missing here is one Tradewind does not provide; importing it fails with a clear error.
Airflow 1's module names and Airflow 3's `airflow.providers.standard` and `airflow.sdk` paths
are listed beside Airflow 2's, since DAG files in the wild use all three.
"""

from __future__ import annotations

from tradewind.compat.airflow.provider_paths import MODULES as PROVIDER_MODULES

_OPS = "tradewind.operators"
_SENSORS = "tradewind.sensors"
_SHIMS = "tradewind.compat.airflow.shims"
_AIRFLOW3 = "tradewind.compat.airflow.airflow3"


def _names(module: str, *names: str) -> dict[str, str]:
    """`{name: "module:name"}` for names that keep their name in Tradewind."""
    return {name: f"{module}:{name}" for name in names}


_BASH = _names(f"{_OPS}.bash", "BashOperator")
_PYTHON = {
    **_names(f"{_OPS}.python", "PythonOperator", "BranchPythonOperator", "ShortCircuitOperator", "get_current_context"),
    **_names(_SHIMS, "is_venv_installed"),
    **_names(
        f"{_OPS}.python_virtualenv",
        "PythonVirtualenvOperator",
        "ExternalPythonOperator",
        "BranchPythonVirtualenvOperator",
        "BranchExternalPythonOperator",
    ),
}
_EMPTY = _names(f"{_OPS}.empty", "EmptyOperator")
_DUMMY = _names(f"{_OPS}.empty", "DummyOperator")
_EMAIL = _names(f"{_OPS}.email", "EmailOperator")
_TRIGGER = _names(f"{_OPS}.trigger_dagrun", "TriggerDagRunOperator")
_EXTERNAL = _names(f"{_SENSORS}.external_task", "ExternalTaskSensor", "ExternalTaskMarker")
_FILE = _names(f"{_SENSORS}.filesystem", "FileSensor")
_PYTHON_SENSOR = _names(f"{_SENSORS}.python", "PythonSensor", "PokeReturnValue")
_TIME_DELTA = _names(f"{_SENSORS}.time_delta", "TimeDeltaSensor", "TimeDeltaSensorAsync")
_TIME = _names(f"{_SENSORS}.time_delta", "TimeSensor", "TimeSensorAsync")
_DATE_TIME = _names(f"{_SENSORS}.date_time", "DateTimeSensor", "DateTimeSensorAsync")
_BASH_SENSOR = _names(f"{_SENSORS}.bash", "BashSensor")
_WEEKDAY_SENSOR = _names(f"{_SENSORS}.weekday", "DayOfWeekSensor")
_LATEST_ONLY = _names(f"{_OPS}.latest_only", "LatestOnlyOperator")
_BRANCH = _names(f"{_OPS}.branch", "BaseBranchOperator")
_BRANCH_DATETIME = _names(f"{_OPS}.branch_datetime", "BranchDateTimeOperator", "target_times_as_dates")
_BRANCH_WEEKDAY = _names(f"{_OPS}.weekday", "BranchDayOfWeekOperator")
_WEEKDAY = _names("tradewind.utils.weekday", "WeekDay")
_SENSOR_BASE = _names(f"{_SENSORS}.base", "BaseSensorOperator", "PokeReturnValue")
_BASE_OPERATOR = _names("tradewind.sdk.baseoperator", "BaseOperator", "chain", "chain_linear", "cross_downstream")
_PARAM = _names("tradewind.sdk.param", "Param", "ParamsDict")
_DAG = _names("tradewind.sdk.dag", "DAG")
_DECORATORS = {
    **_names("tradewind.sdk.dag", "dag"),
    **_names("tradewind.sdk.decorators", "task", "setup", "teardown"),
    **_names("tradewind.sdk.taskgroup", "task_group"),
}
_MODELS_RUNTIME = _names("tradewind.models", "Variable", "Connection")
_DAGRUN = _names("tradewind.models.dagrun", "DagRun")
_XCOM = _names("tradewind.models.xcom", "XCom", "XCOM_RETURN_KEY")
_POOL = _names("tradewind.models.pool", "Pool")
_DAGBAG = _names("tradewind.compat.airflow.dagbag", "DagBag")
_SUBPROCESS = _names("tradewind.hooks.subprocess", "SubprocessHook", "SubprocessResult")
_XCOM_ARG = _names("tradewind.sdk.xcom_arg", "XComArg")
_TI = {"TaskInstance": "tradewind.runtime.task_instance:RuntimeTaskInstance"}  # what `ti` is; for type hints
_HOOK = _names("tradewind.hooks.base", "BaseHook")
_TRIGGER_RULE = _names("tradewind.scheduler.trigger_rules", "TriggerRule")
_CONTEXT = _names("tradewind.sdk.baseoperator", "Context")
_TIMEZONE = _names(
    "tradewind.utils.timezone",
    "coerce_datetime",
    "convert_to_utc",
    "datetime",
    "is_localized",
    "is_naive",
    "make_aware",
    "make_naive",
    "parse",
    "utc",
    "utc_epoch",
    "utcnow",
)
_MACROS = _names(
    "tradewind.runtime.macros",
    "datetime",
    "datetime_diff_for_humans",
    "dateutil",
    "ds_add",
    "ds_format",
    "ds_format_locale",
    "json",
    "random",
    "time",
    "timedelta",
    "uuid",
    "yaml",
)
_EXCEPTIONS = {
    **_names(
        "tradewind.exceptions",
        "AirflowException",
        "AirflowSkipException",
        "AirflowFailException",
        "AirflowSensorTimeout",
        "AirflowRescheduleException",
        "AirflowTaskTimeout",
        "ParamValidationError",
        "TaskDeferred",
        "TaskDeferralError",
    ),
    **_names(
        "tradewind.exceptions",
        "DagNotFound",
        "TaskNotFound",
        "DagRunNotFound",
        "DagRunAlreadyExists",
        "TaskDeferralTimeout",
    ),
    **_names(_SHIMS, "RemovedInAirflow3Warning", "AirflowProviderDeprecationWarning"),
    "AirflowTaskTerminated": "tradewind.exceptions:TaskTerminated",
    "AirflowTimetableInvalid": "tradewind.exceptions:InvalidScheduleError",
    "AirflowBadRequest": "tradewind.exceptions:UsageError",
    "ConnectionNotFound": "tradewind.exceptions:ConnectionNotFound",
    "PoolNotFound": "tradewind.exceptions:NotFound",
    "XComNotFound": "tradewind.exceptions:NotFound",
    "AirflowDagCycleException": "tradewind.exceptions:DagCycleError",
    "AirflowNotFoundException": "tradewind.exceptions:NotFound",  # what a missing connection raises
    "AirflowConfigException": "tradewind.exceptions:ConfigError",  # what conf.get of a missing option raises
    "DuplicateTaskIdFound": "tradewind.exceptions:DuplicateTaskIdError",
}
_STANDARD = "airflow.providers.standard"
_ASSETS = {
    **_names("tradewind.datasets", "Asset"),
    "AssetAlias": "tradewind.datasets:DatasetAlias",
    "AssetAll": "tradewind.datasets:DatasetAll",
    "AssetAny": "tradewind.datasets:DatasetAny",
}
_METADATA = _names("tradewind.datasets", "Metadata")
_ASSET_DECORATOR = _names("tradewind.compat.airflow.asset_decorator", "asset")
_AIRFLOW3_DAG = _names(_AIRFLOW3, "DAG", "dag")
_TASK_DECORATORS = _names("tradewind.sdk.decorators", "task", "setup", "teardown")
_TASK_GROUP = _names("tradewind.sdk.taskgroup", "TaskGroup", "task_group")
_EDGES = {**_names("tradewind.sdk.edges", "Label"), "EdgeModifier": "tradewind.sdk.edges:Label"}
_CURRENT_CONTEXT = _names("tradewind.sdk.current_context", "get_current_context")
_PARSING_CONTEXT = _names(_SHIMS, "get_parsing_context")
_STATES = {"TaskInstanceState": "tradewind.states:TaskState", **_names("tradewind.states", "DagRunState")}
_LITERAL = _names("tradewind.runtime.templating", "literal")
_NOTIFIER = _names("tradewind.notify.notifier", "BaseNotifier")
_OPERATOR_LINK = _names(_SHIMS, "BaseOperatorLink")
_WEIGHT_RULE = _names(_SHIMS, "WeightRule")
_SDK_TIMETABLES = {
    **_names("tradewind.timetables.interval", "CronDataIntervalTimetable", "DeltaDataIntervalTimetable"),
    **_names("tradewind.timetables.trigger", "CronTriggerTimetable"),
    **_names("tradewind.timetables.events", "EventsTimetable"),
    **_names("tradewind.timetables.datasets", "AssetOrTimeSchedule"),
}
_OBJECT_STORAGE = _names("tradewind.object_storage", "ObjectStoragePath")
_TRIGGER_BASE = _names("tradewind.triggers.base", "BaseTrigger", "TriggerEvent")
_TRIGGER_TEMPORAL = _names("tradewind.triggers.temporal", "DateTimeTrigger", "TimeDeltaTrigger")
_TRIGGER_FILE = _names("tradewind.triggers.file", "FileTrigger")

MODULES: dict[str, dict[str, str]] = {
    "airflow": {**_DAG, **_names("tradewind.datasets", "Dataset"), **_XCOM_ARG},
    # --- models -----------------------------------------------------------------------------
    "airflow.models": {
        **_DAG,
        **_MODELS_RUNTIME,
        **_BASE_OPERATOR,
        **_PARAM,
        **_TI,
        **_XCOM_ARG,
        **_OPERATOR_LINK,
        **_DAGRUN,
        **_XCOM,
        **_POOL,
        **_DAGBAG,
    },
    "airflow.models.dagrun": _DAGRUN,
    "airflow.models.xcom": _XCOM,
    "airflow.models.pool": _POOL,
    "airflow.models.dagbag": _DAGBAG,
    "airflow.models.skipmixin": _names(_SHIMS, "SkipMixin"),
    "airflow.models.mappedoperator": _names("tradewind.sdk.mapped", "MappedOperator"),
    "airflow.models.abstractoperator": {"AbstractOperator": "tradewind.sdk.baseoperator:BaseOperator"},
    "airflow.models.operator": {"Operator": "tradewind.sdk.baseoperator:BaseOperator"},
    "airflow.models.taskinstancekey": _names(_SHIMS, "TaskInstanceKey"),
    "airflow.utils.module_loading": _names(_SHIMS, "import_string"),
    "airflow.utils.weight_rule": _WEIGHT_RULE,
    "airflow.version": _names(_SHIMS, "version"),
    "airflow.models.baseoperatorlink": _OPERATOR_LINK,
    "airflow.models.dag": {**_DAG, **_names("tradewind.sdk.dag", "dag")},
    "airflow.models.taskmixin": _names("tradewind.sdk.dependency", "DependencyMixin"),
    "airflow.models.baseoperator": {**_BASE_OPERATOR, **_OPERATOR_LINK},
    "airflow.models.param": _PARAM,
    "airflow.models.variable": _names("tradewind.models.variable", "Variable"),
    "airflow.models.connection": _names("tradewind.models.connection", "Connection"),
    "airflow.models.xcom_arg": _XCOM_ARG,
    "airflow.models.taskinstance": _TI,
    # --- operators (Airflow 2 paths, then Airflow 1's) --------------------------------------
    "airflow.operators.bash": _BASH,
    "airflow.operators.python": _PYTHON,
    "airflow.operators.empty": _EMPTY,
    "airflow.operators.dummy": _DUMMY,
    "airflow.operators.email": _EMAIL,
    "airflow.operators.trigger_dagrun": _TRIGGER,
    "airflow.operators.latest_only": _LATEST_ONLY,
    "airflow.operators.branch": _BRANCH,
    "airflow.operators.datetime": _BRANCH_DATETIME,
    "airflow.operators.weekday": _BRANCH_WEEKDAY,
    "airflow.operators.bash_operator": _BASH,
    "airflow.operators.python_operator": {k: v for k, v in _PYTHON.items() if k != "get_current_context"},
    "airflow.operators.dummy_operator": _DUMMY,
    "airflow.operators.email_operator": _EMAIL,
    "airflow.operators.dagrun_operator": _TRIGGER,
    "airflow.operators.latest_only_operator": _LATEST_ONLY,
    # --- sensors ------------------------------------------------------------------------------
    "airflow.sensors.base": _SENSOR_BASE,
    "airflow.sensors.base_sensor_operator": _SENSOR_BASE,
    "airflow.sensors.external_task": _EXTERNAL,
    "airflow.sensors.external_task_sensor": _EXTERNAL,
    "airflow.sensors.filesystem": _FILE,
    "airflow.sensors.python": _PYTHON_SENSOR,
    "airflow.sensors.time_delta": _TIME_DELTA,
    "airflow.sensors.time_sensor": _TIME,
    "airflow.sensors.date_time": _DATE_TIME,
    "airflow.sensors.bash": _BASH_SENSOR,
    "airflow.sensors.weekday": _WEEKDAY_SENSOR,
    # --- authoring helpers --------------------------------------------------------------------
    "airflow.decorators": _DECORATORS,
    "airflow.decorators.task_group": _names("tradewind.sdk.taskgroup", "task_group"),
    "airflow.utils.task_group": _names("tradewind.sdk.taskgroup", "TaskGroup", "MappedTaskGroup"),
    "airflow.utils.edgemodifier": _EDGES,
    "airflow.utils.trigger_rule": _TRIGGER_RULE,
    "airflow.task.trigger_rule": _TRIGGER_RULE,
    "airflow.utils.template": _LITERAL,
    "airflow.utils.dates": _names(_SHIMS, "days_ago"),
    "airflow.utils.timezone": _TIMEZONE,
    "airflow.utils.weekday": _WEEKDAY,
    "airflow.utils.helpers": _names("tradewind.sdk.baseoperator", "chain", "cross_downstream"),
    "airflow.utils.dag_parsing_context": _names(_SHIMS, "get_parsing_context", "AirflowParsingContext"),
    "airflow.utils.decorators": _names(_SHIMS, "apply_defaults"),
    "airflow.utils.context": _CONTEXT,
    "airflow.utils.state": {**_names(_SHIMS, "State"), **_STATES},
    "airflow.utils.types": _names("tradewind.states", "DagRunType"),
    "airflow.exceptions": _EXCEPTIONS,
    "airflow.datasets": _names("tradewind.datasets", "Dataset", "DatasetAll", "DatasetAny", "DatasetAlias"),
    "airflow.datasets.metadata": _METADATA,
    "airflow.hooks.base": _HOOK,
    "airflow.hooks.base_hook": _HOOK,
    "airflow.hooks.subprocess": _SUBPROCESS,
    "airflow.utils.email": _names("tradewind.notify.email", "send_email"),
    "airflow.utils.log.logging_mixin": _names(_SHIMS, "LoggingMixin"),
    "airflow.utils.log.secrets_masker": _names("tradewind.secrets.masker", "mask_secret"),
    "airflow.utils.xcom": _names("tradewind.models.xcom", "XCOM_RETURN_KEY"),
    "airflow.io.path": _OBJECT_STORAGE,
    "airflow.notifications.basenotifier": _NOTIFIER,
    "airflow.listeners": _names("tradewind.listeners", "hookimpl"),
    "airflow.triggers.base": _TRIGGER_BASE,
    "airflow.triggers.temporal": _TRIGGER_TEMPORAL,
    "airflow.triggers.file": _TRIGGER_FILE,
    "airflow.macros": _MACROS,
    "airflow.configuration": _names("tradewind.compat.airflow.configuration", "conf"),
    "airflow.plugins_manager": _names("tradewind.compat.airflow.plugins", "AirflowPlugin"),
    "airflow.timetables.interval": _names(
        "tradewind.timetables.interval", "CronDataIntervalTimetable", "DeltaDataIntervalTimetable"
    ),
    "airflow.timetables.trigger": _names("tradewind.timetables.trigger", "CronTriggerTimetable"),
    "airflow.timetables.events": _names("tradewind.timetables.events", "EventsTimetable"),
    "airflow.timetables.base": {
        **_names("tradewind.compat.airflow.timetable", "Timetable"),
        **_names("tradewind.timetables.base", "DagRunInfo", "DataInterval", "TimeRestriction"),
    },
    "airflow.timetables.datasets": _names("tradewind.timetables.datasets", "DatasetOrTimeSchedule"),
    "airflow.timetables.assets": _names("tradewind.timetables.datasets", "AssetOrTimeSchedule"),
    "airflow.timetables.simple": {
        **_names("tradewind.timetables.simple", "NullTimetable", "OnceTimetable", "ContinuousTimetable"),
        "DatasetTriggeredTimetable": "tradewind.timetables.simple:DatasetTriggeredTimetable",
        "AssetTriggeredTimetable": "tradewind.timetables.simple:DatasetTriggeredTimetable",
    },
    # --- providers: papermill, and Airflow 3's home of the standard operators ----------------
    "airflow.providers.papermill.operators.papermill": _names(f"{_OPS}.papermill", "PapermillOperator"),
    f"{_STANDARD}.operators.bash": _BASH,
    f"{_STANDARD}.operators.python": _PYTHON,
    f"{_STANDARD}.operators.empty": _EMPTY,
    f"{_STANDARD}.operators.trigger_dagrun": _TRIGGER,
    f"{_STANDARD}.operators.latest_only": _LATEST_ONLY,
    f"{_STANDARD}.operators.branch": _BRANCH,
    f"{_STANDARD}.operators.datetime": _BRANCH_DATETIME,
    f"{_STANDARD}.operators.weekday": _BRANCH_WEEKDAY,
    f"{_STANDARD}.sensors.bash": _BASH_SENSOR,
    f"{_STANDARD}.sensors.weekday": _WEEKDAY_SENSOR,
    f"{_STANDARD}.utils.weekday": _WEEKDAY,
    f"{_STANDARD}.sensors.external_task": _EXTERNAL,
    f"{_STANDARD}.sensors.filesystem": _FILE,
    f"{_STANDARD}.sensors.python": _PYTHON_SENSOR,
    f"{_STANDARD}.sensors.time_delta": _TIME_DELTA,
    f"{_STANDARD}.sensors.time": _TIME,
    f"{_STANDARD}.sensors.date_time": _DATE_TIME,
    f"{_STANDARD}.decorators.python": _names(_SHIMS, "python_task"),
    f"{_STANDARD}.decorators.branch_python": _names(_SHIMS, "branch_task"),
    f"{_STANDARD}.decorators.short_circuit": _names(_SHIMS, "short_circuit_task"),
    f"{_STANDARD}.decorators.bash": _names(_SHIMS, "bash_task"),
    f"{_STANDARD}.decorators.sensor": _names(_SHIMS, "sensor_task"),
    f"{_STANDARD}.hooks.subprocess": _SUBPROCESS,
    f"{_STANDARD}.triggers.temporal": _TRIGGER_TEMPORAL,
    f"{_STANDARD}.triggers.file": _TRIGGER_FILE,
    # --- Airflow 3's task SDK: DAG and @dag follow Airflow 3's defaults ----------------------
    "airflow.sdk": {
        **_AIRFLOW3_DAG,
        **_TASK_DECORATORS,
        **_TASK_GROUP,
        **_ASSETS,
        **_METADATA,
        **_ASSET_DECORATOR,
        **_BASE_OPERATOR,
        **_SENSOR_BASE,
        **_PARAM,
        **_MODELS_RUNTIME,
        **_EDGES,
        **_CURRENT_CONTEXT,
        **_PARSING_CONTEXT,
        **_XCOM_ARG,
        **_CONTEXT,
        **_HOOK,
        **_TRIGGER_RULE,
        **_STATES,
        **_NOTIFIER,
        **_OPERATOR_LINK,
        **_OBJECT_STORAGE,
        **_LITERAL,
        **_WEIGHT_RULE,
        **_SDK_TIMETABLES,
    },
    "airflow.sdk.timezone": _TIMEZONE,
    # the SDK's generated API models: Airflow 3's own example DAGs import TriggerRule from here
    "airflow.sdk.api.datamodels._generated": {**_TRIGGER_RULE, **_STATES, **_names("tradewind.states", "DagRunType")},
    "airflow.sdk.bases.operator": _BASE_OPERATOR,
    "airflow.sdk.bases.sensor": _SENSOR_BASE,
    "airflow.sdk.bases.hook": _HOOK,
    "airflow.sdk.bases.notifier": _NOTIFIER,
    "airflow.sdk.bases.operatorlink": _OPERATOR_LINK,
    "airflow.sdk.definitions.asset": _ASSETS,
    "airflow.sdk.definitions.asset.decorators": _ASSET_DECORATOR,
    "airflow.sdk.definitions.decorators.asset": _ASSET_DECORATOR,  # Airflow 3.0's pre-release path
    "airflow.sdk.definitions.asset.metadata": _METADATA,
    "airflow.sdk.definitions.dag": _AIRFLOW3_DAG,
    "airflow.sdk.definitions.decorators": {**_TASK_DECORATORS, **_names("tradewind.sdk.taskgroup", "task_group")},
    "airflow.sdk.definitions.decorators.task_group": _names("tradewind.sdk.taskgroup", "task_group"),
    "airflow.sdk.definitions.taskgroup": _names("tradewind.sdk.taskgroup", "TaskGroup"),
    "airflow.sdk.definitions.param": _PARAM,
    "airflow.sdk.definitions.edges": _EDGES,
    "airflow.sdk.definitions.xcom_arg": _XCOM_ARG,
    "airflow.sdk.definitions.context": {**_CONTEXT, **_CURRENT_CONTEXT, **_PARSING_CONTEXT},
    "airflow.sdk.definitions.variable": _names("tradewind.models.variable", "Variable"),
    "airflow.sdk.definitions.connection": _names("tradewind.models.connection", "Connection"),
    "airflow.sdk.definitions.template": _LITERAL,
    "airflow.sdk.io.path": _OBJECT_STORAGE,
    "airflow.sdk.io": _OBJECT_STORAGE,
    "airflow.sdk.bases.trigger": _TRIGGER_BASE,
}
MODULES.update(PROVIDER_MODULES)  # airflow.providers.* of tradewind/providers/


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


#: Modules with submodules: imported as packages so `airflow.providers.papermill...` resolves.
PACKAGES: frozenset[str] = frozenset(parent for name in MODULES for parent in _parents(name))
#: Every module path the hook answers for (listed ones, and the packages leading to them).
KNOWN: frozenset[str] = frozenset(MODULES) | PACKAGES
