"""Chart figures built in Python as plotly's JSON (plain data, validated by plotly in the tests),
passed to the page and drawn by static/js/charts.js. Every chart carries a one-sentence summary and its data as a table, so it
reads without JavaScript and with a screen reader.

`base` holds what every chart shares; `ratings`, `scores` and `facts` build the figures of each
kind of value. Pages import the builders from here.
"""

from dashboard.charts.base import NOT_RECORDED, RATING_COLOURS, Chart, figure, trace, wrap_label
from dashboard.charts.facts import facts_against_comparators, facts_over_time
from dashboard.charts.ratings import (
    compare_ratings,
    drilldown_sunburst,
    owner_comparison,
    rating_bar,
    rating_distribution,
    rating_timeline,
)
from dashboard.charts.scores import band_lines, band_note, compare_scores, key_question_scores, standard_scores_dot_plot

__all__ = [
    "NOT_RECORDED",
    "RATING_COLOURS",
    "Chart",
    "figure",
    "trace",
    "wrap_label",
    "compare_ratings",
    "drilldown_sunburst",
    "owner_comparison",
    "rating_bar",
    "rating_distribution",
    "rating_timeline",
    "band_lines",
    "band_note",
    "compare_scores",
    "key_question_scores",
    "standard_scores_dot_plot",
    "facts_against_comparators",
    "facts_over_time",
]
