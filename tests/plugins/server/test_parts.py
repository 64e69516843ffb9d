"""The server's parts in-process: file quotas and names, tokens, the store left usable."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

pytest.importorskip("qloom_server")  # the conftest's fixture says what is missing

import qloom
from qloom_server.accounts import Accounts
from qloom_server.config import Limits
from qloom_server.db import Database
from qloom_server.errors import ApiError
from qloom_server.files import Files


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def _upload(files: Files, user: str, name: str, *parts: bytes) -> None:
    asyncio.run(files.upload(user, name, _chunks(*parts)))


def test_quota_and_file_count_refuse_with_nothing_written(tmp_path: Path) -> None:
    files = Files(tmp_path, Limits(max_file_bytes=100, max_user_bytes=150, max_files=2))
    _upload(files, "ann", "a.qasm", b"x" * 100)
    with pytest.raises(ApiError) as over:
        _upload(files, "ann", "b.qasm", b"y" * 60)
    assert over.value.code == 413 and over.value.type == "QuotaExceeded"
    _upload(files, "ann", "a.qasm", b"z" * 40, b"z" * 40)  # replacing counts the new size only
    _upload(files, "ann", "b.qasm", b"y" * 60)
    with pytest.raises(ApiError) as many:
        _upload(files, "ann", "c.qasm", b"c")
    assert many.value.code == 413
    with pytest.raises(ApiError) as big:
        _upload(files, "ann", "d.qasm", b"d" * 60, b"d" * 60)
    assert big.value.code == 413 and big.value.type == "TooLarge"
    assert [(f.name, f.size) for f in files.list("ann")] == [("a.qasm", 80), ("b.qasm", 60)]
    assert list((tmp_path / ".incoming").iterdir()) == []  # no partial upload left behind
    assert (tmp_path / "ann").stat().st_mode & 0o777 == 0o700
    assert files.list("bob") == []


@pytest.mark.parametrize("name", ["..", ".", ".x", "a/b", "../a", "a\\b", "", "a\x00", "é"])
def test_bad_names_are_400(tmp_path: Path, name: str) -> None:
    files = Files(tmp_path, Limits())
    with pytest.raises(ApiError) as caught:
        files.path("ann", name)
    assert caught.value.code == 400


def test_tokens_map_to_their_user_only(tmp_path: Path) -> None:
    db = Database(tmp_path / "s.sqlite")
    assert (tmp_path / "s.sqlite").stat().st_mode & 0o777 == 0o600
    accounts = Accounts(db)
    ann, bob = accounts.create("ann"), accounts.create("bob")
    assert len(ann) >= 43 and ann != bob
    assert accounts.user_for(ann) == "ann" and accounts.user_for(bob) == "bob"
    assert accounts.user_for(ann[:-1]) is None and accounts.user_for("") is None
    assert accounts.revoke("ann") and accounts.user_for(ann) is None
    db.close()


def test_a_local_compiler_still_opens_a_server_store(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    with qloom.Compiler(store=store) as local:
        local.compile(qloom.Circuit(2).h(0).cx(0, 1), on="emulator:heavy-hex-27", seed=1)
    db = Database(store)  # adds the server's tables beside the core's
    Accounts(db).create("ann")
    db.close()
    with qloom.Compiler(store=store) as again:
        assert [r.status for r in again.tasks()] == ["DONE"]
