"""The revisions, in order: each file one step of the store's schema."""
