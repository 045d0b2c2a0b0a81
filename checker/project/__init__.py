"""The project model: files, units, import resolution, and the graphs and groups built from facts."""
