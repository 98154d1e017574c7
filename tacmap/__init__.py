"""tacmap from Python: open a store, ask the coordination questions, get pandas DataFrames.

    import tacmap
    store = tacmap.open()                      # the environment's store (TACMAP_DATA_DIR or NEO4J_URI)
    store.overlaps(state="KEN").to_frame()     # any question of graph/queries/spec.py, by name

Importing ``tacmap`` costs nothing: this module holds :func:`open` only, and the store, the
questions and pandas are imported when first used (the command line imports ``tacmap.api.cli``,
which passes through here). The code itself lives in ``tacmap.graph``, ``tacmap.api`` and the
others, mapped from the repository's top-level folders (pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from tacmap.notebook import Tacmap

__all__ = ["open"]

# Run from a checkout (its root on sys.path, as `python -c` in it has), `tacmap.graph` and the others
# are the folders beside this one, as the install maps them: without this the installed copy's would
# be found instead (through the editable finder, or not at all).
_CHECKOUT = Path(__file__).parent.parent
if (_CHECKOUT / "pyproject.toml").is_file():
    __path__.append(str(_CHECKOUT))


def open(
    data_dir: str | Path | None = None,
    *,
    store: Literal["embedded", "neo4j"] | None = None,
    audience: str = "all",
) -> Tacmap:
    """The store the environment names (as the command line does), with ``data_dir`` or ``store``
    on top; questions that list needs show what ``audience`` may see (``all``, ``public`` or a
    State's ISO3 code, as ``tacmap query --audience``)."""
    from tacmap.notebook import Tacmap

    return Tacmap.open(data_dir, store=store, audience=audience)
