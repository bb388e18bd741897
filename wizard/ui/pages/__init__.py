"""One module per wizard page; `Page` in base.py holds what they share."""
