"""Names of the datasets that hooks read, shared by the pipelines that write them."""

FEATURE_SPEC = "feature_spec"
CANDIDATE_COMPARISON = "candidate_comparison"
TUNING_TRIALS = "tuning_trials"
"""Per family: ``<family>.tuning_trials``, one row per Optuna trial."""
GATE_REPORT = "gate_report"
PROMOTION_DECISION = "promotion_decision"
