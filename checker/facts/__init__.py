"""Per-file facts: bytes to text to tree, and the gatherers that turn a tree into facts."""
