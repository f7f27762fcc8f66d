"""Small articles written for the tests."""

from __future__ import annotations

HARBOUR = """Harbour city backs tidal plan
The council of Port Elwin approved a tidal energy project on Tuesday, council leader Maria Okafor told reporters.
“This is the day we stop talking and start building,” Okafor said. “Our harbour has waited long enough.”
Daniel Reyes, a spokesman for the Coastal Trust, said the council had not published its assessment.
By Hannah Lowe
"""

RAIL = """Rail strike called off after late-night talks
Union leader Priya Natarajan said the strike planned for Monday had been suspended.
“We have a deal our members can vote on,” Natarajan said after meeting ministers in London.
Transport minister Tom Becker welcomed the news. “Nobody wanted to see the trains stop,” he said.
"""

FARM = """Drought pushes grain prices higher
Wheat prices rose for a third week as drought spread across Kansas and Nebraska, traders said.
“The crop is in real trouble this year,” said Ellen Marsh, an analyst at Prairie Capital.
Farmers in Canada reported better yields, according to the agriculture ministry in Ottawa.
"""


def numbered(i: int) -> str:
    """Distinct small articles, for paging through many."""
    return (
        f"Council vote number {i} passes\n"
        f"The council in Port Elwin passed measure {i} on Monday, mayor Maria Okafor said.\n"
        f"“Measure {i} is good for the town,” Okafor said.\n"
    )
