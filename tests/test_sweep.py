"""The bundled data and the importer agree: replaying the manifest of imported public texts
(inspections/data/imports.toml) onto the bundled data and writing the reports back gives the bundled
files again. An import not written back, or a file edited to a value the importer would change,
fails here."""

import difflib
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase

from inspections.loader import load_bundled_data
from inspections.loader.writer import write_report_files

DATA_DIR = Path(settings.BASE_DIR) / "inspections" / "data"
MANIFEST = DATA_DIR / "imports.toml"


def differences(bundled, written_paths):
    """A unified diff of each written report file that differs from the bundled one, and the files
    only one side has."""
    bundled_names = {path.name for path in bundled.glob("*.toml")}
    written = {path.name: path for path in written_paths}
    problems = [f"written but not bundled: {name}" for name in sorted(written.keys() - bundled_names)]
    problems += [f"bundled but not written: {name}" for name in sorted(bundled_names - written.keys())]
    for name in sorted(bundled_names & written.keys()):
        old, new = (bundled / name).read_text().splitlines(), written[name].read_text().splitlines()
        if old != new:
            problems.append(
                "\n".join(difflib.unified_diff(old, new, f"bundled/{name}", f"written/{name}", lineterm=""))
            )
    return problems


class BundledDataComesThroughTheImporterTests(TestCase):
    def test_replaying_the_import_manifest_and_writing_back_changes_no_report_file(self):
        load_bundled_data()
        call_command("import_texts", str(MANIFEST), stdout=StringIO(), stderr=StringIO())
        with tempfile.TemporaryDirectory() as folder:
            data_dir = Path(folder) / "data"
            shutil.copytree(DATA_DIR, data_dir)  # the writer keeps each file's comment and sources
            written = write_report_files(data_dir=data_dir)
            self.assertEqual(differences(DATA_DIR / "reports", written), [])
