"""One module per CLI sub-command: ``register(subparsers)`` adds the parser and sets ``func``."""
