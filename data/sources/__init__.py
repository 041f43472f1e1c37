"""The bundled source documents."""
