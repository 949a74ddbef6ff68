"""Member organizations of the coalition."""
