"""Every check module in this package; importing one registers its checks (proof.figures.check)."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
