"""Charts of key-question scores against the rule's bands."""

from dashboard.charts.base import SERIES_COLOURS, Chart, figure, plain_layout, trace, wrap_label


def key_question_scores(chart_id, title, scores, summary_subject, bands=()):
    """Horizontal bars of key-question scores against the 50/65/80% band lines."""
    labels = [wrap_label(score.key_question.text, 26) for score in scores]
    bars = trace(
        "bar",
        y=labels,
        x=[float(score.percent) for score in scores],
        orientation="h",
        marker={"color": "#1d70b8"},
        text=[f"{score.percent.normalize():f}%" for score in scores],
        textposition="outside",
        hovertemplate="%{y}: %{x}%<extra></extra>",
    )
    shapes, annotations = band_lines(bands)
    layout = plain_layout(
        xaxis={"range": [0, 105], "title": {"text": "% judged sufficient"}, "fixedrange": True},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
        shapes=shapes,
        annotations=annotations,
        showlegend=False,
        margin={"l": 10, "r": 30, "t": 30, "b": 40},
    )
    lowest = min(scores, key=lambda score: score.percent)
    summary = (
        f"{summary_subject}: the lowest of {len(scores)} key-question scores is "
        f"{lowest.percent.normalize():f}% ('{lowest.key_question.text}')."
    )
    rows = [
        [score.key_question.text, f"{score.percent.normalize():f}%", score.cases_total or "not stated"]
        for score in scores
    ]
    headers = ["Key question", "% judged sufficient", "Cases"]
    height = 110 + 64 * len(scores)
    return Chart(chart_id, title, summary, figure([bars], layout), headers, rows, note=band_note(bands), height=height)


def band_lines(bands):
    """Dashed lines at the framework's key-question band edges (none for a framework without)."""
    shapes, annotations = [], []
    for minimum, label in bands:
        if float(minimum) <= 0:
            continue
        shapes.append(
            {
                "type": "line",
                "x0": minimum,
                "x1": minimum,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#505a5f", "width": 1, "dash": "dash"},
            }  # fmt: skip
        )
        annotations.append(
            {
                "x": minimum,
                "yref": "paper",
                "y": 1.0,
                "text": f"{minimum}%",
                "hovertext": f"{minimum}% or more: {label}",
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 11, "color": "#505a5f"},
            }  # fmt: skip
        )
    return shapes, annotations


def band_note(bands):
    edges = [f"{label} from {minimum}%" for minimum, label in bands if float(minimum) > 0]
    return f"Dashed lines mark the rule's bands: {', '.join(edges)} (see About the data)." if edges else ""


def standard_scores_dot_plot(standard, scores_by_inspection, bands=()):
    """Each provider's key-question scores on one standard, side by side."""
    inspections = list(scores_by_inspection)
    if not inspections:
        return None
    traces = []
    symbols = ["circle", "diamond", "square", "triangle-up", "x", "star", "cross", "hexagon"]
    questions = list(standard.key_questions.all())
    for index, question in enumerate(questions):
        xs, ys = [], []
        for inspection in inspections:
            score = scores_by_inspection[inspection].get(question.pk)
            if score is not None:
                xs.append(float(score.percent))
                ys.append(str(inspection))
        traces.append(
            trace(
                "scatter",
                name=question.text,
                x=xs,
                y=ys,
                mode="markers",
                marker={"symbol": symbols[index % len(symbols)], "size": 12},
                hovertemplate="%{y}: %{x}%<extra>" + question.code + "</extra>",
            )  # fmt: skip
        )
    shapes, annotations = band_lines(bands)
    layout = plain_layout(
        xaxis={"range": [0, 105], "title": {"text": "% of sampled cases judged sufficient"}},
        yaxis={"automargin": True},
        shapes=shapes,
        annotations=annotations,
        legend={"orientation": "h", "yanchor": "top", "y": -0.15},
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
    )
    rows = []
    for inspection in inspections:
        scores = scores_by_inspection[inspection]
        rows.append(
            [str(inspection)]
            + [f"{scores[q.pk].percent.normalize():f}%" if q.pk in scores else "not recorded" for q in questions]
        )
    return Chart(
        id="key-question-scores",
        title=f"Key-question scores on {standard.code} {standard.name}, by inspection",
        summary=f"Key-question scores are recorded for {len(inspections)} inspections on {standard.code} {standard.name}.",
        figure=figure(traces, layout),
        note=band_note(bands),
        headers=["Inspection", *(q.text for q in questions)],
        rows=rows,
        height=200 + 40 * len(inspections),
    )


def compare_scores(inspections):
    """Grouped bars of key-question scores for the compared inspections that have them."""
    bars = []
    questions = {}
    for inspection in inspections:
        for score in inspection.scores.all():
            questions.setdefault(score.key_question.code, score.key_question)
    codes = sorted(questions)
    for inspection in inspections:
        by_code = {score.key_question.code: score for score in inspection.scores.all()}
        bars.append(
            trace(
                "bar",
                name=wrap_label(str(inspection), 40),
                y=[wrap_label(questions[code].text, 24) for code in codes],
                x=[float(by_code[code].percent) if code in by_code else None for code in codes],
                orientation="h",
                marker={"color": SERIES_COLOURS[len(bars) % len(SERIES_COLOURS)]},
                hovertemplate="%{y}: %{x}%<extra>%{fullData.name}</extra>",
            )
        )
    # Horizontal bars: long key-question texts read level, never rotated; the legend sits above.
    layout = plain_layout(
        barmode="group",
        xaxis={"range": [0, 100], "title": {"text": "% of sampled cases judged sufficient"}, "fixedrange": True},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return Chart(
        id="compare-scores",
        title="Key-question scores side by side: " + "; ".join(str(i) for i in inspections),
        summary=f"Case-sample scores of {len(inspections)} inspections on {len(codes)} key questions.",
        figure=figure(bars, layout),
        headers=["Key question", *(str(i) for i in inspections)],
        rows=[
            [
                questions[code].text,
                *(
                    next(
                        (f"{s.percent.normalize():f}%" for s in i.scores.all() if s.key_question.code == code),
                        "not recorded",
                    )
                    for i in inspections
                ),
            ]
            for code in codes
        ],
        height=180 + (24 + 16 * len(inspections)) * len(codes),
    )
