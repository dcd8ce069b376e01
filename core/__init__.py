"""planport core: model, schema gate, builder, pipeline, writer and CLI."""
