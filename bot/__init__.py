"""Secure Base reflection bot for carers."""
