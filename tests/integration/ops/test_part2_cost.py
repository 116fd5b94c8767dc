"""ops cost report against the moto server's Cost Explorer. moto tracks no cost: its
documented /moto-api/static/ce/cost-and-usage-results queue sets what GetCostAndUsage
answers, in the API reference's shape."""

from __future__ import annotations

import json
import urllib.request

from tests.integration.ops.conftest import Run


def preset_costs(moto_url: str, daily: dict[str, float], days: int) -> None:
    results = [
        {
            "TimePeriod": {"Start": f"2026-11-{d:02d}", "End": f"2026-11-{d + 1:02d}"},
            "Estimated": False,
            "Groups": [
                {"Keys": [s], "Metrics": {"UnblendedCost": {"Amount": str(a), "Unit": "USD"}}}
                for s, a in daily.items()
            ],
        }
        for d in range(1, days + 1)
    ]
    request = urllib.request.Request(
        f"{moto_url}/moto-api/static/ce/cost-and-usage-results",
        data=json.dumps({"results": [{"ResultsByTime": results}]}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).close()


def test_a_week_by_service_with_advice_when_fargate_dominates(aws: str, run: Run) -> None:
    preset_costs(aws, {"AWS Fargate": 6.0, "Amazon Relational Database Service": 2.0}, days=7)
    out = run(
        "cost", "report", "--env", "prod", "--from", "2026-11-01", "--to", "2026-11-08", "--json"
    )
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["total"] == 56.0
    assert [(i["service"], i["share"]) for i in report["items"]] == [
        ("AWS Fargate", "75%"),
        ("Amazon Relational Database Service", "25%"),
    ]
    assert [p["period"] for p in report["by_period"]][0] == "2026-11-01"
    assert len(report["by_period"]) == 7
    assert any("Savings Plan" in line for line in report["advice"])


def test_the_table_has_a_bar_per_day(aws: str, run: Run) -> None:
    preset_costs(aws, {"Amazon Relational Database Service": 3.0}, days=2)
    out = run("cost", "report", "--from", "2026-11-01", "--to", "2026-11-03")
    assert out.exit_code == 0, out.output
    assert "2026-11-02" in out.output and "█" in out.output
