"""The supplier database (leveranciersdatabank) and the tender calendar (aanbestedingskalender)."""
