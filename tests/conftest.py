"""The suite's runs keep their cache (ecslint.cache) in a folder of their own, never in the user's."""

import os
import shutil
import tempfile

_folder = None


def pytest_configure(config):
    global _folder
    _folder = tempfile.mkdtemp(prefix="ecslint-test-cache-")
    os.environ["ECSLINT_CACHE_DIR"] = _folder
    os.environ.pop("ECSLINT_NO_CACHE", None)


def pytest_unconfigure(config):
    if _folder is not None:
        shutil.rmtree(_folder, ignore_errors=True)
