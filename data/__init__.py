"""Bundled data: the gazetteer and the source documents, shipped as package data."""
