"""Chart figures built in Python with plotly, passed to the page as JSON and drawn by
static/js/charts.js. Every chart carries a one-sentence summary and its data as a table, so it
reads without JavaScript and with a screen reader."""

from collections import defaultdict
from dataclasses import dataclass, field

from plotly import graph_objects as go

from inspections.rules import Rating

# Text on each colour passes WCAG AA (4.5:1); each colour passes 3:1 against white.
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


def plain_layout(**layout):
    base = {
        "template": None,
        "font": FONT,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.18},
        "hoverlabel": {"font": FONT},
    }
    base.update(layout)
    for axis in ("xaxis", "yaxis"):
        # Room for tick labels, whatever their length.
        base[axis] = {"automargin": True, **base.get(axis, {})}
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


def figure_json(figure):
    data = figure.to_plotly_json()
    # The default template adds ~8 KB to every figure; a plain layout needs none.
    data["layout"].pop("template", None)
    return data


def rating_bar(rating, categories, counts):
    """One rating's horizontal stacked-bar segment: its colour, a pattern, and its name in the hover."""
    return go.Bar(
        name=Rating.label_of(rating, NOT_RECORDED),
        y=categories,
        x=counts,
        orientation="h",
        marker={
            "color": RATING_COLOURS[rating],
            "line": {"color": "#505a5f", "width": 1},
            "pattern": {
                "shape": RATING_PATTERNS.get(rating, ""),
                "fillmode": "overlay",
                "fgcolor": "#ffffff" if rating is not None else "#505a5f",
                "fgopacity": 0.6,
                "size": 6,
            },
        },
        hovertemplate="%{y}: %{x} " + Rating.label_of(rating, NOT_RECORDED) + "<extra></extra>",
    )


def rating_distribution(chart_id, title, standards, counts, total_by_standard, summary_scope):
    """Stacked horizontal bars: for each standard, how many providers got each rating.

    `counts` maps (standard code, rating) -> n; `total_by_standard` maps code -> inspections it
    applies to, so the remainder is shown as "not recorded".
    """
    labels = [wrap_label(f"{standard.code} {standard.name}") for standard in standards]
    figure = go.Figure()
    rows = []
    for rating in [*reversed(Rating), None]:
        values = []
        for standard in standards:
            if rating is None:
                recorded = sum(counts.get((standard.code, r), 0) for r in Rating)
                values.append(total_by_standard.get(standard.code, 0) - recorded)
            else:
                values.append(counts.get((standard.code, rating), 0))
        figure.add_trace(rating_bar(rating, labels, values))
    for standard in standards:
        recorded = [counts.get((standard.code, r), 0) for r in reversed(Rating)]
        missing = total_by_standard.get(standard.code, 0) - sum(recorded)
        rows.append([f"{standard.code} {standard.name}", *recorded, missing])
    figure.update_layout(
        plain_layout(
            barmode="stack",
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"title": {"text": ""}},
        )
    )
    recorded_total = sum(counts.values())
    possible = sum(total_by_standard.values())
    inadequate = sum(count for (code, rating), count in counts.items() if rating == Rating.INADEQUATE)
    summary = (
        f"Across {summary_scope}, {recorded_total} of {possible} standard ratings are recorded; "
        f"{inadequate} of them are Inadequate."
    )
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        figure=figure_json(figure),
        headers=["Standard", *(r.label for r in reversed(Rating)), "Not recorded"],
        rows=rows,
        height=200 + 40 * len(standards),
    )


def rating_timeline(inspections):
    """Overall rating of each inspection over time (rated inspections with a publication date)."""
    points = [i for i in inspections if i.report.published and i.report.framework.has_four_point_ratings]
    figure = go.Figure(
        go.Scatter(
            x=[i.report.published.isoformat() for i in points],
            y=[i.overall_rating for i in points],
            mode="lines+markers+text",
            text=[Rating.label_of(i.overall_rating, NOT_RECORDED) for i in points],
            textposition="top center",
            marker={
                "size": 12,
                "color": [RATING_COLOURS[i.overall] if i.overall is not None else "#ffffff" for i in points],
                "line": {"color": "#0b0c0c", "width": 1},
            },  # fmt: skip
            line={"color": "#505a5f", "dash": "dot"},
            hovertemplate="%{x|%B %Y}: %{text}<extra></extra>",
            connectgaps=False,
        )
    )
    figure.update_layout(
        plain_layout(
            yaxis={
                "range": [-0.5, 3.7],
                "tickvals": [0, 1, 2, 3],
                "ticktext": [r.label for r in Rating],
                "automargin": True,
            },
            xaxis=ERA_AXIS,
            showlegend=False,
        )
    )
    rated = [i for i in points if i.overall_rating is not None]
    if len(rated) >= 2:
        first, last = rated[0], rated[-1]
        change = "improved" if last.overall_rating > first.overall_rating else (
            "fell" if last.overall_rating < first.overall_rating else "stayed the same")  # fmt: skip
        summary = (
            f"The overall rating {change}: {first.overall.label} ({first.report.published_text}) to "
            f"{last.overall.label} ({last.report.published_text})."
        )
    elif rated:
        summary = f"One overall rating is recorded: {rated[0].overall.label} ({rated[0].report.published_text})."
    else:
        summary = "No overall rating is recorded for this provider."
    return Chart(
        id="overall-over-time",
        title="Overall rating at each inspection",
        summary=summary,
        figure=figure_json(figure),
        headers=["Published", "Overall rating"],
        rows=[[i.report.published_text, Rating.label_of(i.overall_rating, NOT_RECORDED)] for i in points],
        height=300,
    )


def key_question_scores(chart_id, title, scores, summary_subject, bands=()):
    """Horizontal bars of key-question scores against the 50/65/80% band lines."""
    labels = [score.key_question.text for score in scores]
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=[float(score.percent) for score in scores],
            orientation="h",
            marker={"color": "#1d70b8"},
            text=[f"{score.percent.normalize():f}%" for score in scores],
            textposition="outside",
            hovertemplate="%{y}: %{x}%<extra></extra>",
        )
    )
    shapes, annotations = band_lines(bands)
    figure.update_layout(
        plain_layout(
            xaxis={"range": [0, 105], "title": {"text": "% of sampled cases judged sufficient"}},
            yaxis={"autorange": "reversed", "automargin": True},
            shapes=shapes,
            annotations=annotations,
            showlegend=False,
            margin={"l": 10, "r": 30, "t": 30, "b": 40},
        )
    )
    lowest = min(scores, key=lambda score: score.percent)
    summary = (
        f"{summary_subject}: the lowest of {len(scores)} key-question scores is "
        f"{lowest.percent.normalize():f}% ('{lowest.key_question.text}')."
    )
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        figure=figure_json(figure),
        note=band_note(bands),
        headers=["Key question", "% judged sufficient", "Cases"],
        rows=[
            [score.key_question.text, f"{score.percent.normalize():f}%", score.cases_total or "not stated"]
            for score in scores
        ],
        height=110 + 48 * len(scores),
    )


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


def facts_against_comparators(facts):
    """Each percentage fact as a dot, with the England and Wales figure and the target."""
    facts = [fact for fact in facts if fact.unit == "%" and fact.value is not None and (fact.national_value is not None or fact.target_value is not None)]  # fmt: skip
    if not facts:
        return None
    labels = [fact.metric.name for fact in facts]
    figure = go.Figure()
    series = [
        ("This provider", [f.value for f in facts], "circle", "#1d70b8"),
        ("England and Wales", [f.national_value for f in facts], "diamond", "#505a5f"),
        ("Target", [f.target_value for f in facts], "line-ns-open", "#0b0c0c"),
    ]
    for name, values, symbol, colour in series:
        figure.add_trace(
            go.Scatter(
                name=name,
                y=labels,
                x=[float(v) if v is not None else None for v in values],
                mode="markers",
                marker={"symbol": symbol, "size": 14, "color": colour, "line": {"width": 2, "color": colour}},
                hovertemplate="%{y}: %{x}% (" + name + ")<extra></extra>",
            )
        )
    figure.update_layout(
        plain_layout(
            xaxis={"range": [0, 100], "title": {"text": "%"}},
            yaxis={"autorange": "reversed", "automargin": True},
        )
    )
    below = [f for f in facts if f.target_value is not None and f.value < f.target_value]
    summary = (
        f"{len(facts)} performance figures with a national comparison; "
        f"{len(below)} {'is' if len(below) == 1 else 'are'} below target."
    )
    return Chart(
        id="facts-against-national",
        title="Performance figures against England and Wales and the target",
        summary=summary,
        figure=figure_json(figure),
        headers=["Measure", "This provider", "England and Wales", "Target", "Period"],
        rows=[[f.metric.name, f.value_display, f.national_text or "-", f.target_text or "-", f.period] for f in facts],
        height=120 + 50 * len(facts),
    )


def drilldown_sunburst(inspection, standards_by_domain, ratings, url_for_standard):
    """Overall -> domain -> standard; each standard segment links to its section."""
    root = f"Overall: {Rating.label_of(inspection.overall_rating, NOT_RECORDED)}"
    ids, labels, parents, colours, links, hover = (
        ["overall"],
        [root],
        [""],
        [RATING_COLOURS[inspection.overall]],
        [""],
        [root],
    )
    for domain, standards in standards_by_domain:
        domain_id = f"domain-{domain.code}"
        ids.append(domain_id)
        labels.append(f"{domain.code}. {domain.name}")
        parents.append("overall")
        colours.append("#f3f2f1")
        links.append("")
        hover.append(domain.name)
        for standard in standards:
            rating = ratings.get(standard.code)
            ids.append(f"standard-{standard.code}")
            labels.append(f"{standard.code} {standard.name}")
            parents.append(domain_id)
            colours.append(RATING_COLOURS[Rating(rating) if rating is not None else None])
            links.append(url_for_standard(standard))
            hover.append(f"{standard.code} {standard.name}: {Rating.label_of(rating, NOT_RECORDED)}")
    figure = go.Figure(
        go.Sunburst(
            ids=ids,
            labels=labels,
            parents=parents,
            marker={"colors": colours, "line": {"color": "#0b0c0c", "width": 1}},
            leaf={"opacity": 1},
            insidetextfont={
                "color": ["#0b0c0c" if colour in ("#f3f2f1", "#ffffff") else "#ffffff" for colour in colours]
            },
            customdata=links,
            hovertext=hover,
            hoverinfo="text",
            insidetextorientation="radial",
            maxdepth=3,
        )
    )
    figure.update_layout(plain_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}))
    rows = []
    for domain, standards in standards_by_domain:
        for standard in standards:
            rows.append(
                [
                    f"{domain.code}. {domain.name}",
                    f"{standard.code} {standard.name}",
                    Rating.label_of(ratings.get(standard.code), NOT_RECORDED),
                ]
            )
    recorded = sum(1 for row in rows if row[2] != NOT_RECORDED)
    return Chart(
        id="drilldown",
        title="From the overall rating to each standard",
        summary=f"Overall {Rating.label_of(inspection.overall_rating, NOT_RECORDED)}; {recorded} of {len(rows)} standard ratings recorded. Select a standard to open it.",
        figure=figure_json(figure),
        headers=["Domain", "Standard", "Published rating"],
        rows=rows,
        height=420,
        links=[url_for_standard(s) for _domain, standards in standards_by_domain for s in standards],
    )


def compare_ratings(inspections, standards, ratings_by_inspection):
    """Grouped bars of each compared inspection's rating per standard (0-3 on the scale)."""
    figure = go.Figure()
    for inspection in inspections:
        values = [ratings_by_inspection[inspection.pk].get(standard.code) for standard in standards]
        figure.add_trace(
            go.Bar(
                name=wrap_label(str(inspection), 36),
                x=[standard.code for standard in standards],
                y=[(v + 1) if v is not None else None for v in values],
                text=[Rating.label_of(v, NOT_RECORDED) for v in values],
                hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        plain_layout(
            barmode="group",
            yaxis={
                "tickvals": [1, 2, 3, 4],
                "ticktext": [r.label for r in Rating],
                "range": [0, 4.3],
                "automargin": True,
            },
            xaxis={"title": {"text": "Standard"}, "type": "category"},
        )
    )
    return Chart(
        id="compare-ratings",
        title="Standard ratings side by side",
        summary=f"Ratings of {len(inspections)} inspections on each standard; a missing bar is a rating not recorded.",
        figure=figure_json(figure),
        headers=["Standard", *(str(i) for i in inspections)],
        rows=[
            [
                f"{s.code} {s.name}",
                *(Rating.label_of(ratings_by_inspection[i.pk].get(s.code), NOT_RECORDED) for i in inspections),
            ]
            for s in standards
        ],
    )


def owner_comparison(owner_rows):
    """Stacked horizontal bars of overall ratings per owner group (latest inspection of each provider)."""
    figure = go.Figure()
    names = [wrap_label(row["owner"].name) for row in owner_rows]
    for rating in [*reversed(Rating), None]:
        key = rating.value if rating is not None else None
        figure.add_trace(rating_bar(rating, names, [row["counts"].get(key, 0) for row in owner_rows]))
    figure.update_layout(plain_layout(barmode="stack", yaxis={"autorange": "reversed"}))
    good = [
        row["owner"].name
        for row in owner_rows
        if row["counts"].get(Rating.GOOD.value) or row["counts"].get(Rating.OUTSTANDING.value)
    ]
    return Chart(
        id="owner-comparison",
        title="Overall rating at the latest inspection, by owner group (number of providers)",
        summary=(
            f"{len(owner_rows)} owner groups; providers rated Good or better at their latest inspection are owned by: "
            f"{', '.join(good) if good else 'none'}."
        ),
        figure=figure_json(figure),
        headers=["Owner group", *(r.label for r in reversed(Rating)), "Not recorded"],
        rows=[
            [row["owner"].name, *(row["counts"].get(r.value, 0) for r in reversed(Rating)), row["counts"].get(None, 0)]
            for row in owner_rows
        ],
        height=200 + 44 * len(owner_rows),
    )


def standard_scores_dot_plot(standard, scores_by_inspection, bands=()):
    """Each provider's key-question scores on one standard, side by side."""
    inspections = list(scores_by_inspection)
    if not inspections:
        return None
    figure = go.Figure()
    symbols = ["circle", "diamond", "square", "triangle-up", "x", "star", "cross", "hexagon"]
    questions = list(standard.key_questions.all())
    for index, question in enumerate(questions):
        xs, ys = [], []
        for inspection in inspections:
            score = scores_by_inspection[inspection].get(question.pk)
            if score is not None:
                xs.append(float(score.percent))
                ys.append(str(inspection))
        figure.add_trace(
            go.Scatter(
                name=question.text,
                x=xs,
                y=ys,
                mode="markers",
                marker={"symbol": symbols[index % len(symbols)], "size": 12},
                hovertemplate="%{y}: %{x}%<extra>" + question.code + "</extra>",
            )  # fmt: skip
        )
    shapes, annotations = band_lines(bands)
    figure.update_layout(
        plain_layout(
            xaxis={"range": [0, 105], "title": {"text": "% of sampled cases judged sufficient"}},
            yaxis={"automargin": True},
            shapes=shapes,
            annotations=annotations,
            legend={"orientation": "h", "yanchor": "top", "y": -0.15},
            margin={"l": 10, "r": 10, "t": 30, "b": 40},
        )
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
        figure=figure_json(figure),
        note=band_note(bands),
        headers=["Inspection", *(q.text for q in questions)],
        rows=rows,
        height=200 + 40 * len(inspections),
    )


def facts_over_time(inspections):
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
    figure = go.Figure()
    rows = []
    for index, (metric, points) in enumerate(sorted(series.items(), key=lambda item: item[0].position)):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        points.sort(key=lambda point: point[0])
        dates = [date.isoformat() for date, _fact in points]
        figure.add_trace(
            go.Scatter(
                name=metric.name,
                x=dates,
                y=[float(f.value) for _d, f in points],
                mode="lines+markers",
                marker={"color": colour, "size": 9},
                line={"color": colour},
                hovertemplate="%{x|%B %Y}: %{y}%<extra>" + metric.name + "</extra>",
            )  # fmt: skip
        )
        national = [(d, f) for d, f in points if f.national_value is not None]
        if national:
            figure.add_trace(
                go.Scatter(
                    name=f"{metric.name}: England and Wales",
                    x=[d.isoformat() for d, _f in national],
                    y=[float(f.national_value) for _d, f in national],
                    mode="markers",
                    marker={"symbol": "diamond-open", "size": 12, "color": colour, "line": {"width": 2}},
                    hovertemplate="%{x|%B %Y}: %{y}% (England and Wales)<extra></extra>",
                )  # fmt: skip
            )
        targets = [(d, f) for d, f in points if f.target_value is not None]
        if targets:
            figure.add_trace(
                go.Scatter(
                    name=f"{metric.name}: target",
                    x=[d.isoformat() for d, _f in targets],
                    y=[float(f.target_value) for _d, f in targets],
                    mode="markers",
                    marker={"symbol": "line-ew-open", "size": 18, "color": colour, "line": {"width": 3}},
                    hovertemplate="%{x|%B %Y}: %{y}% (target)<extra></extra>",
                )
            )
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
    figure.update_layout(
        plain_layout(
            yaxis={"range": [0, 100], "title": {"text": "%"}},
            xaxis=ERA_AXIS,
            legend={"orientation": "h", "y": -0.2},
        )
    )
    return Chart(
        id="facts-over-time",
        title="Performance figures over time",
        summary=f"{len(rows)} performance figures across {len({r[0] for r in rows})} inspections, with England and Wales figures and targets where the report gives them.",
        figure=figure_json(figure),
        headers=["Published", "Measure", "Value", "England and Wales", "Target"],
        rows=rows,
        height=420,
    )


def compare_scores(inspections):
    """Grouped bars of key-question scores for the compared inspections that have them."""
    figure = go.Figure()
    questions = {}
    for inspection in inspections:
        for score in inspection.scores.all():
            questions.setdefault(score.key_question.code, score.key_question)
    codes = sorted(questions)
    for inspection in inspections:
        by_code = {score.key_question.code: score for score in inspection.scores.all()}
        figure.add_trace(
            go.Bar(
                name=str(inspection),
                x=[questions[code].text for code in codes],
                y=[float(by_code[code].percent) if code in by_code else None for code in codes],
                hovertemplate="%{x}: %{y}%<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        plain_layout(
            barmode="group",
            yaxis={"range": [0, 100], "title": {"text": "% judged sufficient"}},
            xaxis={"automargin": True},
        )
    )
    return Chart(
        id="compare-scores",
        title="Key-question scores side by side",
        summary=f"Case-sample scores of {len(inspections)} inspections on {len(codes)} key questions.",
        figure=figure_json(figure),
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
        height=460,
    )
