"""Benchmarks on province-scale synthetic data; see bench/README.md."""
