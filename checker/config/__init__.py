"""Configuration: typed settings, and finding, parsing and validating them (the layer after the model)."""
