import json
import logging
import threading

import pytest

from tabular_mlops.skip_unchanged.manifest import (
    manifest_path,
    read_manifest,
    update_manifest,
)


def test_the_record_lives_at_the_project_root_whatever_the_folder(
    project_path, monkeypatch
):
    (project_path / "src").mkdir(exist_ok=True)
    monkeypatch.chdir(project_path / "src")
    assert manifest_path() == project_path.resolve() / "data" / "node_cache.json"


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", ""])
def test_an_unreadable_record_is_ignored_with_a_warning(tmp_path, content, caplog):
    path = tmp_path / "node_cache.json"
    path.write_text(content)
    with caplog.at_level(logging.WARNING):
        assert read_manifest(path) == {}
    assert "node cache" in caplog.text
    update_manifest(lambda recorded: recorded.update(a="1"), path)
    assert json.loads(path.read_text()) == {"a": "1"}  # rebuilt


def test_concurrent_updates_are_all_kept(tmp_path):
    path = tmp_path / "data" / "node_cache.json"

    def record(index: int) -> None:
        update_manifest(lambda recorded: recorded.update({f"n{index}": "k"}), path)

    threads = [threading.Thread(target=record, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert read_manifest(path) == {f"n{i}": "k" for i in range(20)}
    assert list(path.parent.glob("*.tmp")) == []
