"""Deployment: the nginx template and its renderer, and a local scale-out runner."""
