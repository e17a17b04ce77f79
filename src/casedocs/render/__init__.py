"""The renderers: one module per output, each listed in the registry."""
