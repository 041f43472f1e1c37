"""The examples in the package's docstrings run as they are written."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import cmsgraph

MODULES = sorted(m.name for m in pkgutil.iter_modules(cmsgraph.__path__) if m.name != "__main__")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"cmsgraph.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} failing example(s) in cmsgraph.{name}"
