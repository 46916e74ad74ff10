"""What every chart shares: the rating palette, fonts, the Chart record and layout helpers.

Figures are plain data in plotly's JSON form (`figure`, `trace`), not plotly objects: building and
validating plotly objects was most of a chart's cost on every cold page. tests/test_charts.py
validates every kind of figure with plotly itself, so a misspelt property still fails a test.
"""

from dataclasses import dataclass, field

from inspections.rules import Rating

RATING_COLOURS = {
    Rating.OUTSTANDING: "#00703c",
    Rating.GOOD: "#1d70b8",
    Rating.REQUIRES_IMPROVEMENT: "#8f4e00",
    Rating.INADEQUATE: "#b10e1e",
    None: "#ffffff",
}
NOT_RECORDED = "not recorded"
# Patterns repeat the rating in each bar so colour never carries it alone.
RATING_PATTERNS = {Rating.OUTSTANDING: "", Rating.GOOD: ".", Rating.REQUIRES_IMPROVEMENT: "/", Rating.INADEQUATE: "x"}
# The performance measures reports set against England and Wales and a target.
PERFORMANCE_METRICS = {"proven-reoffending", "order-completions", "licence-compliance", "unpaid-work-completions"}
SERIES_COLOURS = ["#1d70b8", "#00703c", "#8f4e00", "#4c2c92", "#b10e1e", "#0b0c0c"]
# Every time axis spans the era of the CRCs, so one point is not stretched into hours.
ERA_AXIS = {
    "type": "date",
    "range": ["2016-01-01", "2021-12-31"],
    "dtick": "M12",
    "tickformat": "%Y",
    "automargin": True,
}
FONT = {"family": "system-ui, -apple-system, Segoe UI, Arial, sans-serif", "size": 13, "color": "#0b0c0c"}


@dataclass
class Chart:
    id: str
    title: str
    summary: str
    figure: dict
    headers: list
    rows: list
    source: str = "HM Inspectorate of Probation reports and press releases, as cited on each inspection page."
    height: int = 360
    note: str = ""
    links: list = field(default_factory=list)
    # A key drawn in HTML under the chart, for charts with more series than a plotly legend can
    # lay out at phone width: [LegendEntry], each shown as a small SVG swatch and its label.
    legend: list = field(default_factory=list)


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    shape: str = "circle"  # circle, line (line and dot), diamond-open, dash, square, circle-open


# The rating palette as a key, for charts whose plotly figure has no legend of its own.
RATING_KEY = [
    *(LegendEntry(rating.label, RATING_COLOURS[rating], "square") for rating in reversed(Rating)),
    LegendEntry(NOT_RECORDED, "#ffffff", "square"),
]


def trace(kind, **properties):
    """One plotly trace ("bar", "scatter", "sunburst") as plain data."""
    return {"type": kind, **properties}


def figure(traces, layout):
    """A figure as plotly.js draws it: no default template (it adds ~8 KB to every figure)."""
    return {"data": list(traces), "layout": layout}


def plain_layout(**layout):
    base = {
        "font": FONT,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.18},
        "hoverlabel": {"font": FONT},
    }
    base.update((name, value) for name, value in layout.items() if value != [])  # plotly drops empty lists
    for axis in ("xaxis", "yaxis"):
        # Room for tick labels, whatever their length.
        # No zero line: on a rating scale 0 is Inadequate, not a baseline.
        base[axis] = {"automargin": True, "zeroline": False, **base.get(axis, {})}
    return base


def wrap_label(text, width=20):
    """Break a long axis label over lines so charts stay readable at phone width."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)
