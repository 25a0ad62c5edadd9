"""Stage 3, document model: the format-neutral edition that every writer renders (`nodes`, built by `document`)."""
