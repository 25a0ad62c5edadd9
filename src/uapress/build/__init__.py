"""Stage 5, build: plan the editions, render each through the one chain, write them atomically, index them."""
