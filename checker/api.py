"""The one entry point: settings in, a run (its report and its project) out."""
