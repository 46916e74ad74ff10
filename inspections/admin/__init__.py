"""Django admin for editors: an inspection is edited on one page, with the rule's view beside it.

Validation messages come from model clean() and the named constraints' violation messages.
Every change is recorded by the admin's LogEntry (the History button; Recent changes below), and
every save is refused if someone else saved the same object after the editor opened it (base.py).
"""

from django.contrib import admin

from inspections.admin import catalogue, inspection, releases, reports  # noqa: F401 (they register)
from inspections.admin.guards import guard_every_admin

admin.site.site_header = "CRC performance dashboard: editors"
admin.site.site_title = "Editors"
admin.site.index_title = "Inspection data"

# Last, once every admin is registered: no admin form accepts a control character, and no date
# hierarchy an impossible date.
guard_every_admin(admin.site)
