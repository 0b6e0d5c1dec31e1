"""Small helpers shared by the apps that need no models of their own."""
