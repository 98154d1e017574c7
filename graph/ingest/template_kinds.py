"""What a spreadsheet template can hold: one bundle table, every table (``bundle``) or the experts'
CV (``cv``); apart from the workbook code so that the command line lists them without importing it."""

from tacmap.graph.schema.tables import TABLES

BUNDLE = "bundle"
CV = "cv"
KINDS: tuple[str, ...] = (*TABLES, BUNDLE, CV)
