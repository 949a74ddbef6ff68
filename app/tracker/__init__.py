"""The public commitment tracker: what platforms promised, what they claim, what the coalition verifies."""
