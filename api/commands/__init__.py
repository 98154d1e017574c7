"""Commands that ``api/cli.py`` registers by importing these modules (serve, keys)."""
