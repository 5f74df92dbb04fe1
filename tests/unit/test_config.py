"""Configuration: defaults, the TOML file, environment overrides, typed getters, reload."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradewind.config import DEFAULTS, conf, config_file_path, tradewind_home
from tradewind.exceptions import ConfigError


@pytest.fixture
def home(tradewind_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A TRADEWIND_HOME with no TRADEWIND__* overrides at all (the root conftest sets two)."""
    for key in list(os.environ):
        if key.startswith("TRADEWIND__"):
            monkeypatch.delenv(key)
    conf.reload()
    return tradewind_home


def write_toml(home: Path, text: str) -> Path:
    path = home / "tradewind.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_home_and_file_location(home, monkeypatch):
    assert tradewind_home() == home
    assert config_file_path() == home / "tradewind.toml"
    monkeypatch.delenv("TRADEWIND_HOME")
    assert tradewind_home() == Path("~/tradewind").expanduser()
    monkeypatch.setenv("TRADEWIND_CONFIG", "/etc/tw.toml")
    assert config_file_path() == Path("/etc/tw.toml")


def test_defaults_typed_and_placeholders_expanded(home):
    assert conf.get("core", "parallelism") == 32
    assert conf.getint("core", "parallelism") == 32
    assert conf.getboolean("core", "load_examples") is True
    assert conf.get("core", "dags_folder") == f"{home}/dags"
    assert conf.getpath("logging", "base_log_folder") == home / "logs"
    assert conf.get("database", "sql_alchemy_conn") == f"sqlite:///{home}/tradewind.db"
    assert conf.getfloat("scheduler", "scheduler_heartbeat_sec") == 5.0
    assert conf.get("webserver", "secret_key") == ""
    assert conf.get("core", "hostname_callable") == "socket.getfqdn"


def test_toml_file_overrides_defaults(home):
    write_toml(
        home,
        """
        [core]
        parallelism = 8
        load_examples = false
        dags_folder = "{TRADEWIND_HOME}/my_dags"
        [Custom]
        Thing = "x"
        """.replace("        ", ""),
    )
    assert conf.get("core", "parallelism") == 8
    assert conf.getboolean("core", "load_examples") is False
    assert conf.getpath("core", "dags_folder") == home / "my_dags"
    assert conf.get("custom", "thing") == "x"  # sections and keys are case-insensitive
    assert conf.as_dict()["custom"] == {"thing": "x"}


def test_environment_beats_file_and_is_read_at_every_get(home, monkeypatch):
    write_toml(home, "[core]\nparallelism = 8\n")
    assert conf.getint("core", "parallelism") == 8
    monkeypatch.setenv("TRADEWIND__CORE__PARALLELISM", "4")
    assert conf.get("core", "parallelism") == "4"  # env values are strings; typed getters convert
    assert conf.getint("CORE", "Parallelism") == 4
    monkeypatch.setenv("TRADEWIND__NEW_SECTION__SOME_KEY", "v")
    assert conf.has_option("new_section", "some_key")
    assert conf.as_dict()["new_section"] == {"some_key": "v"}
    assert conf.as_dict()["core"]["parallelism"] == "4"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("True", True), ("1", True), ("yes", True), ("false", False), ("0", False), ("NO", False)],
)
def test_boolean_parsing(home, monkeypatch, text, expected):
    monkeypatch.setenv("TRADEWIND__CORE__LOAD_EXAMPLES", text)
    assert conf.getboolean("core", "load_examples") is expected


def test_bad_values_name_the_option_and_the_value(home, monkeypatch):
    monkeypatch.setenv("TRADEWIND__CORE__LOAD_EXAMPLES", "maybe")
    with pytest.raises(ConfigError, match=r"core\.load_examples .*'maybe'"):
        conf.getboolean("core", "load_examples")
    monkeypatch.setenv("TRADEWIND__CORE__PARALLELISM", "lots")
    with pytest.raises(ConfigError, match=r"core\.parallelism must be an integer, got 'lots'"):
        conf.getint("core", "parallelism")
    monkeypatch.setenv("TRADEWIND__SMTP__SMTP_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match=r"smtp\.smtp_timeout"):
        conf.getfloat("smtp", "smtp_timeout")


def test_unknown_options_and_fallbacks(home):
    with pytest.raises(ConfigError, match=r"no such config option: \[core\] nope"):
        conf.get("core", "nope")
    with pytest.raises(ConfigError, match=r"no such config option: \[nosection\] key"):
        conf.getint("nosection", "key")
    assert conf.get("core", "nope", fallback=None) is None
    assert conf.getint("core", "nope", fallback=7) == 7
    assert conf.getboolean("core", "nope", fallback=False) is False
    assert not conf.has_option("core", "nope")
    assert conf.has_option("core", "parallelism")


def test_file_changes_are_seen_and_reload_forgets(home, monkeypatch):
    path = write_toml(home, "[core]\nparallelism = 8\n")
    assert conf.getint("core", "parallelism") == 8
    path.write_text("[core]\nparallelism = 16  # longer\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    assert conf.getint("core", "parallelism") == 16
    path.unlink()
    conf.reload()
    assert conf.getint("core", "parallelism") == 32
    other = home / "other"
    other.mkdir()
    (other / "tradewind.toml").write_text("[core]\nparallelism = 2\n", encoding="utf-8")
    monkeypatch.setenv("TRADEWIND_HOME", str(other))
    assert conf.getint("core", "parallelism") == 2
    assert conf.get("core", "dags_folder") == f"{other}/dags"


def test_broken_file_is_a_config_error(home):
    write_toml(home, "[core\nparallelism = 8\n")
    with pytest.raises(ConfigError, match=r"cannot parse .*tradewind.toml"):
        conf.get("core", "parallelism")
    write_toml(home, "parallelism = 8\n")
    with pytest.raises(ConfigError, match="must be a \\[section\\] table"):
        conf.get("core", "parallelism")


def test_as_dict_covers_every_default_section(home):
    data = conf.as_dict()
    assert set(DEFAULTS) <= set(data)
    assert data["core"]["dags_folder"] == f"{home}/dags"


def test_import_is_cheap():
    code = "import sys, tradewind.config; heavy = {'sqlalchemy', 'jinja2', 'alembic', 'rich'} & set(sys.modules); assert not heavy, heavy"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])
