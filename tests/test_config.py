"""The TOML config: defaults, values, and one-line errors naming the file."""

import pytest

from feedtui.config import Config, ConfigError, load_config


def test_missing_file_means_defaults(tmp_path):
    assert load_config(tmp_path / "none.toml") == Config()
    assert load_config(None).live_interval == 60


def test_values(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[poll]\nlive_interval = 5\n[display]\ntime = "utc"\ntheme = "nord"\n'
                    '[aliases]\n"Olaf Scholz" = ["Scholz"]\n[groups]\nEstrava = "Velmora"\n'
                    '[keys]\ntoggle_read = "x"\n')
    config = load_config(path)
    assert config.live_interval == 5 and config.feed_interval == 900
    assert config.time_mode == "utc" and config.theme == "nord"
    assert config.aliases == {"Olaf Scholz": ("Scholz",)}
    assert config.groups == {"Estrava": ("Velmora",)}
    assert config.keys == {"toggle_read": "x"}


@pytest.mark.parametrize("text, problem", [
    ("[poll\n", "not valid TOML"),
    ("[poll]\nlive_interval = 0\n", "live_interval must be a number of seconds >= 1"),
    ('[display]\ntime = "mars"\n', "time must be one of local, utc, source"),
    ("[aliases]\nx = 3\n", "'x' must be a list of strings"),
    ("[keys]\nquit = 1\n", "[keys] must map binding ids"),
])
def test_errors_are_one_line_and_name_the_file(tmp_path, text, problem):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(str(path)) and problem in message and "\n" not in message


def test_aliases_reach_actor_extraction(tmp_path):
    from feedtui.actors import extract_actors
    from feedtui.config import alias_map
    from feedtui.extract.base import make_entry

    path = tmp_path / "c.toml"
    path.write_text('[aliases]\n"Olaf Scholz" = ["the Chancellor"]\n')
    aliases = alias_map(load_config(path))
    assert aliases["the Chancellor"] == "Olaf Scholz"
    [entry] = extract_actors([make_entry(source="s", title="Olaf Scholz Urges Calm")], aliases, {})
    assert any("Scholz" in actor for actor in entry.actors)
