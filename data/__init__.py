"""The sample city (fictional) and its generator."""
