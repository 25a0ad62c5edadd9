"""Stage 3, document model: the format-neutral edition that every writer renders (its nodes in `core.nodes`, built by `document`)."""
