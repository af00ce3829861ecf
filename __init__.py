"""qedcheck: prove identities symbolically, cross-check them numerically, check every written step."""

import os as _os

__version__ = "0.1.0"

# SymPy memoises its constructors and assumption queries in an LRU cache of 1000 entries by default;
# a derivation's proofs and checks revisit far more than that (the catalogue: 5-8% of its CPU time
# goes to rebuilding evicted entries). Read once, when SymPy is first imported; a value the user set
# is kept. 100 000 entries cost no measurable memory on the catalogue (RSS 149 MB either way).
_os.environ.setdefault("SYMPY_CACHE_SIZE", "100000")
