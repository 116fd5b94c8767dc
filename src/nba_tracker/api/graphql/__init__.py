"""GraphQL at /graphql: the original tracker's fields plus paginated, filterable reads."""

# Where GraphQL answers POSTs: /graphql, and / as the original tracker did (its clients
# post there). Middleware that looks at GraphQL requests checks both.
PATHS = ("/graphql", "/")
