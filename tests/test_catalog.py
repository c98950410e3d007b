"""The catalog documents itself: what each layered dataset holds."""

from pathlib import Path

import yaml

CATALOG = Path(__file__).resolve().parents[1] / "conf" / "base" / "catalog.yml"


def test_every_layered_dataset_says_what_it_holds():
    entries = yaml.safe_load(CATALOG.read_text())
    layered = {
        name: entry.get("metadata", {})
        for name, entry in entries.items()
        if not name.startswith("_") and "kedro-viz" in entry.get("metadata", {})
    }
    assert len(layered) > 20
    assert [
        name
        for name, metadata in layered.items()
        if len(metadata.get("description", "")) < 20
    ] == []
