"""Hostile and careless input is a 4xx or 503 with a message, never a 500 (issue 15)."""

import io
import xml.etree.ElementTree as ET
from unittest import mock

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError
from django.test import Client, RequestFactory, TestCase, override_settings
from django.urls import reverse

from dashboard.middleware import RequestBodyLimitMiddleware
from inspections.admin.guards import guard_every_admin
from inspections.models import Correction, Inspection, Metric
from inspections.search import highlighted
from inspections.text_guard import RefuseControlCharacters
from tests.base import CatalogueMixin, load_test_bundle

ATOM = "{http://www.w3.org/2005/Atom}"


class PaginationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_bad_pagination_values_are_a_400_that_names_the_parameter(self):
        for query in ("per_page=-1", "per_page=0", "per_page=abc", "per_page=1000000", "per_page=²",
                      "per_page=" + "9" * 30, "page=-1", "page=0", "page=" + "9" * 30):  # fmt: skip
            with self.subTest(query=query):
                response = self.client.get("/?" + query)
                self.assertEqual(response.status_code, 400)
                self.assertIn(query.split("=")[0].encode(), response.content)

    def test_good_pagination_values_still_work(self):
        self.assertEqual(self.client.get("/?per_page=10&page=2").status_code, 200)
        self.assertEqual(self.client.get("/?page=999").status_code, 200)  # past the end: the last page


class SuperuserTestCase(TestCase):
    """The test bundle, with a superuser signed in to the admin for every test."""

    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.superuser = User.objects.create_superuser("root", password="a long superuser password")

    def setUp(self):
        self.client.force_login(self.superuser)


class AdminFilterTests(SuperuserTestCase):
    def test_an_out_of_range_year_is_an_empty_list_with_a_message(self):
        url = reverse("admin:inspections_inspection_changelist")
        for year in ("0", "9" * 20, "-1", "²", "99999"):
            with self.subTest(year=year):
                response = self.client.get(url, {"year": year})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["cl"].result_count, 0)
                self.assertContains(response, "a year is a whole number from 1900 to 2999")

    def test_a_real_year_still_filters(self):
        response = self.client.get(reverse("admin:inspections_inspection_changelist"), {"year": "2019"})
        self.assertEqual(
            response.context["cl"].result_count, Inspection.objects.filter(report__published__year=2019).count()
        )

    def test_the_log_entry_and_correction_date_filters_refuse_impossible_dates(self):
        for url, field in (
            (reverse("admin:admin_logentry_changelist"), "action_time"),
            (reverse("admin:inspections_correction_changelist"), "made_at"),
        ):
            for part, value in (("year", "0"), ("year", "9" * 20), ("year", "9999"), ("month", "13"), ("day", "x")):
                with self.subTest(url=url, part=part, value=value):
                    query = {f"{field}__year": "2024", f"{field}__{part}": value}
                    response = self.client.get(url, query)
                    self.assertEqual(response.status_code, 400)
                    self.assertIn(f"{field}__{part} must be a whole number".encode(), response.content)
            self.assertEqual(self.client.get(url, {f"{field}__year": "2024"}).status_code, 200)


class ControlCharacterTests(SuperuserTestCase):
    def test_every_admin_form_and_inline_form_refuses_control_characters(self):
        from django.contrib import admin

        guard_every_admin(admin.site)  # idempotent: what admin.py does once
        for model_admin in admin.site._registry.values():
            with self.subTest(admin=type(model_admin).__name__):
                self.assertTrue(issubclass(model_admin.form, RefuseControlCharacters))
                for inline in model_admin.inlines:
                    self.assertTrue(issubclass(inline.form, RefuseControlCharacters))

    def test_a_control_character_in_an_admin_form_is_refused_with_a_message(self):
        response = self.client.post(
            reverse("admin:inspections_metric_add"),
            {"name": "Caseload\x02", "slug": "caseload-x", "unit": "", "description": "", "position": "0"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Remove the invisible control character U+0002")
        self.assertFalse(Metric.objects.filter(slug="caseload-x").exists())

    def test_tabs_and_new_lines_are_ordinary_text(self):
        response = self.client.post(
            reverse("admin:inspections_metric_add"),
            {"name": "Caseload", "slug": "caseload-y", "unit": "", "description": "a\tb\r\nc", "position": "0"},
        )
        self.assertEqual(response.status_code, 302)

    def make_correction(self, reason):
        inspection = Inspection.objects.first()
        return Correction.objects.create(
            inspection=inspection, inspection_label=f"{inspection}\x03", editor="root", reason=reason, changes="x"
        )

    def test_the_feed_stays_well_formed_xml_when_a_stored_correction_holds_a_control_character(self):
        self.make_correction("Report p.7\x02 says Good\x00".replace("\x00", "\x1b"))
        response = self.client.get(reverse("dashboard:feed"))
        self.assertEqual(response.status_code, 200)
        entries = ET.fromstring(response.content).findall(f"{ATOM}entry")  # raises if not well-formed
        self.assertIn("Report p.7 says Good", entries[0].find(f"{ATOM}summary").text)

    def test_a_superuser_can_fix_or_remove_such_a_correction(self):
        correction = self.make_correction("Bad\x02 reason")
        change = reverse("admin:inspections_correction_change", args=[correction.pk])
        self.assertEqual(self.client.get(change).status_code, 200)
        delete = reverse("admin:inspections_correction_delete", args=[correction.pk])
        self.assertEqual(self.client.get(delete).status_code, 200)
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 302)
        self.assertFalse(Correction.objects.filter(pk=correction.pk).exists())

    def test_search_highlights_stay_balanced_whatever_the_text_holds(self):
        self.assertEqual(highlighted("a \x02word\x03 b"), "a <mark>word</mark> b")
        for text in ("\x02 open only", "close only \x03", "\x02a \x02b\x03 c\x03", "x\x01y <b>"):
            with self.subTest(text=text):
                html = str(highlighted(text))
                self.assertEqual(html.count("<mark>"), html.count("</mark>"))
                self.assertNotRegex(html, "[\x00-\x08\x0b\x0c\x0e-\x1f]")
                self.assertNotIn("<b>", html)


class DownloadOutageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_a_download_during_a_database_outage_is_a_503_with_retry_after(self):
        outage = OperationalError("server closed the connection unexpectedly")
        # The middleware closes a broken connection; here the test's own must survive.
        with (
            mock.patch("inspections.datasets.Dataset.rows", side_effect=outage),
            mock.patch("dashboard.middleware.connection.close_if_unusable_or_obsolete"),
        ):
            for fmt in ("csv", "json"):
                with self.subTest(fmt=fmt):
                    response = self.client.get(reverse("dashboard:download", args=["inspections", fmt]))
                    self.assertEqual(response.status_code, 503)
                    self.assertEqual(response["Retry-After"], "10")

    def test_a_download_still_streams_every_row(self):
        response = self.client.get(reverse("dashboard:download", args=["inspections", "csv"]))
        lines = b"".join(response.streaming_content).decode().splitlines()
        self.assertEqual(len(lines) - 1, Inspection.objects.count())


@override_settings(MAX_REQUEST_BODY_BYTES=1000)
class RequestBodyLimitTests(TestCase):
    def test_a_declared_body_over_the_limit_is_refused_before_csrf_and_login(self):
        for path in ("/", reverse("admin:login"), "/api/v1/inspections/", "/no-such-page/"):
            with self.subTest(path=path):
                response = Client(enforce_csrf_checks=True).post(path, {"file": io.BytesIO(b"x" * 5000)})
                self.assertEqual(response.status_code, 413)
                self.assertIn(b"over the limit", response.content)

    def test_a_body_within_the_limit_goes_on_to_the_csrf_check(self):
        response = Client(enforce_csrf_checks=True).post(reverse("admin:login"), {"username": "x"})
        self.assertEqual(response.status_code, 403)

    def chunked_request(self, body):
        request = RequestFactory().post("/", content_type="application/octet-stream")
        request.META.pop("CONTENT_LENGTH")
        request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
        request.META["wsgi.input"] = io.BytesIO(body)
        return request

    def test_a_chunked_body_is_counted_as_it_is_read(self):
        seen = []
        middleware = RequestBodyLimitMiddleware(lambda request: seen.append(request.body) or "passed")
        self.assertEqual(middleware(self.chunked_request(b"x" * 5000)).status_code, 413)
        self.assertEqual(middleware(self.chunked_request(b"y" * 900)), "passed")
        self.assertEqual(seen, [b"y" * 900])

    def test_a_malformed_content_length_is_a_400(self):
        request = RequestFactory().post("/", data=b"", content_type="text/plain")
        request.META["CONTENT_LENGTH"] = "12abc"
        self.assertEqual(RequestBodyLimitMiddleware(lambda request: None)(request).status_code, 400)


class LogEntryPrivacyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = User.objects.create_user("editor", password="a long editor password", is_staff=True)
        cls.editor.groups.add(Group.objects.get(name="Editors"))
        cls.other = User.objects.create_user("another-editor-name", password="a long editor password", is_staff=True)
        cls.root = User.objects.create_superuser("root", password="a long superuser password")
        content_type = ContentType.objects.get_for_model(Metric)
        for user in (cls.editor, cls.other):
            LogEntry.objects.create(
                user=user, content_type=content_type, object_id="1", object_repr="x", action_flag=CHANGE
            )

    def test_editors_see_only_their_own_log_entries(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("admin:admin_logentry_changelist"))
        self.assertEqual(response.context["cl"].result_count, 1)
        self.assertNotContains(response, "another-editor-name")

    def test_superusers_see_every_log_entry(self):
        self.client.force_login(self.root)
        response = self.client.get(reverse("admin:admin_logentry_changelist"))
        self.assertEqual(response.context["cl"].result_count, 2)


class AdminChangelistFuzzTests(CatalogueMixin, TestCase):
    """Every admin list's filters and date hierarchy, given hostile values: never a 500."""

    HOSTILE = ("0", "-1", "9" * 20, "x", "²", "\x02", "1.5", "", "2019-01-01", "True", "99999999999999999999999")

    @classmethod
    def setUpTestData(cls):
        # A small catalogue is enough: the filters' parameters, not the rows, are under test.
        cls.make_catalogue()
        cls.superuser = User.objects.create_superuser("root", password="a long superuser password")

    def test_no_filter_value_gives_a_500(self):
        from django.contrib import admin

        self.client.force_login(self.superuser)
        for model, model_admin in admin.site._registry.items():
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            changelist = response.context["cl"]
            parameters = {name for spec in changelist.filter_specs for name in spec.expected_parameters()}
            if model_admin.date_hierarchy:
                parameters |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
            parameters |= {"q", "o", "p", "all"}
            for name in sorted(parameters):
                for value in self.HOSTILE:
                    with self.subTest(url=url, name=name, value=value):
                        status = self.client.get(url, {name: value}).status_code
                        self.assertIn(status, (200, 302, 400), f"{url}?{name}={value!r}")
