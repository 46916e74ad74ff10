"""Charts fit their box at 1280, 760 and 375 px: no text of a chart overlaps another or spills out
of it, none is smaller than 11 px; every chart is drawn without scrolling (print, full-page
capture); an embed sizes its iframe to show title, chart, source and link, and survives a 304."""

import pytest
from django.urls import reverse

from inspections.models import Inspection
from tests.browser.test_journey import BrowserTestCase

pytestmark = pytest.mark.browser
WIDTHS = (1280, 760, 375)

# Every visible text element of every drawn chart, with its box and its size on screen.
CHART_TEXTS = """
() => Array.from(document.querySelectorAll('.chart[data-figure-id]')).map(chart => {
  const hidden = element => {
    for (let node = element; node && node !== chart; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.opacity) === 0) return true;
    }
    return false;
  };
  const texts = [];
  for (const element of chart.querySelectorAll('svg text')) {
    if (!element.textContent.trim() || hidden(element)) continue;
    if (element.closest('.hoverlayer')) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const matrix = element.getScreenCTM();
    const scale = matrix ? Math.hypot(matrix.a, matrix.b) : 1;
    texts.push({
      text: element.textContent.trim(), left: box.left, top: box.top, right: box.right, bottom: box.bottom,
      size: parseFloat(getComputedStyle(element).fontSize) * scale,
    });
  }
  const box = chart.getBoundingClientRect();
  return {id: chart.getAttribute('data-figure-id'), rendered: chart.getAttribute('data-rendered'),
          box: {left: box.left, top: box.top, right: box.right, bottom: box.bottom}, texts};
})
"""
TOLERANCE = 1


def overlap(a, b):
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > TOLERANCE
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > TOLERANCE
    )


def outside(text, box):
    return (
        text["left"] < box["left"] - TOLERANCE
        or text["right"] > box["right"] + TOLERANCE
        or text["top"] < box["top"] - TOLERANCE
        or text["bottom"] > box["bottom"] + TOLERANCE
    )


def layout_problems(charts):
    problems = []
    for chart in charts:
        texts = chart["texts"]
        for index, text in enumerate(texts):
            if text["size"] < 10.5:
                problems.append(f"{chart['id']}: {text['text']!r} is {text['size']:.1f} px")
            if outside(text, chart["box"]):
                problems.append(f"{chart['id']}: {text['text']!r} extends outside the chart")
            for other in texts[index + 1 :]:
                if overlap(text, other):
                    problems.append(f"{chart['id']}: {text['text']!r} overlaps {other['text']!r}")
    return problems


class ChartLayoutTests(BrowserTestCase):
    maxDiff = None

    def setUp(self):
        super().setUp()
        cgm = Inspection.objects.get(provider__slug="cheshire-greater-manchester-crc", report__published__year=2019)
        qi = Inspection.objects.get(provider__slug="cheshire-greater-manchester-crc", report__published__year=2017)
        other = Inspection.objects.get(provider__slug="west-yorkshire-crc", report__published__year=2020)
        self.pages = [
            "/",
            "/providers/cheshire-greater-manchester-crc/",
            "/providers/thames-valley-crc/",
            "/providers/west-yorkshire-crc/",
            cgm.get_absolute_url(),
            qi.get_absolute_url(),
            reverse("dashboard:inspection_standard", args=[qi.pk, "RR"]),
            "/standards/standards-2018/2.2/",
            "/owners/",
            f"/compare/?inspection={cgm.pk}&inspection={other.pk}",
            "/compare/?"
            + "&".join(f"inspection={pk}" for pk in Inspection.objects.rated().values_list("pk", flat=True)[:4]),
        ]

    def drawn_charts(self, path):
        """Open the page and wait, without scrolling, until every chart is drawn."""
        self.page.goto(self.live_server_url + path)
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.chart[data-figure-id]'))"
            ".every(chart => chart.getAttribute('data-rendered') === 'true')",
            timeout=15_000,
        )
        return self.page.evaluate(CHART_TEXTS)

    def test_no_chart_text_overlaps_or_spills_or_is_under_11_px(self):
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            for path in self.pages:
                with self.subTest(width=width, path=path):
                    charts = self.drawn_charts(path)
                    self.assertTrue(charts, f"{path} has no chart")
                    self.assertEqual(layout_problems(charts), [])
        self.assertEqual(self.console_errors, [])

    def test_charts_below_the_fold_are_drawn_without_scrolling(self):
        # Full-page captures and print never scroll a chart into view.
        inspection = Inspection.objects.get(
            provider__slug="cheshire-greater-manchester-crc", report__published__year=2019
        )
        charts = self.drawn_charts(inspection.get_absolute_url())
        self.assertGreaterEqual(len(charts), 2)
        self.assertTrue(all(chart["rendered"] == "true" for chart in charts))


class EmbedTests(BrowserTestCase):
    def embed_in_host_page(self, width, src):
        """A column of an article embedding a chart with the published snippet. The article is one
        of our own pages, with the snippet added to it (routing a made-up host would switch off the
        browser's cache, and with it the revalidation this checks)."""
        self.page.set_viewport_size({"width": width, "height": 900})
        self.page.goto(self.live_server_url + "/about/")
        self.page.evaluate(
            """src => {
                // Built through the DOM: the page's own CSP refuses style attributes in markup.
                const column = document.createElement('div');
                column.style.width = (window.innerWidth - 20) + 'px';
                const frame = document.createElement('iframe');
                Object.assign(frame, {src: src, title: 'chart', width: '100%', height: '300'});
                frame.style.border = '0';
                frame.setAttribute('data-crc-dashboard-embed', '');
                column.append(frame);
                document.body.prepend(column);
                const script = document.createElement('script');
                script.src = '/static/js/embed-host.js';
                document.body.append(script);
            }""",
            src,
        )

    def embedded_layout(self):
        frame = self.page.frame_locator("iframe")
        frame.locator(".chart[data-rendered=true]").wait_for(timeout=15_000)
        iframe = self.page.locator("iframe")
        # The embed posts its height; the host script sets the iframe's height to it.
        for _ in range(50):
            height = iframe.evaluate("e => e.getBoundingClientRect().height")
            content = frame.locator("html").evaluate("e => e.getBoundingClientRect().height")
            if abs(height - content) < 2:
                break
            self.page.wait_for_timeout(100)
        link_bottom = frame.locator(".embed-link").evaluate("e => e.getBoundingClientRect().bottom")
        source_bottom = frame.locator(".chart-source").evaluate("e => e.getBoundingClientRect().bottom")
        title = frame.locator(".chart-title").inner_text()
        return height, link_bottom, source_bottom, title

    def test_an_embed_fits_its_iframe_at_375_and_760_and_survives_revalidation(self):
        src = self.live_server_url + "/providers/cheshire-greater-manchester-crc/?embed=overall-over-time"
        conditional = []
        self.page.on(
            "requestfinished",
            lambda request: "embed=" in request.url and conditional.append("if-none-match" in request.all_headers()),
        )
        for width in (375, 760):
            with self.subTest(width=width):
                for attempt in ("first load", "revalidated"):
                    self.embed_in_host_page(width, src)
                    height, link_bottom, source_bottom, title = self.embedded_layout()
                    self.assertGreater(height, 300, attempt)  # grown from the snippet's height
                    self.assertLessEqual(link_bottom, height + 1, attempt)
                    self.assertLessEqual(source_bottom, height + 1, attempt)
                    self.assertIn("Cheshire & Greater Manchester CRC", title)
        # The second view of each asked "changed since?" (If-None-Match) and still rendered.
        self.assertEqual(conditional, [False, True, True, True])
        self.assertEqual(self.console_errors, [])
