"""One HTML page that tells what a training run did, to open offline or send."""

from __future__ import annotations

from typing import Any

import jinja2
import pandas as pd
import plotly.graph_objects as go
import plotly.io
from plotly.offline import get_plotlyjs

from tabular_mlops.core.features import FeatureSpec
from tabular_mlops.core.metrics import LOWER_IS_BETTER

DECIMALS = 4
"""Decimals of the scores the report shows (cross-validation cannot tell finer)."""

TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<script>{{ plotly_js | safe }}</script>
<style>
 body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px;
        color: #222; line-height: 1.45; padding: 0 1rem; }
 h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem;
      border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
 .subtitle { color: #555; margin-top: 0; }
 table { border-collapse: collapse; margin: .6rem 0; font-size: .92rem; }
 th, td { border: 1px solid #ddd; padding: .3rem .6rem; text-align: right; }
 th { background: #f4f6f8; } td:first-child, th:first-child { text-align: left; }
 td { white-space: nowrap; }
 tr.champion td { background: #eef7ee; font-weight: 600; }
 .decision { padding: .7rem 1rem; border-radius: 6px; background: #f4f6f8; }
 .decision.champion { background: #eef7ee; } .decision.challenger { background: #fff6e5; }
 dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
 dt { color: #555; } dd { margin: 0; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="subtitle">{{ subtitle }}</p>

<h2>Data set</h2>
<dl>
{% for name, value in data_facts %}<dt>{{ name }}</dt><dd>{{ value }}</dd>
{% endfor %}</dl>

<h2>Candidates</h2>
<p>Ranked by mean cross-validated <b>{{ metric }}</b> ({{ direction }} is better);
± is the standard deviation across folds. Test scores are on rows no candidate
saw while training.</p>
<table>
<tr>{% for column in candidates[0] %}<th>{{ column }}</th>{% endfor %}</tr>
{% for row in candidates %}<tr{% if loop.first %} class="champion"{% endif %}>
{% for value in row.values() %}<td>{{ value }}</td>{% endfor %}</tr>
{% endfor %}</table>
{{ figures.cv_spread | safe }}

<h2>Registry</h2>
<p class="decision {{ alias }}"><b>{{ registry_outcome }}</b>: {{ reason }}</p>

<h2>Diagnostics of the champion ({{ champion }})</h2>
{% for name in diagnostics %}{{ figures[name] | safe }}
{% endfor %}
<h3>{{ breakdown_title }}</h3>
{{ breakdown | safe }}

<h2>What the champion reads</h2>
<p>Permutation importance: how much the test {{ metric }} drops when a column's
values are shuffled.</p>
{{ figures.feature_importance | safe }}
</body>
</html>
"""
)


def _html(figure: go.Figure) -> str:
    """A figure as a ``<div>`` drawn by the page's one copy of plotly.js."""
    return plotly.io.to_html(
        figure,
        full_html=False,
        include_plotlyjs=False,
        default_height=f"{figure.layout.height or 450}px",
        config={"displaylogo": False, "responsive": True},
    )


def _candidate_rows(comparison: pd.DataFrame, metric: str) -> list[dict[str, Any]]:
    """Per candidate, best first: rank, the ranking metric across CV folds
    (mean ± std), then every test score, as the table shows them."""
    test_metrics = [
        column.removeprefix("test_")
        for column in comparison
        if column.startswith("test_")
    ]
    return [
        {
            "rank": int(row["rank"]),
            "candidate": row["family"],
            f"CV {metric}": f"{row[f'cv_{metric}']:.{DECIMALS}f} ± "
            f"{row[f'cv_{metric}_std']:.{DECIMALS}f}",
            **{
                f"test {name}": f"{row[f'test_{name}']:.{DECIMALS}f}"
                for name in test_metrics
            },
        }
        for _, row in comparison.iterrows()
    ]


def render_report(
    source: str,
    feature_spec: FeatureSpec,
    candidate_comparison: pd.DataFrame,
    metric: str,
    diagnostics: dict[str, go.Figure],
    breakdown: pd.DataFrame,
    cv_spread: go.Figure,
    feature_importance: go.Figure,
    promotion_decision: dict[str, Any],
) -> str:
    """A self-contained HTML report of a training run: the data set, the candidates
    with their CV spread, the registry decision, every diagnostic figure of the
    champion, its errors per class (or target range) and what it reads. plotly.js is
    inlined once, so the page needs no network to draw its interactive figures."""
    champion = candidate_comparison.iloc[0]
    task, target = feature_spec["task"], feature_spec["target"]
    data_facts = [
        ("Source", source),
        ("Labelled rows", f"{feature_spec['rows']:,}"),
        ("Task", f"{task} on '{target}'"),
    ]
    if feature_spec.get("classes"):
        data_facts.append(
            ("Classes", ", ".join(str(label) for label in feature_spec["classes"]))
        )
    registered = promotion_decision["register"]
    return TEMPLATE.render(
        title=f"Training report: {source}",
        subtitle=f"{task} on '{target}' · champion {champion['family']}, test "
        f"{metric} {champion[f'test_{metric}']:.{DECIMALS}f}",
        plotly_js=get_plotlyjs(),
        data_facts=data_facts,
        metric=metric,
        direction="lower" if metric in LOWER_IS_BETTER else "higher",
        candidates=_candidate_rows(candidate_comparison, metric),
        champion=champion["family"],
        alias=promotion_decision["alias"] if registered else "",
        registry_outcome=f"Registered as {promotion_decision['alias']}"
        if registered
        else "Not registered",
        reason=promotion_decision["reason"],
        diagnostics=list(diagnostics),
        figures={
            **{name: _html(figure) for name, figure in diagnostics.items()},
            "cv_spread": _html(cv_spread),
            "feature_importance": _html(feature_importance),
        },
        breakdown_title="Per class"
        if task != "regression"
        else "Per range of the actual value",
        breakdown=breakdown.round(DECIMALS).to_html(index=False, border=0),
    )
