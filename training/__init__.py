"""Offline tooling for the understanding layer: the labelled corpus, training and evaluation.

Nothing here is imported by the product at run time; the product ships only the trained
weights (``nba_tracker/domain/data/model.json``).
"""
