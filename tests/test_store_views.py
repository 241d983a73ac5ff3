"""The store's view API used by the reader: keys in display order, windows by key, refs
for marks, arrivals since a moment, actor counts per view, hourly counts."""

from datetime import datetime, timedelta, timezone

from feedtui.models import Entry
from feedtui.store import Store

NOW = datetime(2031, 5, 14, 12, 0, tzinfo=timezone.utc)


def entry(n, minutes_ago, actors=()):
    return Entry(id=f"e{n}", source="s", title=f"Update {n}", body=(f"body {n}",),
                 published=NOW - timedelta(minutes=minutes_ago), actors=tuple(actors))


def test_views(tmp_path):
    with Store.open(tmp_path / "v.db") as store:
        source = store.add_source("https://e.example/live", name="live")
        store.ingest(source, [entry(1, 300, ["Kyiv"]), entry(2, 100, ["Kyiv", "Olaf Scholz (Germany)"]),
                              entry(3, 30, ["Olaf Scholz (Germany)"])])
        keys = store.keys()
        assert [e.id for e in store.entries()] == ["e3", "e2", "e1"]
        window = store.entries_by_key(keys)
        assert [window[k].id for k in keys] == ["e3", "e2", "e1"]
        assert store.entries_by_key([keys[0], 999_999]).keys() == {keys[0]}
        assert store.entry_refs([keys[1]]) == [(source.id, "e2")]
        store.mark_read(store.entry_refs([keys[1]]))
        assert [e.id for e in store.entries(unread=True)] == ["e3", "e1"]
        assert [k for k in store.keys("e.title LIKE ?", ["%3"])] == [keys[0]]
        assert store.actor_counts() == [("Kyiv", 2), ("Olaf Scholz (Germany)", 2)]
        assert store.actor_counts(newest=1) == [("Olaf Scholz (Germany)", 1)]
        hourly = store.hourly_counts(NOW, hours=6)[source.id]
        assert hourly == [0, 1, 0, 0, 1, 1]  # 5 h, 100 min and 30 min ago
        assert store.arrived_since(datetime.now(timezone.utc) + timedelta(minutes=1)) == set()
        assert store.arrived_since(datetime.now(timezone.utc) - timedelta(minutes=5)) == set(keys)
