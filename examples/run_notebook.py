"""Execute examples/notebook.ipynb with nbclient and save it WITH its outputs.

Run after changing the library or the notebook:  python examples/run_notebook.py
(needs the test extra: nbclient, nbformat, ipykernel).  The notebook runs in a
temporary folder so it leaves no files behind.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parent / "notebook.ipynb"


def main() -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    with tempfile.TemporaryDirectory() as folder:
        NotebookClient(
            nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": folder}}
        ).execute()
    for cell in nb.cells:  # keep the saved file free of run timestamps
        if cell.cell_type == "code":
            cell.metadata.pop("execution", None)
    nbformat.write(nb, NOTEBOOK)
    print(f"wrote {NOTEBOOK}")


if __name__ == "__main__":
    main()
