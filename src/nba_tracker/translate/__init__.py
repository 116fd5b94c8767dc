"""The Japanese edition: titles and summaries translated en → ja."""
