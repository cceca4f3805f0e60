"""Renderers: content and facts in, bytes out. Nothing here writes files."""
