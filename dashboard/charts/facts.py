"""Charts of contextual facts against the national figure and the target."""

from collections import defaultdict

from dashboard.charts.base import (
    ERA_AXIS,
    PERFORMANCE_METRICS,
    SERIES_COLOURS,
    Chart,
    LegendEntry,
    figure,
    plain_layout,
    trace,
    wrap_label,
)


def facts_against_comparators(inspection, facts):
    """Each percentage fact as a dot, with the England and Wales figure and the target.

    The provider's dot is drawn last and smaller, over an open diamond for England and Wales, so an
    equal value shows both; the legend sits above the plot, clear of the axis title below it."""
    facts = [fact for fact in facts if fact.unit == "%" and fact.value is not None and (fact.national_value is not None or fact.target_value is not None)]  # fmt: skip
    if not facts:
        return None
    labels = [wrap_label(fact.metric.name, 22) for fact in facts]
    series = [
        ("Target", [f.target_value for f in facts], "line-ns-open", "#0b0c0c", 18),
        ("England and Wales", [f.national_value for f in facts], "diamond-open", "#505a5f", 18),
        (inspection.provider.name, [f.value for f in facts], "circle", "#1d70b8", 11),
    ]
    dots = [
        trace(
            "scatter",
            name=name,
            y=labels,
            x=[float(v) if v is not None else None for v in values],
            mode="markers",
            marker={"symbol": symbol, "size": size, "color": colour, "line": {"width": 2, "color": colour}},
            hovertemplate="%{y}: %{x}% (" + name + ")<extra></extra>",
        )
        for name, values, symbol, colour, size in series
    ]
    layout = plain_layout(
        xaxis={"range": [0, 100], "tickvals": [25, 50, 75, 100], "title": {"text": "Per cent"}, "fixedrange": True},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "reversed"},
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
    )
    below = [f for f in facts if f.target_value is not None and f.value < f.target_value]
    summary = (
        f"{len(facts)} performance figures with a national comparison; "
        f"{len(below)} {'is' if len(below) == 1 else 'are'} below target."
    )
    return Chart(
        id="facts-against-national",
        title=inspection.chart_title("performance figures against England and Wales and the target"),
        summary=summary,
        figure=figure(dots, layout),
        headers=["Measure", inspection.provider.name, "England and Wales", "Target", "Period"],
        rows=[[f.metric.name, f.value_display, f.national_text or "-", f.target_text or "-", f.period] for f in facts],
        height=170 + 80 * len(facts),
    )


# What a provider's figure is set beside over time: (fact attribute, label, marker symbol, size, line width).
COMPARATOR_MARKERS = (
    ("national_value", "England and Wales", "diamond-open", 12, 2),
    ("target_value", "target", "line-ew-open", 18, 3),
)


def facts_over_time(provider, inspections):
    """Percentage facts over time, each with the England and Wales figure and target where given."""
    series = defaultdict(list)
    for inspection in inspections:
        if not inspection.report.published:
            continue
        for fact in inspection.facts.all():
            if fact.metric.slug in PERFORMANCE_METRICS and fact.value is not None:
                series[fact.metric].append((inspection.report.published, fact))
    if not series:
        return None
    traces, rows, legend = [], [], []
    for index, (metric, points) in enumerate(sorted(series.items(), key=lambda item: item[0].position)):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        points.sort(key=lambda point: point[0])
        traces += metric_traces(metric, points, colour)
        legend += metric_legend(metric, points, colour)
        for date, fact in points:
            rows.append(
                [
                    date.strftime("%B %Y"),
                    metric.name,
                    fact.value_display,
                    fact.national_text or "-",
                    fact.target_text or "-",
                ]
            )
    layout = plain_layout(
        # No "0" tick: it would sit in the corner on top of the first year.
        yaxis={"range": [0, 100], "tickvals": [25, 50, 75, 100], "title": {"text": "Per cent"}},
        xaxis=ERA_AXIS,
        showlegend=False,
    )
    return Chart(
        id="facts-over-time",
        title=f"{provider.name}: performance figures at each inspection",
        summary=f"{len(rows)} performance figures across {len({r[0] for r in rows})} inspections, with England and Wales figures and targets where the report gives them.",
        figure=figure(traces, layout),
        headers=["Published", "Measure", "Value", "England and Wales", "Target"],
        rows=rows,
        height=380,
        legend=legend,
    )


def metric_traces(metric, points, colour):
    """One measure's line over time, and its comparators (England and Wales, target) as markers
    where the reports give them."""
    traces = [
        trace(
            "scatter",
            name=metric.name,
            x=[date.isoformat() for date, _fact in points],
            y=[float(f.value) for _d, f in points],
            mode="lines+markers",
            marker={"color": colour, "size": 9},
            line={"color": colour},
            hovertemplate="%{x|%B %Y}: %{y}%<extra>" + metric.name + "</extra>",
        )
    ]
    for attribute, label, symbol, size, width in COMPARATOR_MARKERS:
        compared = [(d, f) for d, f in points if getattr(f, attribute) is not None]
        if compared:
            traces.append(
                trace(
                    "scatter",
                    name=f"{metric.name}: {label}",
                    x=[d.isoformat() for d, _f in compared],
                    y=[float(getattr(f, attribute)) for _d, f in compared],
                    mode="markers",
                    marker={"symbol": symbol, "size": size, "color": colour, "line": {"width": width}},
                    hovertemplate="%{x|%B %Y}: %{y}% (" + label + ")<extra></extra>",
                )
            )
    return traces


def metric_legend(metric, points, colour):
    """The HTML key's entries for one measure: its line, and its comparators where drawn."""
    legend = [LegendEntry(metric.name, colour, "line")]
    if any(f.national_value is not None for _d, f in points):
        legend.append(LegendEntry(f"{metric.name}: England and Wales", colour, "diamond-open"))
    if any(f.target_value is not None for _d, f in points):
        legend.append(LegendEntry(f"{metric.name}: target", colour, "dash"))
    return legend
