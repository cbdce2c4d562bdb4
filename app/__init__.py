"""News Archive: a searchable archive of news articles (see DESIGN.md)."""
