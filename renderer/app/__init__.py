"""The workflow around the pipeline: CLI, build cache and pool, watch, gallery, diff, slides, check."""
