"""Authentication: bearer JWTs from the municipality's identity provider and hashed API keys,
both resolved once per request into one typed ``Principal``."""
