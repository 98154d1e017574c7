"""Accessibility checks in headless Chromium: axe-core (pinned in ``tests/js/package-lock.json``,
installed by ``scripts/check`` with ``npm ci``; used in tests only, never served) and a keyboard walk.

    violations(driver)       # axe-core's serious and critical violations of the page loaded
    keyboard_walk(driver)    # what Tab reached, and the controls it did not reach or showed no focus on
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                    targets: v.nodes.map(n => n.target.join(" "))}))),
  e => done([{id: "axe-error", impact: "critical", help: String(e), targets: []}]));
"""

# every control a person can reach: links, form fields (not hidden ones), buttons
CONTROLS = "a[href], button, select, textarea, input:not([type=hidden])"

FOCUSED = """
const e = document.activeElement;
if (!e || e === document.body) return null;
const s = getComputedStyle(e);
const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
const all = Array.from(document.querySelectorAll(arguments[0]));
return {index: all.indexOf(e), tag: e.tagName.toLowerCase(), visible: ring,
        style: s.outlineStyle + " " + s.outlineWidth + " " + s.boxShadow};
"""


@cache
def _axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci` in tests/js (scripts/check does)")
    return AXE.read_text(encoding="utf-8")


def violations(driver: Any, impacts: tuple[str, ...] = SERIOUS) -> list[str]:
    """axe-core's violations of ``impacts`` on the page loaded, one line each (rule, help, where)."""
    driver.execute_script(_axe_source())
    found: list[dict[str, Any]] = driver.execute_async_script(RUN)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in found if v["impact"] in impacts
    ]


@dataclass
class Walk:
    """What pressing Tab from the top of the page did."""

    controls: int  # controls on the page
    reached: set[int]  # their indexes, in document order, that Tab focused
    unmarked: list[str]  # focused with no visible focus ring

    @property
    def missed(self) -> int:
        return self.controls - len(self.reached)


def keyboard_walk(driver: Any) -> Walk:
    """Press Tab until focus leaves the page or comes round again, noting each control focused."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    controls = driver.execute_script("return document.querySelectorAll(arguments[0]).length", CONTROLS)
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    reached: set[int] = set()
    unmarked: list[str] = []
    last = None
    for _ in range(4 * controls + 4):  # a date field takes a Tab per part (day, month, year)
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.execute_script(FOCUSED, CONTROLS)
        if focused is None or (focused["index"] in reached and focused["index"] != last):
            break
        last = focused["index"]
        if focused["index"] >= 0:
            reached.add(focused["index"])
        if not focused["visible"]:
            unmarked.append(f"{focused['tag']} #{focused['index']} ({focused['style']})")
    return Walk(controls, reached, unmarked)
