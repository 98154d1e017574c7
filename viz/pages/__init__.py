"""The HTML pages a browser gets: every question and record as a page, the briefs, the matrix picture,
the editors' pages. :mod:`tacmap.viz.pages.layout` is the frame every page shares."""

from collections.abc import Callable
from typing import Any

# Question name -> the page a browser gets instead of the JSON answer ("module:function" in this
# package, imported when first asked). The function takes (question, answer, lang) and returns HTML.
QUESTION_PAGES: dict[str, str] = {"matrix": "matrix:question_page"}


def question_page(name: str) -> Callable[[Any, Any, str], str] | None:
    """The page builder of a question, or None when it has no page of its own here."""
    import importlib

    found = QUESTION_PAGES.get(name)
    if found is None:
        return None
    module, function = found.split(":")
    built: Callable[[Any, Any, str], str] = getattr(importlib.import_module(f"{__name__}.{module}"), function)
    return built
