"""Benchmarks and load tests: run by hand or with `make bench` / `make load`, never by pytest."""
