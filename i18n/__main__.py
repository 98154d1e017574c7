"""``python -m tacmap.i18n``: rewrite the message template from the code and merge it into each
language's catalog."""

from tacmap.i18n import update_catalogs

update_catalogs()
