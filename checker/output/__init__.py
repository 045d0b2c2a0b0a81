"""Outputs: text, JSON, GitHub, SARIF, the service graph, the audit and the MASTER_INDEX."""
