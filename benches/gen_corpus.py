#!/usr/bin/env python3
"""Generate a large, valid, deterministic Cannery library for benchmarks.

Usage:
    python3 benches/gen_corpus.py OUT_DIR --responses N [--seed S]
    python3 benches/gen_corpus.py OUT_DIR --responses N --history COMMITS [--seed S]

Without --history, OUT_DIR becomes a library: OUT_DIR/cannery.yaml and N
response files in nested category/topic[/subtopic] folders (about 50 files
per folder).

With --history, OUT_DIR becomes a git repository whose library is
OUT_DIR/library/, built by one `git fast-import` from a generated history of
COMMITS commits: the first commits add the responses in batches, the rest
edit bodies and titles, rename and move files, delete some and create new
ones, 1-5 file changes per commit, so that about N responses exist at the
end. Dates are fixed and increase with every commit; a handful of authors
take turns. The working tree is checked out at the last commit, and the
objects are repacked (`git repack -a -d -f`), as fast-import's manual
recommends, so that they are laid out like those of a clone.

Every response follows the library rules (front matter fields and their
limits, unique titles and shortcuts, known placeholders, Markdown without
raw HTML, bodies of 200-1500 characters). The same arguments give
byte-identical files (and, with --history, identical commit ids).

Python 3 standard library only. OUT_DIR must not exist or be empty.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys

# --------------------------------------------------------------------------
# Vocabulary

CATEGORIES = {
    "greeting": "Greetings",
    "support": "Support",
    "sales": "Sales",
    "closing": "Closing",
    "general": "General",
}

# category -> topic -> subtopics. Folders are category/topic or
# category/topic/subtopic.
FOLDERS = {
    "greeting": {
        "email": ["first-reply", "vip", "partners", "press", "resellers", "b2b"],
        "chat": ["website", "in-app", "mobile", "whatsapp", "messenger"],
        "phone": ["callback", "voicemail", "hotline"],
        "social": ["twitter", "facebook", "instagram", "reviews", "community"],
        "languages": ["german", "portuguese", "spanish", "french"],
        "seasonal": ["black-friday", "new-year", "summer"],
    },
    "support": {
        "account": ["login", "security", "profile", "team-members", "deletion", "sso", "two-factor"],
        "billing": ["invoices", "refunds", "payments", "taxes", "plans", "credits", "dunning"],
        "shipping": ["domestic", "international", "delays", "tracking", "lost-parcels", "customs", "pickup-points"],
        "returns": ["exchanges", "damaged", "warranty", "labels", "restocking", "inspections"],
        "orders": ["changes", "cancellations", "stock", "gift-cards", "pre-orders", "bundles"],
        "technical": ["web-app", "mobile-app", "api", "integrations", "performance", "imports", "exports", "notifications"],
        "devices": ["setup", "firmware", "batteries", "accessories", "pairing", "repairs"],
        "privacy": ["gdpr", "data-export", "cookies", "ccpa"],
        "loyalty": ["points", "tiers", "referrals"],
    },
    "sales": {
        "pricing": ["plans", "discounts", "currencies", "quotes", "nonprofit"],
        "trials": ["extensions", "onboarding", "conversion"],
        "enterprise": ["security-review", "contracts", "procurement", "sla", "invoicing"],
        "partners": ["resellers", "affiliates", "agencies"],
        "upgrades": ["seats", "add-ons", "downgrades"],
        "wholesale": ["bulk-orders", "samples", "terms"],
    },
    "closing": {
        "resolved": ["email", "chat", "phone"],
        "follow-up": ["no-reply", "pending", "reminders"],
        "surveys": ["csat", "nps", "reviews"],
        "handoff": ["escalations", "other-teams", "partners"],
        "farewell": ["cancellations", "churn", "win-back"],
    },
    "general": {
        "announcements": ["product", "pricing-changes", "new-features"],
        "incidents": ["outages", "maintenance", "postmortems"],
        "policies": ["terms", "shipping-policy", "accessibility", "security"],
        "holidays": ["closures", "sales", "shipping-cutoffs"],
        "feedback": ["feature-requests", "complaints", "praise"],
        "internal": ["handover", "templates", "training"],
    },
}

PRODUCTS = [
    "wireless earbuds", "smart thermostat", "standing desk", "coffee grinder",
    "espresso machine", "yoga mat", "hiking backpack", "electric kettle",
    "robot vacuum", "air purifier", "mechanical keyboard", "office chair",
    "phone case", "laptop sleeve", "desk lamp", "water bottle", "smart watch",
    "bluetooth speaker", "running shoes", "winter jacket", "gift card",
    "starter kit", "replacement filter", "charging dock", "travel mug",
    "Starter plan", "Growth plan", "Enterprise plan", "team workspace",
    "mobile app", "web dashboard", "API key", "Slack integration",
    "Shopify integration", "CSV import", "reporting module", "user seats",
    "annual subscription", "monthly subscription", "loyalty points",
]

INTENTS = {
    "greeting": [
        "Welcome message about", "First reply on", "Warm greeting for questions on",
        "Chat opener about", "Callback greeting about", "Greeting for VIP buyers of",
        "Social reply about", "Thanks for asking about",
    ],
    "support": [
        "Refund request for", "Shipping delay on", "Warranty claim for",
        "How to set up the", "Replacement part for", "Troubleshooting the",
        "Login problem with the", "Invoice question about", "Return label for",
        "Damaged delivery of", "Missing item:", "Size exchange for",
        "Payment declined for", "Tracking update for", "Error message in the",
        "Data export from the", "Price adjustment on", "Cancelled order of",
        "Firmware update for", "Battery life of the",
    ],
    "sales": [
        "Pricing question about", "Discount code for", "Bulk order of",
        "Demo request for", "Trial extension for", "Upgrade path to the",
        "Quote request for", "Reseller inquiry about", "Price match on",
        "Nonprofit discount on",
    ],
    "closing": [
        "Closing note after", "Follow-up on", "Survey request after",
        "Resolved:", "Handoff note for", "Last check-in about",
    ],
    "general": [
        "Announcement about", "Policy reminder for", "Holiday hours for",
        "Known issue with the", "Maintenance notice for", "Feedback thanks for",
        "Back in stock:", "Out of stock:", "Recall notice for",
    ],
}

QUALIFIERS = [
    "", "", "", "", " (EU customers)", " (US customers)", " (express orders)",
    " (first reply)", " (follow-up)", " (VIP)", " (marketplace orders)",
    " (after 30 days)", " (business accounts)", " (chat)", " (email)",
]

TAGS = [
    "billing", "refund", "shipping", "delay", "tracking", "returns", "warranty",
    "account", "login", "password", "security", "privacy", "gdpr", "invoice",
    "payment", "card", "subscription", "pricing", "discount", "trial", "demo",
    "enterprise", "onboarding", "setup", "bug", "outage", "maintenance",
    "feedback", "feature-request", "survey", "closing", "follow-up", "greeting",
    "chat", "email", "phone", "vip", "holiday", "policy", "api", "integration",
    "mobile", "web", "firmware", "battery", "exchange", "damaged", "lost-parcel",
    "international", "tax", "vat", "gift-card", "loyalty", "stock", "recall",
    "escalation", "apology", "how-to", "faq", "internal-only",
]

AUTHORS = [
    ("Jane Smith", "jane.smith@acme.example", "-0500"),
    ("Omar Haddad", "omar.haddad@acme.example", "+0100"),
    ("Priya Shah", "priya.shah@acme.example", "+0530"),
    ("Lucas Oliveira", "lucas.oliveira@acme.example", "-0300"),
    ("Mei Chen", "mei.chen@acme.example", "+0800"),
    ("Anna Schmidt", "anna.schmidt@acme.example", "+0100"),
]

FIRST_NAME = '{{ contact.first_name | default: "there" }}'

GREETINGS = {
    "en": [
        "Hi " + FIRST_NAME + ",",
        "Hello " + FIRST_NAME + ",",
        "Hi {{contact.first_name}},",
        "Dear {{ contact.name | default: \"customer\" }},",
        "Hi there,",
        "Thanks for reaching out, " + FIRST_NAME + "!",
    ],
    "de": [
        "Guten Tag {{ contact.name | default: \"und herzlich willkommen\" }},",
        "Hallo {{ contact.first_name | default: \"zusammen\" }},",
    ],
    "pt-BR": [
        "Olá {{ contact.first_name | default: \"e boas-vindas\" }}!",
        "Oi {{ contact.first_name | default: \"tudo bem\" }},",
    ],
}

# Sentences; a paragraph is two or three of them. Slots: {obj} the product or
# topic of the response, {slug} its URL form, {days} {hours} {amount} {pct}
# {weekday} {n} numbers and days, so that bodies built from the same pool
# still differ the way real replies do.
SENTENCES = {
    "en": [
        "Thanks for getting in touch about your {obj}.",
        "I've looked into your account and I can see exactly what happened.",
        "Let me walk you through what we found and what happens next.",
        "I'm sorry for the trouble with your {obj}.",
        "That's not the experience we want anyone to have, and I'll make sure it gets sorted out.",
        "Good news: there's nothing wrong with your account.",
        "The {obj} simply needs a quick reset, which takes less than {n} minutes.",
        "I've passed this on to our specialist team together with everything you've told us.",
        "You won't need to repeat any details.",
        "They usually reply **within {days} business days**.",
        "Your order {{ order.number }} is on its way.",
        "The carrier picked it up on {weekday}, and tracking should update within {hours} hours.",
        "I've checked with our warehouse, and the {obj} is back in stock from {weekday}.",
        "I can reserve one for you if you'd like.",
        "We've issued a refund of {amount} to your original payment method.",
        "Depending on your bank, it takes **{days} to {days2} business days** to show on your statement.",
        "Our team is online Monday to Friday, 9 AM to 6 PM US Eastern.",
        "Messages that arrive outside those hours are answered first thing the next business day.",
        "Could you send me a screenshot of what you see?",
        "It also helps to know the steps you took just before it happened.",
        "As a thank-you for your patience, I've added a credit of {amount} to your account.",
        "It will be applied to your next invoice automatically.",
        "Your ticket number is {{ ticket.id }}.",
        "If you reply to this email, your message goes straight back to me.",
        "This is a known issue with the {obj}, and our engineers are working on a fix.",
        "I've linked your ticket so you'll hear from us the moment it ships.",
        "If you'd rather talk it through, you can call us on [+1 555 010 0200](tel:+15550100200) during business hours.",
        "For security reasons, I can only make this change when the request comes from {{ contact.email | default: \"the email address on your account\" }}.",
        "You can find step-by-step instructions in our [help center](https://help.acme.example/articles/{slug}).",
        "Every plan includes a *{days}-day free trial*, and you can switch or cancel at any time.",
        "I've updated the {obj} settings on our side.",
        "It can take up to {hours} hours for the change to reach every device.",
        "Just to confirm: nothing has been charged yet, and ~~the old price~~ the new price only applies from your next renewal.",
        "We keep invoices for as long as tax law requires and nothing else.",
        "You can read the details in our [privacy policy](https://acme.example/legal/privacy).",
        "If anything else comes up, just reply to this message.",
        "Replying reopens the conversation with the full history attached.",
        "Our billing team can help with anything invoice-related at [billing@acme.example](mailto:billing@acme.example).",
        "I've set a reminder to check on this again on {weekday}.",
        "I'll write to you either way, so you're never left wondering.",
        "Use the `Sync now` button under **Settings > Integrations** to pull in the latest changes.",
        "Most customers who see this are on an older version of the {obj}.",
        "Updating to the latest version fixes it in about {pct}% of cases.",
        "We've extended your trial by {days} days so you have time to try everything properly.",
        "The replacement ships from our warehouse within {days} business days.",
        "There's no need to send the original back.",
        "Returns are free within {n} days of delivery.",
        "The prepaid label is attached to this email.",
        "I've applied a {pct}% discount to your next {n} invoices.",
        "The discount shows on your invoice as a separate line.",
        "Our records show {n} sign-in attempts from a new device on {weekday}.",
        "If that wasn't you, please change your password straight away.",
        "I've reset the two-factor authentication on your account.",
        "The next time you sign in, you'll be asked to set it up again.",
        "The {obj} is covered by our warranty for {n} months from delivery.",
        "Your case falls well within that period, so the repair is free of charge.",
        "I completely understand why this is frustrating.",
        "I've raised it with the team lead, who will review it personally by {weekday}.",
        "Prices are per user, per month, and include every update.",
        "Annual billing saves about {pct}% compared with paying monthly.",
        "I've merged your two accounts, and all {n} projects now live in one place.",
        "The export is ready to download for the next {hours} hours.",
        "It includes everything you've created since you joined.",
        "Unfortunately we can't ship the {obj} to that country yet.",
        "We're adding new destinations every quarter, and I've noted your interest.",
        "Your feedback goes straight to the product team.",
        "They read every request, and the ones many customers ask for move up the list.",
        "The maintenance window starts on {weekday} at {hour} AM US Eastern and lasts about {n} minutes.",
        "You won't lose any data, and everything resumes by itself afterwards.",
        "You'll find live updates on [status.acme.example](https://status.acme.example).",
        "We've corrected the invoice, and the new one replaces the old one.",
        "The VAT number now appears under your company name.",
        "The gift card balance is {amount} and never expires.",
        "Loyalty points are added {days} days after delivery, once the return window has closed.",
    ],
    "de": [
        "Vielen Dank für Ihre Nachricht zu Ihrem Produkt.",
        "Ich habe mir Ihr Konto angesehen und kann Ihnen genau sagen, was passiert ist.",
        "Es tut mir leid, dass es Probleme gab.",
        "Ich kümmere mich persönlich darum, dass alles bis {weekday_de} geklärt ist.",
        "Ihre Bestellung {{ order.number }} ist unterwegs.",
        "Die Sendungsverfolgung wird innerhalb von {hours} Stunden aktualisiert.",
        "Wir haben eine Erstattung über {amount} veranlasst.",
        "Je nach Bank dauert es **{days} bis {days2} Werktage**, bis sie auf Ihrem Konto erscheint.",
        "Wenn Sie weitere Fragen haben, antworten Sie einfach auf diese E-Mail.",
        "Ihre Nachricht landet direkt bei mir.",
        "Eine Schritt-für-Schritt-Anleitung finden Sie in unserem [Hilfe-Center](https://help.acme.example/de/{slug}).",
        "Die Rücksendung ist innerhalb von {n} Tagen kostenlos.",
        "Das Ersatzgerät verlässt unser Lager innerhalb von {days} Werktagen.",
        "Ich habe Ihnen {pct} % Rabatt auf die nächste Rechnung gutgeschrieben.",
        "Ihre Ticketnummer lautet {{ ticket.id }}.",
        "Die Garantie gilt {n} Monate ab Lieferung.",
    ],
    "pt-BR": [
        "Obrigado por entrar em contato.",
        "Verifiquei a sua conta e já sei exatamente o que aconteceu.",
        "Sinto muito pelo transtorno.",
        "Vou garantir que tudo seja resolvido até {weekday_pt}.",
        "O seu pedido {{ order.number }} já está a caminho.",
        "O rastreamento será atualizado em até {hours} horas.",
        "Solicitamos um reembolso de {amount}.",
        "Dependendo do banco, ele aparece na fatura em **{days} a {days2} dias úteis**.",
        "Se tiver qualquer outra dúvida, é só responder a este e-mail.",
        "Você encontra o passo a passo na nossa [central de ajuda](https://help.acme.example/pt-br/{slug}).",
        "A devolução é gratuita em até {n} dias após a entrega.",
        "O produto de reposição sai do nosso armazém em até {days} dias úteis.",
        "Apliquei um desconto de {pct}% na sua próxima fatura.",
        "O número do seu chamado é {{ ticket.id }}.",
        "A garantia vale por {n} meses a partir da entrega.",
    ],
}

SLOT = re.compile(r"(?<!\{)\{(obj|slug|days2|days|hours|hour|amount|pct|n|weekday|weekday_de|weekday_pt)\}")

AMOUNT = {"en": "$%d.%02d", "de": "%d,%02d €", "pt-BR": "R$ %d,%02d"}

WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
    "pt-BR": ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira"],
}

LIST_INTROS = {
    "en": ["Here's what to do next:", "A few things usually help:", "Next steps:", "In short:"],
    "de": ["So geht es weiter:"],
    "pt-BR": ["Próximos passos:"],
}

LIST_ITEMS = {
    "en": [
        "Sign in and open **Settings > Billing**.",
        "Restart the app and try again.",
        "Check your spam or promotions folder for our email.",
        "Make sure the {obj} has the latest update installed.",
        "Reply with your order number and the email address on the order.",
        "Attach a photo of the item and of the shipping label.",
        "Select **Send reset link** and follow the link in the email within 60 minutes.",
        "Print the prepaid return label, or show the QR code at any drop-off point.",
        "Wait a full minute before asking for a new code.",
        "Tell us roughly when it happened, with your time zone.",
        "Unplug the {obj} for 30 seconds, then plug it back in.",
        "Confirm the change from {{ contact.email | default: \"your account email\" }}.",
    ],
    "de": [
        "Melden Sie sich an und öffnen Sie **Einstellungen > Abrechnung**.",
        "Starten Sie die App neu.",
        "Prüfen Sie Ihren Spam-Ordner.",
        "Antworten Sie mit Ihrer Bestellnummer.",
    ],
    "pt-BR": [
        "Entre na sua conta e abra **Configurações > Cobrança**.",
        "Reinicie o aplicativo.",
        "Verifique a pasta de spam.",
        "Responda com o número do seu pedido.",
    ],
}

SIGNOFFS = {
    "en": ["Best,\\\n{{ agent.first_name }}", "Kind regards,\\\n{{ agent.name }}\\\nAcme Support",
           "Thanks,\\\n{{ agent.first_name }}", "Have a great day!"],
    "de": ["Viele Grüße\\\n{{ agent.name }}"],
    "pt-BR": ["Abraços,\\\n{{ agent.first_name }}"],
}

SUBJECTS = [
    "An update on your request", "About your {obj}", "Your Acme order",
    "Re: your question about the {obj}", "Following up on your ticket",
    "Your refund is on its way", "We've received your message",
]

DESCRIPTIONS = [
    "Use only after checking the order in the admin console.",
    "Team lead approval needed for amounts over $200.",
    "Paste into the middle of a reply; it has no greeting.",
    "Set the ticket to Pending after sending.",
    "Retire once the new returns portal launches.",
    "For chat only: keep it short.",
    "Legal reviewed this wording; please don't edit without asking.",
]

TABLE = (
    "| Option | Delivery | Cost |\n"
    "|---|---|---|\n"
    "| Standard | 3-5 business days | free over $50 |\n"
    "| Express | 1-2 business days | $9.90 |\n"
    "| Pickup point | 2-4 business days | free |"
)


# --------------------------------------------------------------------------
# Responses

SAFE_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ,.'()&!?/-]*[A-Za-z0-9.)!?]$")
YAML_WORDS = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}


def yaml_str(s):
    """A YAML scalar for s: plain when that is unambiguous, else double-quoted."""
    if SAFE_PLAIN.match(s) and s.lower() not in YAML_WORDS:
        return s
    return json.dumps(s, ensure_ascii=False)


def slugify(s):
    s = s.lower()
    s = s.replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s[:60].rstrip("-") or "response"


class Response:
    __slots__ = ("folder", "category", "say_category", "title", "shortcut", "tags", "tags_block",
                 "visibility", "owner", "department", "active", "locale",
                 "subject", "description", "blocks", "obj")

    def render(self):
        fm = ["---", "title: " + yaml_str(self.title)]
        if self.shortcut:
            fm.append("shortcut: " + self.shortcut)
        if self.category != "general" or self.say_category:
            # Some general responses rely on the default category.
            fm.append("category: " + self.category)
        if self.tags:
            if self.tags_block:
                fm.append("tags:")
                fm.extend("  - " + t for t in self.tags)
            else:
                fm.append("tags: [" + ", ".join(self.tags) + "]")
        if self.visibility != "shared":
            fm.append("visibility: " + self.visibility)
        if self.owner:
            fm.append("owner: " + self.owner)
        if self.department:
            fm.append("department: " + self.department)
        if not self.active:
            fm.append("active: false")
        if self.locale:
            fm.append("locale: " + self.locale)
        if self.subject:
            fm.append("subject: " + yaml_str(self.subject))
        if self.description:
            fm.append("description: " + yaml_str(self.description))
        fm.append("---")
        return "\n".join(fm) + "\n" + "\n\n".join(self.blocks) + "\n"


class Generator:
    def __init__(self, rng, n_folders):
        self.rng = rng
        self.titles = set()        # lowercased titles of the responses that exist now
        self.shortcuts = set()     # shortcuts ever used
        self.paths = set()         # paths (relative to the library) that exist now
        self.folders = self._folders(n_folders)
        self.counter = 0

    def _folders(self, n):
        pool = []
        for cat, topics in FOLDERS.items():
            for topic, subs in topics.items():
                pool.append(cat + "/" + topic)
                pool.extend(cat + "/" + topic + "/" + s for s in subs)
        self.rng.shuffle(pool)
        chosen = pool[:n]
        extra = 2
        while len(chosen) < n:   # very large corpora: more folders of the same topics
            chosen.extend(p + "-" + str(extra) for p in pool[: n - len(chosen)])
            extra += 1
        # every category must have at least one folder
        for cat in CATEGORIES:
            if not any(f.split("/")[0] == cat for f in chosen):
                chosen.append(next(p for p in pool if p.startswith(cat + "/")))
        return sorted(chosen)

    def new_title(self, category):
        rng = self.rng
        for attempt in range(20):
            intent = rng.choice(INTENTS[category])
            obj = rng.choice(PRODUCTS)
            title = intent + " " + obj + rng.choice(QUALIFIERS)
            if attempt >= 3:
                title += " " + str(rng.randint(2, 999))
            title = title[0].upper() + title[1:]
            if len(title) <= 64 and title.lower() not in self.titles:
                self.titles.add(title.lower())
                return title, obj
        self.counter += 1
        title = "%s %s no. %d" % (intent, obj, self.counter)
        self.titles.add(title.lower())
        return title, obj

    def new_shortcut(self, title):
        words = re.findall(r"[a-z0-9]+", title.lower())
        base = "-".join(w for w in words if w not in ("the", "for", "of", "on", "a", "to", "about", "with"))[:40].strip("-")
        base = base or "r"
        s, k = base, 2
        while s in self.shortcuts:
            s = "%s-%d" % (base, k)
            k += 1
        self.shortcuts.add(s)
        return s

    def new_path(self, folder, title):
        base = folder + "/" + slugify(title)
        p, k = base + ".md", 2
        while p in self.paths:
            p = "%s-%d.md" % (base, k)
            k += 1
        self.paths.add(p)
        return p

    def fill(self, text, locale, obj):
        """Fill the {slots} of a sentence, drawing only the numbers it uses."""
        if "{" not in text.replace("{{", ""):
            return text
        rng = self.rng
        days = []

        def value(m):
            slot = m.group(1)
            if slot == "obj":
                return obj
            if slot == "slug":
                return slugify(obj)
            if slot == "days":
                days.append(rng.randint(2, 10))
                return str(days[-1])
            if slot == "days2":
                return str((days[-1] if days else 5) + rng.randint(2, 5))
            if slot == "hours":
                return str(rng.choice((2, 4, 12, 24, 48)))
            if slot == "hour":
                return str(rng.randint(1, 11))
            if slot == "amount":
                return AMOUNT[locale] % (rng.randint(5, 400), rng.choice((0, 0, 50, 90, 99)))
            if slot == "pct":
                return str(rng.choice((5, 10, 15, 17, 20, 25, 30, 40, 50)))
            if slot == "n":
                return str(rng.randint(2, 30))
            return rng.choice(WEEKDAYS[locale])

        return SLOT.sub(value, text)

    def paragraph(self, locale, obj):
        pool = SENTENCES[locale]
        picked = self.rng.sample(range(len(pool)), self.rng.randint(2, 3))
        return " ".join(self.fill(pool[i], locale, obj) for i in picked)

    def block(self, locale, obj, used=None):
        """One body block: mostly paragraphs, sometimes a list or a table
        (at most one of each per body: `used` remembers)."""
        used = set() if used is None else used
        r = self.rng.random()
        if r < 0.18 and "list" not in used:
            used.add("list")
            items = self.rng.sample(LIST_ITEMS[locale], min(len(LIST_ITEMS[locale]), self.rng.randint(2, 4)))
            numbered = self.rng.random() < 0.5
            lines = [("%d. " % (i + 1) if numbered else "- ") + it.replace("{obj}", obj) for i, it in enumerate(items)]
            return self.rng.choice(LIST_INTROS[locale]) + "\n\n" + self.fill("\n".join(lines), locale, obj)
        if 0.18 <= r < 0.21 and locale == "en" and "table" not in used:
            used.add("table")
            return "Here are your delivery options:\n\n" + TABLE
        return self.paragraph(locale, obj)

    def body(self, locale, obj, category):
        rng = self.rng
        # The German and Portuguese sentence pools are small: keep those
        # bodies short so that they do not repeat themselves.
        target = rng.randint(200, 1500 if locale == "en" else 600)
        blocks, used = [], set()
        if category != "general" or locale != "en" or rng.random() < 0.5:
            blocks.append(rng.choice(GREETINGS[locale]))
        signoff = rng.choice(SIGNOFFS[locale]) if rng.random() < 0.7 else None
        fixed = len(signoff) + 2 if signoff else 0
        while True:
            b = self.block(locale, obj, used)
            size = sum(len(x) + 2 for x in blocks) + fixed
            if size + len(b) > 1500:
                if size >= 200:
                    break
                continue
            blocks.append(b)
            if size + len(b) >= target:
                break
        if signoff:
            blocks.append(signoff)
        return blocks

    def new_response(self, folder=None):
        rng = self.rng
        r = Response()
        r.folder = folder or rng.choice(self.folders)
        r.category = r.folder.split("/")[0]
        r.say_category = rng.random() < 0.5
        r.title, r.obj = self.new_title(r.category)
        r.shortcut = self.new_shortcut(r.title) if rng.random() < 0.5 else None
        ntags = rng.choice([0, 1, 2, 2, 3, 3, 4, 5])
        r.tags = rng.sample(TAGS, ntags)
        r.tags_block = rng.random() < 0.15
        v = rng.random()
        r.visibility, r.owner, r.department = "shared", None, None
        if v < 0.05:
            name, email, _ = rng.choice(AUTHORS)
            r.visibility, r.owner = "private", email
        elif v < 0.10:
            r.visibility, r.department = "department", rng.choice(["billing", "shipping"])
        r.active = rng.random() >= 0.03
        loc = rng.random()
        r.locale = "de" if loc < 0.03 else "pt-BR" if loc < 0.05 else ("en" if loc < 0.08 else None)
        r.subject = rng.choice(SUBJECTS).replace("{obj}", r.obj) if rng.random() < 0.3 else None
        r.description = rng.choice(DESCRIPTIONS) if rng.random() < 0.2 else None
        r.blocks = self.body(r.locale or "en", r.obj, r.category)
        return r

    # -- edits used by the history ------------------------------------------

    def edit_body(self, r):
        """Change one paragraph or add one, the way an author tweaks wording."""
        locale = r.locale or "en"
        blocks = list(r.blocks)
        first = 1 if len(blocks) > 2 else 0
        i = self.rng.randint(first, max(first, len(blocks) - 2))
        new = self.paragraph(locale, r.obj)
        if self.rng.random() < 0.5:
            blocks[i] = new
        else:
            blocks.insert(i + 1, new)
        if 200 <= len("\n\n".join(blocks).strip()) <= 1500:
            r.blocks = blocks
        else:
            r.blocks = self.body(locale, r.obj, r.category)

    def retitle(self, r):
        self.titles.discard(r.title.lower())
        r.title, _ = self.new_title(r.category)


def config_yaml(name):
    lines = [
        "name: " + name,
        "default_locale: en",
        "categories:",
    ]
    lines += ["  %s: %s" % kv for kv in CATEGORIES.items()]
    lines += [
        "departments: [billing, shipping]",
        "placeholders:",
        "  order.number:",
        "    description: The customer's order number",
        "    example: \"#1042\"",
        "    targets:",
        "      zendesk: \"{{ticket.ticket_field_360001}}\"",
    ]
    return "\n".join(lines) + "\n"


def n_folders(n):
    return max(5, round(n / 50))


# --------------------------------------------------------------------------
# Plain corpus

def write_corpus(out, n, seed):
    rng = random.Random(seed)
    gen = Generator(rng, n_folders(n))
    files = {}
    for _ in range(n):
        r = gen.new_response()
        files[gen.new_path(r.folder, r.title)] = r.render()
    files["cannery.yaml"] = config_yaml("Acme Support")
    made = set()
    for path in sorted(files):
        d = os.path.join(out, os.path.dirname(path))
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        with open(os.path.join(out, path), "w", encoding="utf-8", newline="\n") as f:
            f.write(files[path])
    return len(files) - 1


# --------------------------------------------------------------------------
# History

class Stream:
    """Writes a git fast-import stream."""

    def __init__(self, pipe):
        self.pipe = pipe
        self.mark = 0

    def data(self, b):
        self.pipe.write(b"data %d\n" % len(b))
        self.pipe.write(b)
        self.pipe.write(b"\n")

    def commit(self, author, when, message, changes):
        name, email, tz = author
        self.mark += 1
        who = ("%s <%s> %d %s" % (name, email, when, tz)).encode()
        self.pipe.write(b"commit refs/heads/main\nmark :%d\n" % self.mark)
        self.pipe.write(b"author " + who + b"\ncommitter " + who + b"\n")
        self.data(message.encode())
        if self.mark > 1:
            self.pipe.write(b"from :%d\n" % (self.mark - 1))
        for change in changes:
            if change[0] == "M":
                self.pipe.write(b"M 100644 inline " + change[1].encode() + b"\n")
                self.data(change[2].encode())
            elif change[0] == "D":
                self.pipe.write(b"D " + change[1].encode() + b"\n")
            elif change[0] == "R":
                self.pipe.write(b"R " + change[1].encode() + b" " + change[2].encode() + b"\n")
        self.pipe.write(b"\n")


def git_env():
    env = dict(os.environ)
    # The user's own git configuration must not change what is generated.
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
               LC_ALL="C", GIT_TERMINAL_PROMPT="0")
    return env


def write_history(out, n, commits, seed):
    rng = random.Random(seed)
    gen = Generator(rng, n_folders(n))
    env = git_env()
    os.makedirs(out, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", out], check=True, env=env)
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=out,
                            stdin=subprocess.PIPE, env=env)
    stream = Stream(proc.stdin)
    lib = "library/"
    live = []          # paths of the responses that exist now, in a stable order
    index = {}         # path -> position in live
    resp = {}          # path -> Response

    def add(path, r):
        index[path] = len(live)
        live.append(path)
        resp[path] = r

    def remove(path):
        i = index.pop(path)
        last = live.pop()
        if last != path:
            live[i] = last
            index[last] = i
        gen.paths.discard(path)
        return resp.pop(path)

    when = 1641200400          # 2022-01-03T09:00:00Z
    author_i = 0

    def tick():
        nonlocal when, author_i
        when += rng.randint(600, 4 * 3600)
        if rng.random() < 0.3:
            author_i = rng.randrange(len(AUTHORS))
        return AUTHORS[author_i]

    # The first commits add the responses in batches: a tenth of the history,
    # at least one commit, at most one commit per 20 responses.
    n_batches = max(1, min(commits // 10 or 1, max(1, n // 20), commits))
    per_batch = [n // n_batches + (1 if i < n % n_batches else 0) for i in range(n_batches)]
    for b, count in enumerate(per_batch):
        changes = []
        if b == 0:
            changes.append(("M", lib + "cannery.yaml", config_yaml("Acme Support")))
            changes.append(("M", "README.md", "# Acme Support\n\nOur canned responses live in `library/`.\n"))
        for _ in range(count):
            r = gen.new_response()
            path = gen.new_path(r.folder, r.title)
            add(path, r)
            changes.append(("M", lib + path, r.render()))
        msg = "Add %d responses (batch %d of %d)\n" % (count, b + 1, n_batches)
        if b == 0:
            msg = "Start the Acme Support library\n\nAdd the configuration and the first %d responses.\n" % count
        stream.commit(tick(), when, msg, changes)

    for _ in range(commits - n_batches):
        author = tick()
        changes, touched, words = [], set(), []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4, 5])):
            # Keep the count near n: create more when below, delete more when above.
            gap = (n - len(live)) / max(1, n)
            op = rng.choices(
                ["edit", "retitle", "rename", "move", "delete", "create"],
                weights=[50, 10, 6, 6, 8 - 400 * min(0.02, gap), 8 + 400 * max(-0.02, gap)] if live else [0, 0, 0, 0, 0, 1],
            )[0]
            if op == "create":
                r = gen.new_response()
                path = gen.new_path(r.folder, r.title)
                add(path, r)
                touched.add(path)
                changes.append(("M", lib + path, r.render()))
                words.append("add " + r.title)
                continue
            path = live[rng.randrange(len(live))]
            if path in touched:
                continue
            r = resp[path]
            if op == "edit":
                gen.edit_body(r)
                changes.append(("M", lib + path, r.render()))
                words.append("reword " + r.title)
            elif op == "retitle":
                old = r.title
                gen.retitle(r)
                changes.append(("M", lib + path, r.render()))
                words.append("retitle \"%s\" as \"%s\"" % (old, r.title))
            elif op == "delete":
                remove(path)
                gen.titles.discard(r.title.lower())
                changes.append(("D", lib + path))
                words.append("retire " + r.title)
            else:
                # rename: a new file name in the same folder (pure rename, or
                # with an edit so that git has to detect it by similarity);
                # move: to another folder, and the category follows.
                if op == "move" and len(gen.folders) > 1:
                    old_folder = r.folder
                    while r.folder == old_folder:
                        r.folder = rng.choice(gen.folders)
                    r.category = r.folder.split("/")[0]
                # The old path is still taken here, so the new one differs.
                new = gen.new_path(r.folder, r.title + (" " + rng.choice(["v2", "new", "updated", "old"]) if op == "rename" else ""))
                remove(path)
                add(new, r)
                touched.add(new)
                if op == "move" or rng.random() < 0.5:
                    if op == "move" and rng.random() < 0.3:
                        gen.edit_body(r)
                    changes.append(("D", lib + path))
                    changes.append(("M", lib + new, r.render()))
                else:
                    changes.append(("R", lib + path, lib + new))
                words.append(("move %s to %s/" if op == "move" else "rename %s to %s") % (path, r.folder if op == "move" else new))
            touched.add(path)
        if not changes:
            r = gen.new_response()
            path = gen.new_path(r.folder, r.title)
            add(path, r)
            changes.append(("M", lib + path, r.render()))
            words.append("add " + r.title)
        subject = words[0][0].upper() + words[0][1:]
        if len(words) > 1:
            subject += " and %d more change%s" % (len(words) - 1, "s" if len(words) > 2 else "")
        stream.commit(author, when, subject + "\n", changes)

    proc.stdin.write(b"done\n")
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=out, check=True, env=env)
    # fast-import stores each tree as a delta against its previous version,
    # so the newest trees sit at the end of chains 50 deep; its manual
    # recommends `git repack -a -d` afterwards, and every clone or `git gc`
    # gets packs laid out the other way (the newest whole, older ones as
    # deltas). -f recomputes the deltas, so the repository is like one a
    # user has. One thread keeps the result the same on every machine.
    subprocess.run(["git", "-c", "pack.threads=1", "repack", "-q", "-a", "-d", "-f"],
                   cwd=out, check=True, env=env)
    return len(live)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--responses", type=int, required=True, metavar="N")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--history", type=int, metavar="COMMITS",
                    help="make OUT_DIR a git repository with this many commits")
    args = ap.parse_args()
    if args.responses < 1:
        ap.error("--responses must be at least 1")
    if args.history is not None and args.history < 1:
        ap.error("--history must be at least 1")
    if os.path.exists(args.out_dir) and os.listdir(args.out_dir):
        ap.error("%s exists and is not empty" % args.out_dir)
    if args.history is None:
        count = write_corpus(args.out_dir, args.responses, args.seed)
        print("wrote %d responses to %s" % (count, args.out_dir), file=sys.stderr)
    else:
        count = write_history(args.out_dir, args.responses, args.history, args.seed)
        print("wrote %d commits to %s; %d responses in library/ at the end"
              % (args.history, args.out_dir, count), file=sys.stderr)


if __name__ == "__main__":
    main()
