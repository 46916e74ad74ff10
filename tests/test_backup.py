"""No data lost: a backup restored over a changed database gives back exactly the exported data."""

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TransactionTestCase

from inspections.models import DataVersion, Inspection
from inspections.serialise import export_inspections
from tests.base import load_test_bundle


class BackupRoundTripTests(TransactionTestCase):
    def test_backup_then_restore_gives_back_the_same_export(self):
        load_test_bundle()
        before = export_inspections()
        with tempfile.TemporaryDirectory() as directory:
            backup = Path(directory) / "round-trip.dump"
            call_command("backup", "--output", str(backup), stdout=StringIO(), stderr=StringIO())
            self.assertGreater(backup.stat().st_size, 10_000)
            Inspection.objects.filter(provider__slug="west-yorkshire-crc").delete()
            self.assertNotEqual(export_inspections(), before)
            call_command("restore", str(backup), stderr=StringIO())
        self.assertEqual(export_inspections(), before)

    def test_a_restore_never_moves_the_data_version_backwards(self):
        load_test_bundle()
        with tempfile.TemporaryDirectory() as directory:
            backup = Path(directory) / "version.dump"
            call_command("backup", "--output", str(backup), stdout=StringIO(), stderr=StringIO())
            at_backup, _ = DataVersion.current()
            for _ in range(3):  # later edits hand out later versions (as ETags, cache keys)
                Inspection.objects.filter(provider__slug="west-yorkshire-crc").update(case_sample_size=None)
            before_restore, _ = DataVersion.current()
            self.assertGreater(before_restore, at_backup)
            call_command("restore", str(backup), stderr=StringIO())
        after_restore, _ = DataVersion.current()
        self.assertGreater(after_restore, before_restore)

    def test_a_missing_backup_file_changes_nothing(self):
        from django.core.management import CommandError

        with self.assertRaisesMessage(CommandError, "no such backup file"):
            call_command("restore", "/nonexistent/backup.dump", stderr=StringIO())
