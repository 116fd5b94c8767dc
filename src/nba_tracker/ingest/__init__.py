"""From feeds to stored articles: registry → fetch → parse → pipeline."""
