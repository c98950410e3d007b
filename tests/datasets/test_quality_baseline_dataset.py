from tabular_mlops.datasets import QualityBaselineDataset


def test_no_file_is_an_empty_baseline_and_a_saved_one_reads_back(tmp_path):
    dataset = QualityBaselineDataset(
        filepath=str(tmp_path / "metrics/baseline.yml"),
        save_args={"sort_keys": False},
    )
    assert dataset.load() == {}
    baseline = {"wine (bundled)": {"task": "multiclass", "metrics": {"rmse": 1.5}}}
    dataset.save(baseline)
    assert dataset.load() == baseline
    assert (
        (tmp_path / "metrics/baseline.yml")
        .read_text()
        .startswith("wine (bundled):\n  task: multiclass\n")
    )
