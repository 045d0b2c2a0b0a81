"""The run: the rule catalogue, the per-file phase in a pool with its cache, and the project phase."""
