"""Reading the data files that ship inside the package (rules/ and schemas/).

Through the package loader (`pkgutil.get_data`), which works for wheels, editable installs
and zip imports alike, never through `__file__` paths. `importlib.resources` would do the
same, but importing it costs ~9 ms (tempfile, shutil, compression modules) at every start.
"""

from __future__ import annotations

import pkgutil


def read_text(package: str, name: str) -> str:
    data = pkgutil.get_data(package, name)
    if data is None:
        raise FileNotFoundError(f"{package}/{name} is missing from the installation")
    return data.decode("utf-8")
