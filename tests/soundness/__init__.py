"""The differential soundness fuzzer (issue 11): identity pairs whose truth is known by construction.

- `terms`: a tiny expression tree of our own, printed as identity-file text and evaluated with mpmath,
  so nothing here shares code (or bugs) with the engine under test.
- `generator`: deterministic pairs from a seed, true ones by valid rewrites, false ones by the
  perturbations issue 11 lists, each tagged with a category.
- `judge`: an independent mpmath judge that confirms each pair's truth at several precisions.
- `harness`: runs pairs through the real reader and pipeline (`qedcheck verify FILE.toml --json`) and
  sorts every verdict into sound, unsound or undecided.

Used by tests/test_soundness_fuzz.py (fixed seed, small) and benchmarks/fuzz.py (thousands of pairs).
Lives under tests/, so it is never part of the installed package.
"""
