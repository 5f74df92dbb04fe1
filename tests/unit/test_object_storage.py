"""`ObjectStoragePath` (airflow.io.path / airflow.sdk): file:// with the standard library; memory:// through fsspec."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tradewind.exceptions import StorageBackendMissing
from tradewind.object_storage import ObjectStoragePath


def test_file_paths_join_read_write_and_list(tmp_path: Path) -> None:
    base = ObjectStoragePath(f"file://{tmp_path}", conn_id="local_fs")
    data = base / "in" / "a.txt"
    assert str(data) == f"file://{tmp_path}/in/a.txt" and data.name == "a.txt" and data.suffix == ".txt"
    assert data.conn_id == "local_fs" and data.parent == base / "in"
    assert not data.exists()
    data.parent.mkdir(parents=True)
    assert data.write_text("héllo") == 5
    assert data.exists() and data.is_file() and data.parent.is_dir()
    assert (tmp_path / "in" / "a.txt").read_text() == "héllo"
    assert data.read_text() == "héllo" and data.read_bytes() == "héllo".encode()
    with (base / "in" / "b.csv").open("w") as f:
        f.write("x,y\n")
    assert sorted(p.name for p in (base / "in").iterdir()) == ["a.txt", "b.csv"]
    assert [p.name for p in base.glob("in/*.csv")] == ["b.csv"]
    assert [str(p) for p in base.rglob("*.txt")] == [str(data)]
    assert data.stat()["size"] == len("héllo".encode())


def test_copy_and_move_into_files_and_directories(tmp_path: Path) -> None:
    src = ObjectStoragePath(f"file://{tmp_path}/src.txt")
    src.write_text("payload")
    out = ObjectStoragePath(f"file://{tmp_path}/out")
    out.mkdir()
    copied = src.copy(out)  # into an existing directory: keeps the name
    assert copied == out / "src.txt" and copied.read_text() == "payload" and src.exists()
    renamed = src.copy(str(out / "renamed.txt"))
    assert renamed.read_text() == "payload"
    moved = src.move(out / "moved.txt")
    assert moved.read_text() == "payload" and not src.exists()
    moved.unlink()
    assert not moved.exists()
    moved.unlink(missing_ok=True)


def test_plain_paths_are_local_files(tmp_path: Path) -> None:
    path = ObjectStoragePath(str(tmp_path), "x.txt")
    path.touch()
    assert path.protocol == "file" and (tmp_path / "x.txt").exists()
    with open(path, "w") as f:  # os.PathLike for local paths
        f.write("ok")
    assert (tmp_path / "x.txt").read_text() == "ok"
    with pytest.raises(TypeError, match="not a local path"):
        open(ObjectStoragePath("s3://bucket/key"))  # noqa: SIM115


def test_other_schemes_name_the_missing_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fsspec", None)  # as where fsspec is not installed
    path = ObjectStoragePath("s3://bucket/key.csv", conn_id="aws_default")
    assert path.bucket == "bucket" and path.key == "key.csv"  # pure path operations need no backend
    with pytest.raises(StorageBackendMissing, match="'fsspec'"):
        path.exists()


@pytest.mark.skipif(importlib.util.find_spec("s3fs") is not None, reason="s3fs is installed here")
def test_a_scheme_whose_backend_is_missing_names_it() -> None:
    pytest.importorskip("fsspec")
    with pytest.raises(StorageBackendMissing, match="s3fs"):
        ObjectStoragePath("s3://bucket/key.csv").read_text()


def test_memory_paths_through_fsspec(tmp_path: Path) -> None:
    pytest.importorskip("fsspec")
    base = ObjectStoragePath("memory://corpus-bucket/data")
    data = base / "a.txt"
    assert data.write_text("hello") == 5
    assert data.exists() and data.is_file() and data.read_text() == "hello" and data.stat()["size"] == 5
    with (base / "b.bin").open("wb") as f:
        f.write(b"xy")
    assert sorted(p.name for p in base.iterdir()) == ["a.txt", "b.bin"]
    assert list(base.glob("*.txt")) == [data]  # spelled as the path that listed them
    local = ObjectStoragePath(f"file://{tmp_path}")
    copied = data.copy(local)  # across schemes, by streaming
    assert copied == local / "a.txt" and (tmp_path / "a.txt").read_text() == "hello"
    moved = (base / "b.bin").move(base / "c.bin")
    assert moved.read_bytes() == b"xy" and not (base / "b.bin").exists()
    moved.unlink()
    assert not moved.exists()
