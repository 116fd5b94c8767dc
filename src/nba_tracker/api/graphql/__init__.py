"""GraphQL at /graphql: the original tracker's fields plus paginated, filterable reads."""
