"""Calendar providers: the Protocol, the registry, and the built-in providers."""
