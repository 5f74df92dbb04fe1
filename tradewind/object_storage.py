"""`ObjectStoragePath`: a pathlib-like path over a file system named by a URL, as Airflow 2.8's `airflow.io`.

`file://` paths (and plain paths) work with the standard library alone. Any other scheme
(`s3://`, `gcs://`, `memory://`…) goes through `fsspec` and its backend package when installed;
otherwise using it says which package is missing. The local file system below has the fsspec
method names this class uses, so one code path serves both.
"""

from __future__ import annotations

import fnmatch
import shutil
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from tradewind.exceptions import StorageBackendMissing

__all__ = ["ObjectStoragePath"]

_LOCAL = frozenset({"", "file", "local"})


class LocalFileSystem:
    """The few fsspec `AbstractFileSystem` methods `ObjectStoragePath` calls, for local paths, on pathlib."""

    protocol = "file"

    def open(self, path: str, mode: str = "rb", **kwargs: Any) -> IO[Any]:
        return open(path, mode, **kwargs)

    def exists(self, path: str) -> bool:
        return Path(path).exists()

    def isdir(self, path: str) -> bool:
        return Path(path).is_dir()

    def isfile(self, path: str) -> bool:
        return Path(path).is_file()

    def ls(self, path: str, detail: bool = False) -> list[str]:
        return sorted(str(child) for child in Path(path).iterdir())

    def glob(self, pattern: str) -> list[str]:
        anchor = Path(pattern).anchor or "."
        return sorted(str(p) for p in Path(anchor).glob(str(Path(pattern).relative_to(anchor))))

    def info(self, path: str) -> dict[str, Any]:
        st = Path(path).stat()
        return {"name": path, "size": st.st_size, "type": "directory" if Path(path).is_dir() else "file"}

    def makedirs(self, path: str, exist_ok: bool = False) -> None:
        Path(path).mkdir(parents=True, exist_ok=exist_ok)

    def mkdir(self, path: str, create_parents: bool = True) -> None:
        Path(path).mkdir(parents=create_parents)

    def touch(self, path: str, truncate: bool = True) -> None:
        if truncate:
            Path(path).write_bytes(b"")
        else:
            Path(path).touch()

    def copy(self, path1: str, path2: str, recursive: bool = False) -> None:
        if Path(path1).is_dir():
            if not recursive:
                raise IsADirectoryError(f"{path1} is a directory (pass recursive=True)")
            shutil.copytree(path1, path2, dirs_exist_ok=True)
        else:
            shutil.copy2(path1, path2)

    def mv(self, path1: str, path2: str, recursive: bool = False) -> None:
        shutil.move(path1, path2)

    def rm(self, path: str, recursive: bool = False) -> None:
        if not Path(path).is_dir():
            Path(path).unlink()
        elif recursive:
            shutil.rmtree(path)
        else:
            Path(path).rmdir()

    def rmdir(self, path: str) -> None:
        Path(path).rmdir()


def _split(url: str) -> tuple[str, str]:
    """(protocol, path without the scheme); local paths keep their leading slash."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "file", url
    return scheme.lower(), rest


def filesystem(protocol: str, **storage_options: Any) -> Any:
    """The file system for `protocol`: the local one, or fsspec's (which must be installed)."""
    if protocol in _LOCAL:
        return LocalFileSystem()
    try:
        import fsspec
    except ImportError:
        raise StorageBackendMissing(
            f"ObjectStoragePath {protocol}:// needs the 'fsspec' package (and its backend for {protocol}); "
            "pip install fsspec — only file:// works without it"
        ) from None
    try:
        return fsspec.filesystem(protocol, **storage_options)
    except ImportError as exc:
        raise StorageBackendMissing(f"ObjectStoragePath {protocol}:// needs a package fsspec names: {exc}") from None


class ObjectStoragePath:
    """A path such as `file:///data/in.csv` or `s3://bucket/key`, with pathlib's methods; `conn_id` is kept."""

    def __init__(self, *parts: str | ObjectStoragePath, conn_id: str | None = None, **storage_options: Any) -> None:
        if not parts:
            raise ValueError("ObjectStoragePath needs a URL or path")
        first, *rest = parts
        self.protocol: str
        self.conn_id: str | None
        self.storage_options: dict[str, Any]
        if isinstance(first, ObjectStoragePath):
            self.protocol, path = first.protocol, first.path
            conn_id = conn_id or first.conn_id
            storage_options = {**first.storage_options, **storage_options}
        else:
            self.protocol, path = _split(str(first))
        self._path = PurePosixPath(path, *(str(p) for p in rest))
        self.conn_id = conn_id
        self.storage_options = storage_options
        self._fs: Any = None

    # --- pure path ---------------------------------------------------------------------------
    @property
    def path(self) -> str:
        return str(self._path)

    @property
    def fs(self) -> Any:
        if self._fs is None:
            self._fs = filesystem(self.protocol, **self.storage_options)
        return self._fs

    def _with(self, path: PurePosixPath) -> ObjectStoragePath:
        new = ObjectStoragePath(f"{self.protocol}://{path}", conn_id=self.conn_id, **self.storage_options)
        new._fs = self._fs
        return new

    def __truediv__(self, other: str) -> ObjectStoragePath:
        return self._with(self._path / str(other))

    def joinpath(self, *others: str) -> ObjectStoragePath:
        return self._with(self._path.joinpath(*others))

    @property
    def name(self) -> str:
        return self._path.name

    @property
    def stem(self) -> str:
        return self._path.stem

    @property
    def suffix(self) -> str:
        return self._path.suffix

    @property
    def parts(self) -> tuple[str, ...]:
        return self._path.parts

    @property
    def parent(self) -> ObjectStoragePath:
        return self._with(self._path.parent)

    @property
    def bucket(self) -> str:
        """The first part of the path for object stores (`s3://bucket/key`); empty for local paths."""
        return "" if self.protocol in _LOCAL else self._path.parts[0]

    @property
    def key(self) -> str:
        """The path inside the bucket (the whole path, without its leading slash, for local ones)."""
        parts = self._path.parts if self.protocol in _LOCAL else self._path.parts[1:]
        return "/".join(p for p in parts if p != "/")

    def with_name(self, name: str) -> ObjectStoragePath:
        return self._with(self._path.with_name(name))

    def with_suffix(self, suffix: str) -> ObjectStoragePath:
        return self._with(self._path.with_suffix(suffix))

    def __str__(self) -> str:
        return f"{self.protocol}://{self._path}"

    def __repr__(self) -> str:
        return f"ObjectStoragePath({str(self)!r})"

    def __fspath__(self) -> str:
        """Local paths only, so `open(path)` and libraries taking os.PathLike work; others have no OS path."""
        if self.protocol not in _LOCAL:
            raise TypeError(f"{self} is not a local path")
        return self.path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ObjectStoragePath) and (self.protocol, self._path) == (other.protocol, other._path)

    def __hash__(self) -> int:
        return hash((self.protocol, self._path))

    # --- file system -------------------------------------------------------------------------
    def exists(self) -> bool:
        return bool(self.fs.exists(self.path))

    def is_dir(self) -> bool:
        return bool(self.fs.isdir(self.path))

    def is_file(self) -> bool:
        return bool(self.fs.isfile(self.path))

    def open(self, mode: str = "r", **kwargs: Any) -> IO[Any]:
        return self.fs.open(self.path, mode, **kwargs)

    def read_text(self, encoding: str = "utf-8") -> str:
        with self.open("r", encoding=encoding) as f:
            return str(f.read())

    def write_text(self, data: str, encoding: str = "utf-8") -> int:
        with self.open("w", encoding=encoding) as f:
            return int(f.write(data))

    def read_bytes(self) -> bytes:
        with self.open("rb") as f:
            return bytes(f.read())

    def write_bytes(self, data: bytes) -> int:
        with self.open("wb") as f:
            return int(f.write(data))

    def iterdir(self) -> Iterator[ObjectStoragePath]:
        for child in self.fs.ls(self.path, detail=False):
            yield self._with(self._listed(child))

    def glob(self, pattern: str) -> Iterator[ObjectStoragePath]:
        for match in self.fs.glob(str(self._path / pattern)):
            yield self._with(self._listed(match))

    def _listed(self, found: Any) -> PurePosixPath:
        """A path a file system listed, spelled as this one is: without its scheme, and without the
        leading slash some fsspec backends add (`memory://bucket/x` lists `/bucket/x`)."""
        text = str(found)
        text = _split(text)[1] if "://" in text else text
        if self.protocol not in _LOCAL and not str(self._path).startswith("/"):
            text = text.lstrip("/")
        return PurePosixPath(text)

    def rglob(self, pattern: str) -> Iterator[ObjectStoragePath]:
        return self.glob(f"**/{pattern}")

    def match(self, pattern: str) -> bool:
        return fnmatch.fnmatch(self.path, pattern) or self._path.match(pattern)

    def stat(self) -> dict[str, Any]:
        """fsspec's info dict (`size`, `type`, …), as Airflow's `ObjectStoragePath.stat()`."""
        return dict(self.fs.info(self.path))

    def size(self) -> int:
        return int(self.stat()["size"])

    def mkdir(self, mode: int = 0o777, parents: bool = False, exist_ok: bool = False) -> None:
        if parents:
            self.fs.makedirs(self.path, exist_ok=exist_ok)
        elif not (exist_ok and self.is_dir()):
            self.fs.mkdir(self.path, create_parents=False)

    def touch(self, exist_ok: bool = True) -> None:
        if self.exists():
            if not exist_ok:
                raise FileExistsError(str(self))
            return
        self.fs.touch(self.path, truncate=True)

    def unlink(self, missing_ok: bool = False) -> None:
        if missing_ok and not self.exists():
            return
        self.fs.rm(self.path)

    def rmdir(self) -> None:
        self.fs.rmdir(self.path)

    def rm(self, recursive: bool = False) -> None:
        self.fs.rm(self.path, recursive=recursive)

    def copy(self, dst: str | ObjectStoragePath, recursive: bool = False) -> ObjectStoragePath:
        """Copy to `dst` (into it, when it is an existing directory); across file systems by streaming."""
        target = self._target(dst)
        if target.protocol == self.protocol and target.storage_options == self.storage_options:
            self.fs.copy(self.path, target.path, recursive=recursive)
        elif self.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            for child in self.iterdir():
                child.copy(target / child.name, recursive=recursive)
        else:
            with self.open("rb") as src, target.open("wb") as out:
                shutil.copyfileobj(src, out)
        return target

    def move(self, dst: str | ObjectStoragePath, recursive: bool = False) -> ObjectStoragePath:
        """Move to `dst` (into it, when it is an existing directory)."""
        target = self._target(dst)
        if target.protocol == self.protocol and target.storage_options == self.storage_options:
            self.fs.mv(self.path, target.path, recursive=recursive)
        else:
            self.copy(target, recursive=recursive)
            self.rm(recursive=recursive)
        return target

    def _target(self, dst: str | ObjectStoragePath) -> ObjectStoragePath:
        target = dst if isinstance(dst, ObjectStoragePath) else ObjectStoragePath(dst, conn_id=self.conn_id)
        return target / self.name if target.is_dir() else target
