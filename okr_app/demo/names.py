"""Names for the demo: people, and the customer accounts their reports talk about.

The accounts are the fictitious companies commonly used in product demos, so nothing in the
demo can be mistaken for a real customer. Emails use example.com, a domain reserved for this.
"""
from __future__ import annotations

import random
import unicodedata

EMAIL_DOMAIN = "example.com"

FIRST_NAMES = (
    "Aisha", "Alberto", "Amara", "Anders", "Ana", "Aroha", "Ben", "Bianca", "Camille", "Carlos", "Chloe",
    "Chidi", "Dana", "Diego", "Elena", "Emeka", "Emma", "Erik", "Fatima", "Felix", "Freya", "Gabriel",
    "Grace", "Hana", "Hannah", "Hugo", "Imani", "Ines", "Isaac", "Jamal", "Jana", "Javier", "Jonas",
    "Julia", "Kai", "Kavya", "Kenji", "Kofi", "Lars", "Layla", "Leah", "Lena", "Liam", "Lucia", "Luis",
    "Malik", "Marco", "Maria", "Marta", "Mateo", "Mei", "Mia", "Nadia", "Naledi", "Nina", "Noah",
    "Nora", "Olga", "Omar", "Oscar", "Paula", "Pedro", "Rafael", "Rania", "Rosa", "Ruth", "Sara",
    "Sofia", "Stefan", "Tara", "Theo", "Uma", "Valentina", "Vera", "Victor", "Wei", "Yara", "Yusuf",
    "Zara", "Zoe",
)

LAST_NAMES = (
    "Abebe", "Adeyemi", "Andersson", "Bauer", "Becker", "Bianchi", "Campbell", "Castro", "Cohen",
    "Costa", "Dahl", "Diaz", "Dubois", "Eriksen", "Farah", "Fischer", "Fontaine", "Garcia", "Gupta",
    "Haddad", "Hansen", "Hoffmann", "Ibrahim", "Ivanova", "Jensen", "Kang", "Kaur", "Khan", "Kim",
    "Kowalski", "Larsen", "Lee", "Lindqvist", "Lopez", "Mahlangu", "Martin", "Meyer", "Moreau", "Morales",
    "Murphy", "Nakamura", "Nguyen", "Nielsen", "Novak", "Nowak", "O'Brien", "Ortiz", "Osei", "Patel",
    "Pereira", "Petrov", "Quinn", "Rahman", "Ramos", "Reyes", "Rossi", "Sato", "Schmidt", "Silva",
    "Singh", "Sousa", "Suzuki", "Tanaka", "Torres", "Tran", "Varga", "Vasquez", "Walsh", "Weber",
    "Wright", "Yamamoto", "Yilmaz", "Zhang", "Zimmermann",
)

ACCOUNTS = (
    "Northwind Traders", "Contoso Health", "Fabrikam", "Tailspin Toys", "Litware", "Adventure Works",
    "Wingtip Toys", "Proseware", "Lucerne Publishing", "Alpine Ski House", "Coho Winery", "Fourth Coffee",
    "Woodgrove Bank", "Trey Research", "Humongous Insurance", "Blue Yonder Airlines", "City Power & Light",
    "Wide World Importers", "Margie's Travel", "Relecloud", "Southridge Video", "School of Fine Art",
    "Graphic Design Institute", "VanArsdel", "Consolidated Messenger", "Bellows College",
)


def email_for(name: str, taken: set[str]) -> str:
    """first.last@example.com in plain ASCII; a number is appended when the name is taken."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = ".".join(part for part in ascii_name.lower().replace("'", "").split() if part)
    email, n = f"{local}@{EMAIL_DOMAIN}", 2
    while email in taken:
        email, n = f"{local}{n}@{EMAIL_DOMAIN}", n + 1
    taken.add(email)
    return email


def random_name(rng: random.Random, reserved: frozenset[str], used: set[str]) -> str:
    """A name drawn from the pools, never a fixed demo-login name and, while the pools last
    (about 5,900 pairs), not one already given."""
    for attempt in range(200):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in reserved and (name not in used or attempt >= 50):
            used.add(name)
            return name
    raise RuntimeError("the name pools are exhausted")  # unreachable: reserved is a handful of names
