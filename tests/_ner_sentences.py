"""Varied sentences shared by the NER speed tests (test_detect_throughput, test_detect_ner_speed)."""


def ner_sentences(n: int = 400) -> list[str]:
    """Varied sentences (Faker values in several registers and casings, lengths 0 to ~600 characters)."""
    from faker import Faker

    fake = Faker(["en_US", "en_GB", "de_DE", "fr_FR"])
    fake.seed_instance(14)
    forms = [
        lambda: f"{fake.name()} called from {fake.city()} about invoice {fake.bothify('INV-####')}.",
        lambda: f"spoke to {fake.first_name().lower()} re: refund, lives at {fake.street_address()} now",
        lambda: f"Dear {fake.prefix()} {fake.last_name()},\nyour parcel to {fake.city()}, {fake.country()} left on {fake.date()}.",
        lambda: f"{fake.name().upper()} ({fake.company()}) met {fake.name()} in {fake.city()} on {fake.day_of_week()}.",
        lambda: " ".join(fake.sentences(nb=fake.random_int(1, 6))),
        lambda: f"Ticket {fake.bothify('INC-#######')}: {fake.email()} from {fake.ipv4()} - {fake.catch_phrase()}",
    ]
    out = [forms[i % len(forms)]() for i in range(n)]
    return out + ["", "   ", "A", "Anna", "🙂 Anna Berg 🙂", "مرحبا Anna", "x" * 300, " ".join(["Berg"] * 150)]
