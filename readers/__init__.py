"""Everything that reads what users write (identity files, plain-text and LaTeX expressions, documents).

Each reader produces `Identity` records that remember where each piece came from; nothing downstream
(checks/, report/) knows which reader made a record. A reader never compiles, samples or simplifies.
"""
