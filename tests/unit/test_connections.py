"""Connection URIs and JSON, environment connections, the secrets masker, Fernet keys and the config writer."""

from __future__ import annotations

import json
import logging
import tomllib

import pytest

from tradewind.exceptions import ConnectionNotFound, FernetKeyError, InvalidConnection
from tradewind.models import Connection
from tradewind.secrets import masker


@pytest.fixture(autouse=True)
def _clean_masker():
    masker.reset_masker()
    yield
    masker.reset_masker()


# --- URIs ---------------------------------------------------------------------------------------
def test_uri_parts_and_percent_encoding() -> None:
    c = Connection(conn_id="x", uri="ftp://us%40er:p%40ss%2Fw%3Ard%23@ftp.example.com:2121/some%2Fdir")
    assert (c.conn_type, c.host, c.port, c.login, c.password, c.schema) == (
        "ftp",
        "ftp.example.com",
        2121,
        "us@er",
        "p@ss/w:rd#",
        "some/dir",
    )
    assert c.extra is None and c.extra_dejson == {}


def test_uri_extras_from_query_params() -> None:
    c = Connection(conn_id="x", uri="http://h/?timeout=30&verify=false&empty=")
    assert c.extra_dejson == {"timeout": "30", "verify": "false", "empty": ""}
    assert c.schema is None


def test_uri_raw_extra_and_normalised_types() -> None:
    extra = {"nested": {"a": 1}, "n": 2}
    c = Connection(conn_id="x", uri="postgresql://u:p@db:5432/warehouse?__extra__=" + json.dumps(extra))
    assert c.conn_type == "postgres" and c.extra_dejson == extra
    assert Connection(uri="google-cloud-platform://").conn_type == "google_cloud_platform"


def test_host_with_protocol() -> None:
    c = Connection(conn_id="x", uri="http://https://example.com:8443/api")
    assert c.conn_type == "http" and c.host == "https://example.com" and c.port == 8443 and c.schema == "api"
    assert Connection(uri=c.get_uri()).host == "https://example.com"


@pytest.mark.parametrize(
    "fields",
    [
        dict(conn_type="ftp", host="127.0.0.1", login="user name", password="p@ss:/w#rd?&=%", port=21, schema="a/b"),
        dict(conn_type="http", host="h", extra=json.dumps({"api_key": "k", "retries": 3})),
        dict(conn_type="http", host="h", extra=json.dumps({"token": "abc", "verify": "false"})),
        dict(conn_type="sqlite", host="/tmp/x.db"),
        dict(conn_type="generic", login="only-login"),
        dict(conn_type="generic", port=8080),
    ],
)
def test_get_uri_round_trips(fields: dict) -> None:
    original = Connection(conn_id="rt", **fields)
    parsed = Connection(conn_id="rt", uri=original.get_uri())
    for name in ("conn_type", "host", "login", "password", "port", "schema"):
        assert getattr(parsed, name) == getattr(original, name), (name, original.get_uri())
    assert parsed.extra_dejson == original.extra_dejson


@pytest.mark.parametrize(
    "uri, fragment",
    [
        ("", "empty"),
        ("no-scheme-here", "expected type://"),
        ("ftp://h:99999/", "port"),
        ("ftp://h:abc/", "port"),
        ("a://b://c://d", "expected type://"),
    ],
)
def test_bad_uris_are_one_clear_error(uri: str, fragment: str) -> None:
    with pytest.raises(InvalidConnection, match=fragment):
        Connection(conn_id="bad", uri=uri)


def test_bad_uri_error_does_not_show_the_password() -> None:
    with pytest.raises(InvalidConnection) as info:
        Connection(conn_id="bad", uri="ftp://u:topsecret@h:notaport/")
    assert "topsecret" not in str(info.value)


def test_from_json() -> None:
    c = Connection.from_json('{"conn_type": "ftp", "host": "h", "port": "21", "extra": {"passive": true}}', "j")
    assert (c.conn_id, c.port, c.extra_dejson) == ("j", 21, {"passive": True})
    with pytest.raises(InvalidConnection, match="invalid JSON"):
        Connection.from_json("{nope", "j")
    with pytest.raises(InvalidConnection, match="unknown fields"):
        Connection.from_json('{"conn_type": "ftp", "hots": "h"}', "j")


# --- environment ------------------------------------------------------------------------------
def test_env_connection_as_uri_and_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND_CONN_FTP_DEFAULT", "ftp://user:envpass@ftp.local:2121")
    monkeypatch.setenv(
        "TRADEWIND_CONN_API", json.dumps({"conn_type": "http", "host": "api.local", "password": "jsonpass"})
    )
    ftp = Connection.get("ftp_default")
    assert (ftp.conn_id, ftp.host, ftp.port, ftp.login, ftp.password) == (
        "ftp_default",
        "ftp.local",
        2121,
        "user",
        "envpass",
    )
    api = Connection.get_connection_from_secrets("api")
    assert api.host == "api.local" and api.password == "jsonpass"
    assert masker.redact_text("pw envpass and jsonpass") == "pw *** and ***"


def test_missing_connection_is_not_found() -> None:
    with pytest.raises(ConnectionNotFound, match="isn't defined"):
        Connection.get("nowhere")


def test_template_conn_accessor(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.runtime.context import ConnectionAccessor
    from tradewind.runtime.templating import make_jinja_env, render_value

    monkeypatch.setenv("TRADEWIND_CONN_FTP_DEFAULT", "ftp://user:pw@ftp.local:2121")
    ctx = {"conn": ConnectionAccessor()}
    out = render_value(
        "{{ conn.ftp_default.host }}:{{ conn.ftp_default.port }} {{ conn.get('none', 'x') }}", ctx, make_jinja_env()
    )
    assert out == "ftp.local:2121 x"


# --- masking ----------------------------------------------------------------------------------
def test_masker_keys_and_values() -> None:
    masker.mask_secret("hunter22")
    masker.mask_secret("plainvalue", "region")  # not a sensitive name: ignored
    masker.mask_secret({"api_key": "k-123456", "nested": {"client_secret": "s-abcdef"}, "user": "bobby"})
    masker.mask_secret("abc")  # too short to mask
    text = "hunter22 plainvalue k-123456 s-abcdef bobby abc hunter%2122"
    assert masker.redact_text(text) == "*** plainvalue *** *** bobby abc hunter%2122"
    assert masker.redact({"password": "x", "extra": ["hunter22"], "n": 1}) == {
        "password": "***",
        "extra": ["***"],
        "n": 1,
    }
    assert masker.should_hide_value_for_key("SMTP_PASSWORD") and not masker.should_hide_value_for_key("host")


def test_masker_url_encoded_form() -> None:
    masker.mask_secret("p@ss/word")
    assert masker.redact_text("ftp://u:p%40ss%2Fword@h") == "ftp://u:***@h"


def test_redacting_filter_rewrites_records(tmp_path) -> None:
    masker.mask_secret("sup3rsecret")
    logger = logging.getLogger("tradewind.test.redact")
    logger.propagate = False
    handler = logging.FileHandler(tmp_path / "log.txt")
    handler.addFilter(masker.RedactingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("the password is %s", "sup3rsecret")
        try:
            raise RuntimeError("boom sup3rsecret")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = (tmp_path / "log.txt").read_text()
    assert "sup3rsecret" not in text
    assert "the password is ***" in text and "RuntimeError: boom ***" in text


def test_sensitive_variable_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.models import Variable

    monkeypatch.setenv("TRADEWIND_VAR_MY_API_KEY", "key-987654")
    monkeypatch.setenv("TRADEWIND_VAR_REGION", "eu-west-1")
    assert Variable.get("my_api_key") == "key-987654" and Variable.get("region") == "eu-west-1"
    assert masker.redact_text("key-987654 eu-west-1") == "*** eu-west-1"


# --- Fernet -----------------------------------------------------------------------------------
def test_fernet_round_trip_wrong_key_and_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.secrets import fernet

    old, new = fernet.generate_key(), fernet.generate_key()
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", old)
    token, encrypted = fernet.encrypt("s3cret")
    assert encrypted and token != "s3cret" and fernet.decrypt(token, what="x") == "s3cret"
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", new)
    with pytest.raises(FernetKeyError, match="not the key it was encrypted with"):
        fernet.decrypt(token, what="password of connection 'c'")
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", f"{new},{old}")  # MultiFernet: new first
    rotated = fernet.rotate(token, what="x")
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", new)
    assert fernet.decrypt(rotated, what="x") == "s3cret"
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", "not-a-key")
    with pytest.raises(FernetKeyError, match="not a valid Fernet key"):
        fernet.encrypt("x")


def test_fernet_key_is_created_once_and_saved(tradewind_home) -> None:
    from tradewind.secrets import fernet

    assert fernet.configured_key() == ""
    key = fernet.ensure_fernet_key()
    assert key and fernet.configured_key() == key
    assert fernet.ensure_fernet_key() == key
    data = tomllib.loads((tradewind_home / "tradewind.toml").read_text())
    assert data == {"core": {"fernet_key": key}}
    assert (tradewind_home / "tradewind.toml").stat().st_mode & 0o777 == 0o600


# --- config writer ----------------------------------------------------------------------------
def test_config_writer_keeps_existing_content(tradewind_home) -> None:
    from tradewind.config import conf
    from tradewind.config_writer import set_config_option

    path = tradewind_home / "tradewind.toml"
    original = "# my settings\n[core]\nload_examples = false  # keep\n\n[smtp]\nsmtp_port = 2525\n"
    path.write_text(original)
    set_config_option("core", "fernet_key", "abc")
    text = path.read_text()
    assert text.startswith('# my settings\n[core]\nload_examples = false  # keep\nfernet_key = "abc"\n')
    assert conf.get("core", "fernet_key") == "abc" and conf.getint("smtp", "smtp_port") == 2525
    set_config_option("core", "fernet_key", "def")  # replaced, not duplicated
    assert path.read_text().count("fernet_key") == 1 and conf.get("core", "fernet_key") == "def"
    set_config_option("webserver", "secret_key", 'q"uote')
    assert tomllib.loads(path.read_text())["webserver"]["secret_key"] == 'q"uote'
    assert "smtp_port = 2525" in path.read_text()


def test_base_hook_get_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.hooks.base import BaseHook

    monkeypatch.setenv("TRADEWIND_CONN_HTTP_DEFAULT", "https://api.example.com")
    assert BaseHook.get_connection("http_default").host == "api.example.com"
    with pytest.raises(ConnectionNotFound):
        BaseHook.get_connection("nope")
