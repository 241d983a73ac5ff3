"""Where the store and the config live: --db/--config, then FEEDTUI_HOME, then platformdirs."""

from pathlib import Path

import platformdirs

from feedtui import paths


def test_platformdirs_defaults_without_home():
    env = {}
    assert paths.db_path(env=env) == platformdirs.user_data_path("feedtui", appauthor=False) \
        / "feedtui.db"
    assert paths.config_path(env=env) == platformdirs.user_config_path(
        "feedtui", appauthor=False) / "config.toml"


def test_feedtui_home_overrides_both(tmp_path):
    env = {"FEEDTUI_HOME": str(tmp_path)}
    assert paths.db_path(env=env) == tmp_path / "feedtui.db"
    assert paths.config_path(env=env) == tmp_path / "config.toml"
    assert paths.data_dir(env) == paths.config_dir(env) == tmp_path


def test_blank_home_is_ignored():
    env = {"FEEDTUI_HOME": "  "}
    assert paths.data_dir(env) == platformdirs.user_data_path("feedtui", appauthor=False)


def test_explicit_paths_win_over_home(tmp_path):
    env = {"FEEDTUI_HOME": str(tmp_path / "home")}
    assert paths.db_path(tmp_path / "x.db", env=env) == tmp_path / "x.db"
    assert paths.config_path(str(tmp_path / "c.toml"), env=env) == tmp_path / "c.toml"
    assert paths.db_path("", env=env) == tmp_path / "home" / "feedtui.db"


def test_home_from_process_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FEEDTUI_HOME", str(tmp_path))
    assert paths.db_path() == tmp_path / "feedtui.db"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("FEEDTUI_HOME", "~/fh")
    assert paths.config_path() == Path(str(tmp_path)) / "fh" / "config.toml"
