"""The rule catalogue: one module per rule, discovered by ``archcheck.pipeline.registry``."""
