"""The benchmark: synthetic corpora, load runs against gunicorn and nginx, a soak."""
