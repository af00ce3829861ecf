"""Reports: read results, never compute verdicts."""
