"""Benchmarks: `make bench` (`python -m bench`) prints figures against their goals."""
