"""The SQLite database (everyone's record) is private to the account that runs Muster."""

import stat

from muster.settings import private_sqlite_file


def test_a_new_database_file_is_0600_in_a_0700_directory(tmp_path, monkeypatch):
    monkeypatch.setattr("muster.settings.DATA_DIR", tmp_path / "data")
    path = tmp_path / "data" / "muster.sqlite3"
    private_sqlite_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_existing_world_readable_database_is_made_private(tmp_path, monkeypatch):
    monkeypatch.setattr("muster.settings.DATA_DIR", tmp_path)
    path = tmp_path / "muster.sqlite3"
    path.write_bytes(b"")
    path.chmod(0o644)
    private_sqlite_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
