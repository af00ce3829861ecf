"""`python -m qedcheck`: the same command as `qedcheck` (useful where the script is not on PATH)."""

from .cli import entry

if __name__ == "__main__":
    entry()
