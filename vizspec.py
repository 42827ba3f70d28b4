"""vizspec's Python API: `load` a spec (file or YAML text), read `Diagram.values`, `Diagram.render`, `render_all`.

See docs/api.md. The implementation is renderer/app/api.py; this module only names it.
"""

from renderer import __version__
from renderer.app.api import Diagram, SpecError, load, render_all

__all__ = ["Diagram", "SpecError", "__version__", "load", "render_all"]
