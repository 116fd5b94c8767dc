"""The HTTP service: GraphQL, Atom feeds, the page, health and metrics."""
