"""The frame every page shares: ``<html lang dir>``, the header with the way home, the links to the
page's JSON, CSV and XLSX twins, and the styles (screen and an A4 print sheet). Offline: no asset from
outside the page."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from tacmap.i18n import _, direction
from tacmap.viz import templates
from tacmap.viz.render import environment

PAGE_CSS = """
main{max-width:1200px;margin:0 auto;padding:10px 18px 40px}
section{margin:18px 0}
h2{font-size:17px;margin:0 0 8px}
table{border-collapse:collapse;font-size:14px;width:100%}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:start;vertical-align:top}
th{background:#f5f4ed}
nav.twins{font-size:13px}
form{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:flex-end;font-size:14px}
form label{display:flex;flex-direction:column;gap:3px}
input,select,button{font-size:14px;padding:3px 6px}
.note{font-size:13px;color:#555}
@media print{
  @page{size:A4;margin:15mm}
  header nav,nav.twins,form,.no-print{display:none !important}
  main{max-width:none;padding:0}
  a{color:inherit;text-decoration:none}
  tr,li{break-inside:avoid}
}
"""

PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}" dir="{{ dir }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{ title }}</title>
<style>{{ base_css|safe }}{{ page_css|safe }}{{ extra_css|safe }}</style>
</head>
<body>
<header>
  <nav aria-label="{{ home_label }}"><a href="/">tacmap</a></nav>
  <h1>{{ title }}</h1>
  {% if subtitle %}<p class="meta">{{ subtitle }}</p>{% endif %}
  {% if twins %}<nav class="twins" aria-label="{{ twins_label }}">{% for label, href in twins %}<a href="{{ href }}">{{ label }}</a>{% if not loop.last %} · {% endif %}{% endfor %}</nav>{% endif %}
</header>
<main id="main">
{{ body }}
</main>
</body>
</html>
"""


def page(
    title: str,
    body: Markup,
    lang: str,
    *,
    subtitle: str | None = None,
    twins: Sequence[tuple[str, str]] = (),
    css: str = "",
) -> str:
    """A whole page around ``body`` (already escaped markup), in ``lang``, with links to its ``twins``
    (label, href: the same data as JSON, CSV, XLSX)."""
    return (
        environment()
        .from_string(PAGE)
        .render(
            lang=lang,
            dir=direction(lang),
            title=title,
            subtitle=subtitle,
            body=body,
            twins=list(twins),
            base_css=templates.BASE_CSS,
            page_css=PAGE_CSS,
            extra_css=css,
            home_label=_("Home"),
            twins_label=_("This page as data"),
        )
    )
