"""Citizen initiatives (burgerinitiatieven): started and supported by
residents, triaged and decided by the municipality.

The models arrive with this app's own issue; the app is installed from the start so
that the layout, settings and migrations graph do not change shape later."""
