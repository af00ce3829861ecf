"""qedcheck: prove identities symbolically, cross-check them numerically, check every written step."""

__version__ = "0.1.0"
