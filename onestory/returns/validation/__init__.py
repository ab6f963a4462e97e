"""Validation of the statutory returns: the sector's validators, each in its own virtual
environment and run in a subprocess (run_cin.py, run_903.py), and the census's XML schema
(schema.py). See validate.py."""

from .validate import Outcome, record_run, validate_export, validate_file, validators_installed

__all__ = ["Outcome", "record_run", "validate_export", "validate_file", "validators_installed"]
