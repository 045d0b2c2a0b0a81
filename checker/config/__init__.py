"""Configuration: typed settings, and finding, parsing and validating them."""
