"""Use cases: each takes plain values, talks to repositories and ports, returns result objects."""
