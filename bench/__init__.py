"""Benchmarks of chime-reconciler: API calls against their lower bounds, and wall time.

Run with ``make bench`` (``.venv/bin/python bench/run.py``); results go to
``bench/RESULTS.md``.
"""
