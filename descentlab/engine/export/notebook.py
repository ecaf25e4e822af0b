"""The exported run as a Jupyter notebook: each section a markdown cell and a code cell."""
from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def build_notebook(sections) -> nbformat.NotebookNode:
    cells = []
    for i, (markdown, code) in enumerate(sections):  # fixed cell ids: the same run gives the same file
        cells += [new_markdown_cell(markdown, id=f"text-{i}"), new_code_cell(code.rstrip("\n"), id=f"code-{i}")]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def notebook_text(sections) -> str:
    nb = build_notebook(sections)
    nbformat.validate(nb)  # refuse to hand out a notebook Jupyter would not open
    return nbformat.writes(nb)
