"""How checks run, never what they decide: worker processes and their limits, budgets, the schedule of a run, the result cache and its key."""
