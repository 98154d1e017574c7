"""The HTML pages a browser gets: every question and record as a page, the briefs, the matrix picture,
the editors' pages. :mod:`tacmap.viz.pages.layout` is the frame every page shares."""
