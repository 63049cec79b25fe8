"""Benchmarks: run on demand (`make bench` or `python -m benchmarks.<name>`), never in unit tests."""
