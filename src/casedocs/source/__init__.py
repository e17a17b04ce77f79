"""The source layer: a case or conference file read into a validated model, with its lines."""
