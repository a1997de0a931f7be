"""Content packs: the schema, the loader that validates them, and the registry the bot reads."""
