"""Champion -> registered inference pipeline with the alias it earned."""

from kedro.pipeline import Node, Pipeline

from .nodes import (
    decide_promotion,
    package_inference_pipeline,
    prepare_registration,
    score_against_champion,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=package_inference_pipeline,
                inputs=[
                    "champion_model",
                    "feature_spec",
                    "X_train",
                    "X_test",
                    "y_test",
                    "params:monitor",
                ],
                outputs="inference_pipeline",
                name="package_inference_pipeline",
            ),
            Node(
                func=score_against_champion,
                inputs=[
                    "inference_pipeline",
                    "current_champion",
                    "X_test",
                    "y_test",
                    "feature_spec",
                    "params:modelling",
                ],
                outputs="champion_scores",
                name="score_against_champion",
            ),
            Node(
                func=decide_promotion,
                inputs=["champion_scores", "params:registry", "params:data"],
                outputs="promotion_decision",
                name="decide_promotion",
            ),
            Node(
                func=prepare_registration,
                inputs=[
                    "inference_pipeline",
                    "X_test",
                    "promotion_decision",
                    "candidate_comparison",
                    "params:data",
                    "params:reporting",
                ],
                outputs="registered_model",
                name="prepare_registration",
            ),
        ]
    )
