"""Precise matching of job seekers and postings.

``engine`` is the pure numpy/scipy/OR-Tools core (no Django); the glue that loads arrays from the
database, stores result versions and pushes notifications lives beside it.
"""
