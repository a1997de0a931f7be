"""Trainer-facing reports rendered for reading on a phone."""
