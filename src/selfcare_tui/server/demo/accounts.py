"""The demo's logins, account numbers and payment codes: what tests, docs and `selfcare demo`
refer to by name, kept apart from the code that seeds them."""

from __future__ import annotations

from typing import Final

FLAT_ACCOUNT: Final = "1000000001"
COTTAGE_ACCOUNT: Final = "1000000002"
JAAN_ACCOUNT: Final = "1000000003"
BUSINESS_ACCOUNT: Final = "2000000001"
ATTACHABLE_ACCOUNT: Final = ("3000000001", "84731920569")
"""Account number and payment code of an account without an owner, for the attach flow."""
PAYMENT_CODES: Final = {
    FLAT_ACCOUNT: "59428595753",
    COTTAGE_ACCOUNT: "37957422885",
    JAAN_ACCOUNT: "33015956912",
    BUSINESS_ACCOUNT: "31794198938",
    ATTACHABLE_ACCOUNT[0]: ATTACHABLE_ACCOUNT[1],
}
"""Payment codes of the named accounts, for the operations that need no login."""
AGENT_TOTP_SECRET: Final = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SYNTHETIC_PASSWORD: Final = "customer-demo"
"""Password of every synthetic user customer1..customerN."""

DEMO_LOGINS: Final[list[tuple[str, str, str]]] = [
    (
        "maria",
        "maria-demo",
        f"household: flat {FLAT_ACCOUNT} (day/night meter, estimated open invoice) and "
        f"summer cottage {COTTAGE_ACCOUNT} (smart meter, solar export, overdue invoice, reminder)",
    ),
    (
        "jaan",
        "jaan-demo",
        f"household: own flat {JAAN_ACCOUNT}; may view and enter readings for maria's flat, "
        "his mandate on her cottage has expired",
    ),
    (
        "acme",
        "acme-demo",
        f"business {BUSINESS_ACCOUNT} with 24 places: one disconnected, one in an area with "
        "an accidental work now, one with an open outage report, one replaced meter",
    ),
    (
        "agent",
        "agent-demo",
        f"support agent; second factor TOTP with the secret {AGENT_TOTP_SECRET}",
    ),
    (
        "mihai",
        "mihai-demo",
        "a second support agent, with the same second factor: holds some of the queue's items",
    ),
]
AGENTS: Final = frozenset({"agent", "mihai"})
