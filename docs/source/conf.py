"""Sphinx configuration of the tabular-mlops documentation: Markdown pages (MyST), the
furo theme and an API reference from the package's docstrings.

Build it with ``make docs`` (warnings are errors), output in ``docs/build/html``.
"""

from tabular_mlops import __version__

project = "tabular-mlops"
author = "tabular-mlops developers"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
exclude_patterns = ["build"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_google_docstring = True

html_theme = "furo"
html_title = f"tabular-mlops {release}"
html_static_path = ["_static"]
