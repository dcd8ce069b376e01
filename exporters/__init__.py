"""Built-in exporters; each registers through the planport.exporters entry points."""
