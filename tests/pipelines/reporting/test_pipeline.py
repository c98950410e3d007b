import pandas as pd
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from matplotlib.figure import Figure

from tabular_mlops.pipelines.reporting import create_pipeline
from tabular_mlops.pipelines.reporting.pipeline import FIGURES

from .test_nodes import MODELLING, REPORTING


def test_pipeline_reports_on_the_champion(fitted):
    model, X, y, spec = fitted
    comparison = pd.DataFrame({"family": ["linear"], "rank": [1], "cv_roc_auc": [0.9]})
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

    for figure in FIGURES:
        assert isinstance(outputs[f"{figure}_png"].load(), Figure)
    assert outputs["tracked_metrics"].load()["champion.cv_roc_auc"]["value"] == 0.9
    logged_model, input_example = outputs["tracked_champion"].load()
    assert logged_model.classes_.tolist() == model.classes_.tolist()
    assert len(input_example) == REPORTING["input_example_rows"]
