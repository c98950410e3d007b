"""Champion -> registered inference pipeline with the alias it earned; the gate."""

from kedro.pipeline import Node, Pipeline

from .nodes import (
    check_quality_gate,
    decide_promotion,
    package_inference_pipeline,
    prepare_registration,
    score_against_champion,
    select_held_out_rows,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=select_held_out_rows,
                inputs=["intermediate_table", "X_test", "feature_spec"],
                outputs="held_out_rows",
                name="select_held_out_rows",
            ),
            Node(
                func=package_inference_pipeline,
                inputs=["champion_model", "feature_spec"],
                outputs="inference_pipeline",
                name="package_inference_pipeline",
            ),
            Node(
                func=score_against_champion,
                inputs=[
                    "inference_pipeline",
                    "current_champion",
                    "held_out_rows",
                    "y_test",
                    "feature_spec",
                    "params:modelling",
                ],
                outputs="champion_scores",
                name="score_against_champion",
            ),
            Node(
                func=decide_promotion,
                inputs=["champion_scores", "params:registry"],
                outputs="promotion_decision",
                name="decide_promotion",
            ),
            Node(
                func=prepare_registration,
                inputs=[
                    "inference_pipeline",
                    "held_out_rows",
                    "promotion_decision",
                    "feature_spec",
                    "params:reporting",
                ],
                outputs="registered_model",
                name="prepare_registration",
            ),
        ]
    )


def create_gate_pipeline(**kwargs) -> Pipeline:
    """Fails when the model the last ``train`` registered failed the gate."""
    return Pipeline(
        [
            Node(
                func=check_quality_gate,
                inputs="promotion_decision",
                outputs=None,
                name="check_quality_gate",
            )
        ]
    )
