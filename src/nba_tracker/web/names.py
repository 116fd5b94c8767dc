"""Names the page shows that come from data (teams, categories, statuses, filter keys),
marked here so the catalogue has them; templates translate them by value."""

from __future__ import annotations

from nba_tracker.web.i18n import N_

CATEGORIES = [N_("Trade"), N_("Signing"), N_("Extension"), N_("Waiver"), N_("Draft"), N_("Other")]
STATUSES = [N_("rumor"), N_("reported"), N_("official")]
FILTER_KEYS = {
    "category": N_("category"),
    "status": N_("status"),
    "team": N_("team"),
    "source": N_("source"),
    "q": N_("search"),
}
TEAMS = [
    N_("Atlanta Hawks"),
    N_("Brooklyn Nets"),
    N_("Boston Celtics"),
    N_("Charlotte Hornets"),
    N_("Chicago Bulls"),
    N_("Cleveland Cavaliers"),
    N_("Dallas Mavericks"),
    N_("Denver Nuggets"),
    N_("Detroit Pistons"),
    N_("Golden State Warriors"),
    N_("Houston Rockets"),
    N_("Indiana Pacers"),
    N_("Los Angeles Clippers"),
    N_("Los Angeles Lakers"),
    N_("Memphis Grizzlies"),
    N_("Miami Heat"),
    N_("Milwaukee Bucks"),
    N_("Minnesota Timberwolves"),
    N_("New Orleans Pelicans"),
    N_("New York Knicks"),
    N_("Oklahoma City Thunder"),
    N_("Orlando Magic"),
    N_("Philadelphia 76ers"),
    N_("Phoenix Suns"),
    N_("Portland Trail Blazers"),
    N_("Sacramento Kings"),
    N_("San Antonio Spurs"),
    N_("Toronto Raptors"),
    N_("Utah Jazz"),
    N_("Washington Wizards"),
]
