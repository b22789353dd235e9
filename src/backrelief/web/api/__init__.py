"""JSON endpoints, one module per feature; documented by the generated OpenAPI."""
