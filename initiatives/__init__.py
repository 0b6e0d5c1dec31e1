"""Citizen initiatives (burgerinitiatieven): started and supported by
residents, triaged and decided by the municipality."""
