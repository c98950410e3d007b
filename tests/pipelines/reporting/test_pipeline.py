from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from tabular_mlops.pipelines.reporting import create_pipeline

from .test_nodes import COMPARISON, MODELLING, REPORTING


def test_pipeline_reports_on_the_champion(fitted):
    model, X, y, spec = fitted
    comparison = COMPARISON.head(1)
    catalog = DataCatalog(
        {
            "champion_model": MemoryDataset(model, copy_mode="assign"),
            "X_test": MemoryDataset(X),
            "y_test": MemoryDataset(y),
            "feature_spec": MemoryDataset(spec),
            "candidate_comparison": MemoryDataset(comparison),
            "params:modelling": MemoryDataset(MODELLING),
            "params:reporting": MemoryDataset(REPORTING),
        }
    )
    outputs = SequentialRunner().run(create_pipeline(), catalog)

    assert list(outputs["diagnostic_plots"].load())[:2] == [
        "confusion_matrix",
        "roc_curve",
    ]
    assert outputs["performance_breakdown"].load()["class"].tolist() == ["neg", "pos"]
    assert outputs["cv_spread_plot"].load().data[0].y == ("linear",)
    assert outputs["tracked_metrics"].load()["champion.cv_roc_auc"]["value"] == 0.99
    logged_model, input_example = outputs["tracked_champion"].load()
    assert logged_model.classes_.tolist() == model.classes_.tolist()
    assert len(input_example) == REPORTING["input_example_rows"]
