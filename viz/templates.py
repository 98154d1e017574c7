"""The HTML around a map and the home page (Jinja2, autoescaped; data goes in as escaped JSON).

Kept as Python strings so they ship with the package without package-data settings. Nothing here links
to anything outside the page: scripts and styles are inlined by ``render.py``. Words come in already
translated (``text``, ``i18n/__init__.py``); ``<html lang dir>`` follows the language, and the styles use
logical properties (``border-inline-start``, not ``border-left``) so that an Arabic page mirrors.
"""

from __future__ import annotations

BASE_CSS = """
*{box-sizing:border-box}
:focus-visible,input:focus-within{outline:3px solid #1a5fb4;outline-offset:2px}
html,body{margin:0;height:100%;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
  color:#1a1a1a;background:#fff}
header{padding:8px 14px;border-bottom:1px solid #ddd;display:flex;flex-wrap:wrap;gap:6px 24px;align-items:center}
header h1{font-size:20px;margin:0}
header .meta{font-size:13px;color:#444;margin:0}
a{color:#0072B2}
"""

MAP_CSS = """
body{display:flex;flex-direction:column}
main{flex:1;display:flex;min-height:0}
#map{flex:1;position:relative;min-width:0;background:#fbfbf8}
#empty{position:absolute;top:40%;width:100%;text-align:center;font-size:18px;color:#555}
aside{width:310px;border-inline-start:1px solid #ddd;overflow:auto;font-size:13px;padding:10px 12px}
aside h2{font-size:14px;margin:12px 0 6px}
#details{white-space:pre-line;background:#f5f4ed;border:1px solid #cfcfc4;border-radius:4px;padding:8px;min-height:3em}
#search-box{display:flex;gap:6px;align-items:center;font-size:13px}
#search{width:220px;padding:4px 6px;font-size:13px}
#search-result{color:#444}
.legend{list-style:none;margin:0;padding:0}
.legend li{display:flex;align-items:center;gap:8px;margin:3px 0}
.legend svg{flex:none}
.vis-tooltip{white-space:pre-line !important;max-width:380px;font-family:inherit !important;font-size:13px !important}
"""

MAP_PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}" dir="{{ dir }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{ title }}</title>
<style>{{ base_css|safe }}{{ map_css|safe }}</style>
<style>{{ vis_css|safe }}</style>
<script>{{ vis_js|safe }}</script>
</head>
<body>
<header>
  <h1>{{ title }}</h1>
  <p class="meta" id="filters">{{ filters }}</p>
  <p class="meta" id="counts">{{ meta }}</p>
  <div id="search-box" role="search">
    <label for="search">{{ text.find }}</label>
    <input id="search" type="search" placeholder="{{ text.search }}" autocomplete="off">
    <button id="search-clear" type="button">{{ text.clear_search }}</button>
    <span id="search-result" aria-live="polite"></span>
  </div>
</header>
<main>
  <div id="map" role="region" aria-label="{{ title }}">{% if not node_count %}<div id="empty">{{ text.empty }}</div>{% endif %}</div>
  <aside>
    <h2>{{ text.details }}</h2>
    <div id="details">{{ text.point }}</div>
    <h2 id="legend-title">{{ text.legend }}</h2>
    <ul class="legend" id="legend">
    {% for e in legend %}
      <li><svg width="22" height="18" aria-hidden="true">{{ e.svg|safe }}</svg><span>{{ e.label }}</span></li>
    {% endfor %}
    </ul>
    {% for note in notes %}<p>{{ note }}</p>{% endfor %}
  </aside>
</main>
<script type="application/json" id="map-nodes">{{ nodes|tojson }}</script>
<script type="application/json" id="map-edges">{{ edges|tojson }}</script>
<script type="application/json" id="map-options">{{ options|tojson }}</script>
<script type="application/json" id="map-found">{{ found|tojson }}</script>
<script>
(function () {
  var started = performance.now();
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  var nodes = new vis.DataSet(data("map-nodes"));
  var edges = new vis.DataSet(data("map-edges"));
  var options = data("map-options");
  var container = document.getElementById("map");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  var details = document.getElementById("details");
  window.tacmap = {network: network, nodes: nodes, edges: edges, ready: false};
  network.once("afterDrawing", function () {
    window.tacmap.ready = true;
    window.tacmap.firstPictureMs = performance.now() - started;
    window.tacmap.firstPictureAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  });
  function show(text) { details.textContent = text; }
  network.on("hoverNode", function (p) { show(nodes.get(p.node).title); });
  network.on("hoverEdge", function (p) { show(edges.get(p.edge).title); });
  network.on("click", function (p) {
    if (p.nodes.length) { show(nodes.get(p.nodes[0]).title); }
    else if (p.edges.length) { show(edges.get(p.edges[0]).title); }
  });
  var shown = [];
  function resetLabels() {
    if (shown.length) { nodes.update(shown.map(function (n) { return {id: n.id, label: n.label || ""}; })); }
    shown = [];
  }
  var box = document.getElementById("search"), result = document.getElementById("search-result");
  var words = data("map-found"), plural = new Intl.PluralRules(document.documentElement.lang);
  function search() {
    resetLabels();
    var q = box.value.trim().toLowerCase();
    if (!q) { network.unselectAll(); result.textContent = ""; return; }
    var found = nodes.get({filter: function (n) {
      return ((n.fullLabel || n.label || "") + " " + n.id + " " + (n.also || "")).toLowerCase().indexOf(q) >= 0;
    }});
    result.textContent = (words[plural.select(found.length)] || words.other).replace("{count}", found.length);
    if (!found.length) { network.unselectAll(); return; }
    shown = found.map(function (n) { return {id: n.id, label: n.label}; });
    nodes.update(found.map(function (n) { return {id: n.id, label: n.fullLabel || n.label}; }));
    var ids = found.map(function (n) { return n.id; });
    network.selectNodes(ids, true);
    network.fit({nodes: ids, animation: false});
    if (found.length === 1) { show(found[0].title); }
  }
  box.addEventListener("input", search);
  document.getElementById("search-clear").addEventListener("click", function () {
    box.value = ""; search(); network.fit({animation: false});
  });
})();
</script>
</body>
</html>
"""

# Legend symbols (inline SVG, 22 x 18), one per vis-network shape; colour filled in by ``render``.
SHAPES = {
    "dot": '<circle cx="11" cy="9" r="6" fill="{c}" stroke="#000" stroke-width="1"/>',
    "square": '<rect x="5" y="3" width="12" height="12" fill="{c}" stroke="#000" stroke-width="1"/>',
    "diamond": '<polygon points="11,2 18,9 11,16 4,9" fill="{c}" stroke="#000" stroke-width="1"/>',
    "triangle": '<polygon points="11,2 18,15 4,15" fill="{c}" stroke="#000" stroke-width="1"/>',
    "star": '<polygon points="11,1 13,7 19,7 14,11 16,17 11,13 6,17 8,11 3,7 9,7" fill="{c}" stroke="#000"'
    ' stroke-width="0.8"/>',
    "hexagon": '<polygon points="7,3 15,3 19,9 15,15 7,15 3,9" fill="{c}" stroke="#000" stroke-width="1"/>',
}

HOME_CSS = """
main{max-width:1100px;margin:0 auto;padding:10px 18px 40px}
.numbers{display:flex;flex-wrap:wrap;gap:14px;margin:16px 0;padding:0;list-style:none}
.numbers li{flex:1 1 200px;border:1px solid #ddd;border-radius:6px;padding:12px 14px;background:#fbfbf8}
.numbers .value{display:block;font-size:30px;font-weight:700}
.numbers .what{font-size:14px;color:#333}
.numbers .why{display:block;font-size:12px;color:#555;margin-top:4px}
section{margin:18px 0}
h2{font-size:17px;margin:0 0 8px}
ul.links{columns:2;padding-inline-start:18px;margin:0}
ul.links li{margin:3px 0;break-inside:avoid}
ul.links.one{columns:1;margin-bottom:10px}
form{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:flex-end;font-size:14px}
form label{display:flex;flex-direction:column;gap:3px}
input,select,button{font-size:14px;padding:3px 6px}
.note{font-size:13px;color:#555}
"""

HOME_PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}" dir="{{ dir }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{ text.title }}</title>
<style>{{ base_css|safe }}{{ home_css|safe }}</style>
</head>
<body>
<header>
  <h1>{{ text.title }}</h1>
  <p class="meta" id="filters">{{ filters }} · {{ made }}</p>
  <nav class="meta" id="languages" aria-label="{{ text.languages }}">{% for code, href, name, current in languages %}{% if current %}<strong lang="{{ code }}">{{ name }}</strong>{% else %}<a href="{{ href }}" lang="{{ code }}" hreflang="{{ code }}">{{ name }}</a>{% endif %}{% if not loop.last %} · {% endif %}{% endfor %}</nav>
</header>
<main>
  <ul class="numbers" id="numbers">
  {% for n in numbers %}
    <li id="{{ n.id }}"><span class="value">{{ n.value }}</span><span class="what">{{ n.what }}</span><span class="why">{{ n.why }}</span></li>
  {% endfor %}
  </ul>
  <section>
    <h2>{{ text.filter }}</h2>
    <form method="get" action="/" id="filter-form">
      <label>{{ text.state }} <select name="state"><option value="">{{ text.all }}</option>{% for code, name in states %}<option value="{{ code }}"{% if code == current.state %} selected{% endif %}>{{ name }} ({{ code }})</option>{% endfor %}</select></label>
      <label>{{ text.group }} <select name="group"><option value="">{{ text.all }}</option>{% for code, name in groups %}<option value="{{ code }}"{% if code == current.group %} selected{% endif %}>{{ name }}</option>{% endfor %}</select></label>
      <label>{{ text.article }} <input type="number" name="article" min="1" max="71" value="{{ current.article or '' }}"></label>
      <label>{{ text.provider }} <select name="provider"><option value="">{{ text.all }}</option>{% for code, name in providers %}<option value="{{ code }}"{% if code == current.provider %} selected{% endif %}>{{ name }}</option>{% endfor %}</select></label>
      <label>{{ text.as_of }} <input type="date" name="as_of" value="{{ current.as_of or '' }}"></label>
      {% for k, v in keep %}<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
      <button type="submit">{{ text.apply }}</button> <a href="/{% for k, v in keep %}?{{ k }}={{ v }}{% endfor %}">{{ text.clear_filters }}</a>
    </form>
  </section>
  <section>
    <h2>{{ text.maps }}</h2>
    <ul class="links one" id="map-links">
    {% for href, title in maps %}<li><a href="{{ href }}">{{ title }}</a></li>{% endfor %}
    </ul>
    <form method="get" action="/maps/ego" id="ego-form">
      <label>{{ text.ego }}
        <input name="node" list="ego-nodes" placeholder="State:KEN" required></label>
      <datalist id="ego-nodes">{% for value, name in ego_nodes %}<option value="{{ value }}">{{ name }}</option>{% endfor %}</datalist>
      {% for k, v in hidden %}<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
      <button type="submit">{{ text.draw }}</button>
    </form>
  </section>
  <section>
    <h2>{{ text.tables }}</h2>
    <ul class="links" id="table-links">
    {% for href, title in tables %}<li><a href="{{ href }}">{{ title }}</a></li>{% endfor %}
    </ul>
  </section>
  {% for note in notes %}<p class="note">{{ note }}</p>{% endfor %}
</main>
<script>document.getElementById("filter-form").addEventListener("submit", function () {
  for (var i = 0; i < this.elements.length; i++) { var e = this.elements[i]; if (e.name && !e.value) { e.disabled = true; } }
});
window.addEventListener("pageshow", function () {
  document.querySelectorAll("#filter-form [disabled]").forEach(function (e) { e.disabled = false; });
});</script>
</body>
</html>
"""
