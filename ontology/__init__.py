"""The cmsgraph ontology and SHACL shapes (Turtle), shipped as package data."""
