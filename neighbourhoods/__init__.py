"""Neighbourhoods (wijken): the shared geography every other app hangs on."""
