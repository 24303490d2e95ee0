"""Finding a Postgres, migrating it, and pooling connections to it."""
