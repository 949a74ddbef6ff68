"""Fictional member organizations and the major platforms."""

PLATFORMS = [
    ("X (Twitter)", "x", "X Corp.", "https://x.com"),
    ("Facebook", "facebook", "Meta Platforms, Inc.", "https://www.facebook.com"),
    ("Instagram", "instagram", "Meta Platforms, Inc.", "https://www.instagram.com"),
    ("YouTube", "youtube", "Google LLC", "https://www.youtube.com"),
    ("TikTok", "tiktok", "ByteDance Ltd.", "https://www.tiktok.com"),
    ("Telegram", "telegram", "Telegram FZ-LLC", "https://telegram.org"),
    ("WhatsApp", "whatsapp", "Meta Platforms, Inc.", "https://www.whatsapp.com"),
]

# name, slug, country, website, steering committee
ORGANIZATIONS = [
    ("Digital Rights Watch Lagos", "drw-lagos", "NG", "https://drw-lagos.example.org", True),
    ("Kenya Online Safety Forum", "kosf", "KE", "https://kosf.example.org", False),
    ("Mumbai Media Monitor", "mumbai-media-monitor", "IN", "https://mmm.example.org", True),
    ("Myanmar Tech Accountability Network", "mtan", "MM", "https://mtan.example.org", True),
    ("Sarajevo Centre for Memory and Truth", "scmt", "BA", "https://scmt.example.org", False),
    ("Observatório Digital Brasil", "odb", "BR", "https://odb.example.org", True),
    ("Red Latinoamericana contra el Odio", "relco", "MX", "https://relco.example.org", False),
    ("London Online Hate Research Unit", "lohru", "GB", "https://lohru.example.org", False),
    ("Levant Digital Rights Collective", "ldrc", "LB", "https://ldrc.example.org", True),
    ("Karachi Citizens Media Lab", "kcml", "PK", "https://kcml.example.org", False),
    ("Tunis Observatory for Online Speech", "toos", "TN", "https://toos.example.org", False),
    ("Dhaka Fact and Context", "dfc", "BD", "https://dfc.example.org", False),
    ("Colectivo Verdad Digital", "cvd", "CO", "https://cvd.example.org", False),
]

# email, name, organization slug, organization role, steering, admin, description
PEOPLE = [
    ("admin@coalition.example", "Amina Okafor", "drw-lagos", "org_admin", False, True, "coalition administrator"),
    (
        "steering@coalition.example",
        "Rahul Mehta",
        "mumbai-media-monitor",
        "signatory",
        True,
        False,
        "steering committee",
    ),
    (
        "orgadmin@coalition.example",
        "Wanjiru Kamau",
        "kosf",
        "org_admin",
        False,
        False,
        "organization administrator (Kenya Online Safety Forum)",
    ),
    (
        "signatory@coalition.example",
        "Achieng Otieno",
        "kosf",
        "signatory",
        False,
        False,
        "signatory (Kenya Online Safety Forum)",
    ),
    ("member@coalition.example", "Brian Mwangi", "kosf", "member", False, False, "member (Kenya Online Safety Forum)"),
    (
        "member.b@coalition.example",
        "Lejla Hadžić",
        "scmt",
        "member",
        False,
        False,
        "member (Sarajevo Centre for Memory and Truth)",
    ),
]

# title, platform slug, categories, language, country, severity, status, visibility, excerpt, reports
# (reported_on, channel, outcome, outcome_on) with dates relative to today in days.
INCIDENTS = [
    (
        "Video calling a minority community 'vermin' shared by a regional politician",
        "facebook",
        ["dehumanisation", "hate_speech"],
        "sw",
        "KE",
        "3",
        "published",
        "public",
        "Wao ni wadudu, lazima waondoke.",
        [(-40, "trusted_flagger", "restricted", -25)],
    ),
    (
        "Coordinated posts inciting attacks on Rohingya refugees",
        "facebook",
        ["incitement", "hate_speech"],
        "my",
        "MM",
        "4",
        "published",
        "public",
        "",
        [(-60, "trusted_flagger", "no_violation", -20), (-18, "legal", "pending", None)],
    ),
    (
        "Denial of the Srebrenica genocide in a viral short video",
        "tiktok",
        ["atrocity_denial"],
        "bs",
        "BA",
        "3",
        "verified",
        "coalition",
        "Srebrenica je izmišljotina.",
        [(-12, "in_app", "pending", None)],
    ),
    (
        "False claim that a vaccine campaign sterilises girls",
        "whatsapp",
        ["disinformation", "conspiracy"],
        "ha",
        "NG",
        "2",
        "submitted",
        "coalition",
        "",
        [],
    ),
    (
        "Harassment campaign against a woman journalist",
        "x",
        ["harassment", "misogyny"],
        "hi",
        "IN",
        "3",
        "published",
        "public",
        "इसे सबक सिखाना होगा",
        [(-30, "in_app", "removed", -28)],
    ),
    (
        "Anti-LGBTQ+ slurs in comments under a news video",
        "youtube",
        ["anti_lgbtq", "hate_speech"],
        "pt",
        "BR",
        "2",
        "draft",
        "organization",
        "",
        [],
    ),
]

# platform slug, area, title, deadline in days from today (None: none), updates:
# (days from today, claimed, verified, progress, note, source)
COMMITMENTS = [
    (
        "facebook",
        "exemptions",
        "Publish the list of accounts exempt from moderation and end the exemptions",
        -30,
        [
            (
                -90,
                "committed",
                "not_assessed",
                0,
                "Announced in a reply to the coalition's letter.",
                "https://about.example.com/news/exemptions",
            ),
            (
                -10,
                "partly_implemented",
                "contradicted",
                30,
                "The platform says exemptions ended; a politician's posts calling for violence stayed up for 9 days.",
                "https://transparency.example.com/report",
            ),
        ],
    ),
    (
        "facebook",
        "languages",
        "Hire moderators for Burmese, Hausa and Swahili",
        60,
        [
            (
                -45,
                "in_progress",
                "progress_confirmed",
                40,
                "Job postings for Swahili and Hausa reviewers seen.",
                "https://careers.example.com/moderation",
            )
        ],
    ),
    (
        "youtube",
        "algorithms",
        "Stop recommending videos that deny documented genocides",
        -5,
        [(-60, "implemented", "cannot_verify", 100, "The platform claims the change; no data was shared.", None)],
    ),
    (
        "tiktok",
        "transparency",
        "Give coalition researchers access to moderation data by language",
        None,
        [(-20, "declined", "not_assessed", 0, "The platform declined in a meeting.", None)],
    ),
    ("x", "policies", "Publish and enforce a clear violent-organizations policy", 90, []),
]

LETTER = {
    "title": "Open letter: end impunity for the powerful on Facebook",
    "addressee_name": "Mark Zuckerberg",
    "addressee_title": "Chief Executive Officer",
    "addressee_address": "Meta Platforms, Inc.\n1 Hacker Way\nMenlo Park, CA 94025\nUnited States",
    "body": "Dear Mr Zuckerberg,\n\nWe, the undersigned civil-society organizations from across Africa, Asia, "
    "Latin America, Europe and the Middle East, write to ask Meta to act on hate and incitement that "
    "its systems still amplify, in every language our communities speak.\n\nYours sincerely,",
    "demands": [
        "End moderation exemptions for politically powerful accounts and publish who benefited from them.",
        "Clarify and enforce the violent organizations and hateful conduct policies in every market.",
        "Resource content moderation proportionately in every language.",
        "Stop algorithms from amplifying hate and disinformation.",
    ],
    "french_title": "Lettre ouverte : mettre fin à l'impunité des puissants sur Facebook",
    # Complete translations, saved like the French one (Burmese in Unicode).
    "translations": {
        "bn": {
            "title": "খোলা চিঠি: ফেসবুকে ক্ষমতাবানদের দায়মুক্তির অবসান চাই",
            "body": "প্রিয় মি. জাকারবার্গ,\n\nআমরা, আফ্রিকা, এশিয়া, লাতিন আমেরিকা, ইউরোপ ও মধ্যপ্রাচ্যের "
            "নিম্নস্বাক্ষরকারী নাগরিক সমাজ সংগঠনগুলো, মেটাকে অনুরোধ জানাতে লিখছি: আপনাদের সিস্টেম এখনও যে "
            "ঘৃণা ও উসকানি বাড়িয়ে তোলে, আমাদের সম্প্রদায়গুলো যত ভাষায় কথা বলে তার প্রতিটিতে তার বিরুদ্ধে "
            "ব্যবস্থা নিন।\n\nভবদীয়,",
            "demands": [
                "রাজনৈতিকভাবে ক্ষমতাধর অ্যাকাউন্টগুলোকে কনটেন্ট মডারেশন থেকে দেওয়া ছাড় বন্ধ করুন এবং কারা এই "
                "ছাড়ের সুবিধা পেয়েছে তা প্রকাশ করুন।",
                "প্রতিটি বাজারে সহিংস সংগঠন ও বিদ্বেষমূলক আচরণ সংক্রান্ত নীতিমালা স্পষ্ট করুন এবং তা প্রয়োগ করুন।",
                "প্রতিটি ভাষায় প্রয়োজনের অনুপাতে কনটেন্ট মডারেশনের জন্য সম্পদ বরাদ্দ করুন।",
                "অ্যালগরিদমের মাধ্যমে ঘৃণা ও অপতথ্যের প্রসার বাড়ানো বন্ধ করুন।",
            ],
        },
        "my": {
            "title": "ပွင့်လင်းပေးစာ - Facebook ပေါ်ရှိ အာဏာရှိသူများ အပြစ်ပေးအရေးယူခြင်းမှ ကင်းလွတ်နေမှုကို အဆုံးသတ်ပါ",
            "body": "လေးစားအပ်ပါသော မစ္စတာ ဇူကာဘတ်ခ်၊\n\nအာဖရိက၊ အာရှ၊ လက်တင်အမေရိက၊ ဥရောပနှင့် "
            "အရှေ့အလယ်ပိုင်းဒေသများမှ အောက်တွင် လက်မှတ်ရေးထိုးထားသော အရပ်ဘက်အဖွဲ့အစည်းများဖြစ်သည့် "
            "ကျွန်ုပ်တို့သည် Meta ၏ စနစ်များက ယနေ့တိုင် ချဲ့ထွင်ပျံ့နှံ့စေနေဆဲဖြစ်သော အမုန်းစကားနှင့် "
            "အကြမ်းဖက်ရန် လှုံ့ဆော်မှုများကို ကျွန်ုပ်တို့၏ လူထုအသိုင်းအဝိုင်းများ ပြောဆိုသည့် ဘာသာစကားတိုင်းတွင် "
            "အရေးယူဆောင်ရွက်ရန် Meta ကို တောင်းဆိုရန် ဤစာကို ရေးသားလိုက်ပါသည်။\n\nလေးစားစွာဖြင့်",
            "demands": [
                "နိုင်ငံရေးအရ အာဏာရှိသော အကောင့်များကို အကြောင်းအရာ စိစစ်ထိန်းချုပ်မှုမှ ကင်းလွတ်ခွင့်ပေးခြင်းကို "
                "ရပ်တန့်ပြီး ယင်းကင်းလွတ်ခွင့်ကို ခံစားခဲ့သူများကို ထုတ်ပြန်ပါ။",
                "ဈေးကွက်တိုင်းတွင် အကြမ်းဖက်အဖွဲ့အစည်းများနှင့် အမုန်းတရားဖြင့် ပြုမူမှုဆိုင်ရာ မူဝါဒများကို ရှင်းလင်းစွာ သတ်မှတ်ပြီး လိုက်နာကျင့်သုံးစေပါ။",
                "ဘာသာစကားတိုင်းအတွက် အကြောင်းအရာ စိစစ်ထိန်းချုပ်ရေးတွင် အချိုးကျ အရင်းအမြစ်များ ချထားပေးပါ။",
                "အမုန်းစကားနှင့် သတင်းမှားများကို အယ်လ်ဂိုရီသမ်များက ချဲ့ထွင်ပျံ့နှံ့စေခြင်းကို ရပ်တန့်ပါ။",
            ],
        },
    },
    "signers": ["orgadmin@coalition.example", "steering@coalition.example"],
}

# A members' poll across time zones (slots in UTC, days from today at the given hour) and a monthly series.
MEETING_POLL = {
    "title": "Working group on language resourcing",
    "timezone": "Europe/London",
    "slots": [(7, 7), (7, 14), (8, 16)],
    "invitees": ["member@coalition.example", "member.b@coalition.example", "steering@coalition.example"],
}
MEETING_SERIES = {
    "title": "Steering committee call",
    "timezone": "Africa/Nairobi",
    "rule": "FREQ=MONTHLY;BYDAY=+3WE",
    "hour": 15,
    "count": 6,
    "invitees": ["steering@coalition.example", "admin@coalition.example"],
}

# A second open letter, not signed by the Kenya Online Safety Forum: its signatory has a letter awaiting them.
SECOND_LETTER = {
    "platform": "tiktok",
    "title": "Open letter: moderate hate in every language on TikTok",
    "addressee_name": "Head of Trust and Safety",
    "addressee_title": "TikTok",
    "addressee_address": "TikTok Pte. Ltd.\n1 Raffles Quay\nSingapore 048583",
    "body": "Dear Head of Trust and Safety,\n\nWe, the undersigned organizations, document hate and incitement on "
    "TikTok in more than ten languages. Reports in English are answered within days; reports in Swahili, "
    "Bosnian or Hausa often never are.\n\nYours sincerely,",
    "demands": [
        "Publish how many moderators review content in each language.",
        "Answer trusted-flagger reports in every language within the same time as in English.",
        "Stop recommending videos that deny documented atrocities.",
    ],
    "signers": ["steering@coalition.example", "admin@coalition.example"],
}

# The archive: a year of published public incidents (``load_archive``), so that public figures pass the threshold
# below which counts are hidden. Each stream: platform slug, country, language, incidents, how many the platform
# acted on; the filer is the demo organization of the country.
ARCHIVE_STREAMS = [
    ("facebook", "GB", "en", 6, 5),
    ("facebook", "NG", "en", 4, 3),
    ("facebook", "KE", "en", 4, 2),
    ("facebook", "MM", "my", 10, 5),
    ("facebook", "KE", "sw", 6, 0),
    ("facebook", "IN", "hi", 5, 2),
    ("facebook", "LB", "ar", 5, 0),
    ("x", "GB", "en", 6, 5),
    ("x", "IN", "hi", 6, 2),
    ("x", "PK", "ur", 6, 0),
    ("x", "TN", "ar", 5, 0),
    ("tiktok", "BA", "bs", 6, 0),
    ("tiktok", "BR", "pt", 6, 5),
    ("tiktok", "MX", "es", 5, 2),
    ("youtube", "IN", "hi", 4, 2),
    ("youtube", "BR", "pt", 5, 3),
    ("youtube", "BA", "bs", 3, 1),
    ("youtube", "GB", "en", 3, 2),
    ("telegram", "MM", "my", 5, 0),
    ("telegram", "LB", "ar", 3, 0),
    ("whatsapp", "NG", "ha", 6, 0),
    ("instagram", "PK", "ur", 3, 1),
    ("instagram", "KE", "sw", 3, 2),
    ("instagram", "CO", "es", 5, 3),
]
ARCHIVE_DAYS = 365  # incidents first seen up to this many days ago

# Kinds of incident: categories, how often (weight), and title templates filled from the lists below.
ARCHIVE_KINDS = [
    (
        ["hate_speech", "dehumanisation"],
        5,
        ["{form} calling {target} 'vermin', shared by {speaker}", "{form} comparing {target} to a disease"],
    ),
    (
        ["hate_speech", "dehumanisation", "incitement"],
        4,
        ["{form} urging people to drive {target} out of town", "Call to boycott and attack shops owned by {target}"],
    ),
    (
        ["disinformation", "hate_speech"],
        3,
        ["False claim that {target} poisoned a water supply", "Doctored {form} blaming {target} for a fire"],
    ),
    (["disinformation", "conspiracy", "hate_speech"], 2, ["{form} claiming {target} plan to 'replace' the majority"]),
    (
        ["harassment", "misogyny"],
        2,
        ["Threats against a woman journalist after her report on {target}", "Abuse campaign against a woman candidate"],
    ),
    (["atrocity_denial", "hate_speech"], 2, ["{form} denying a documented massacre of {target}"]),
    (["anti_lgbtq", "hate_speech"], 2, ["{form} calling for LGBTQ+ people to be 'cured', from {speaker}"]),
    (["violent_extremism"], 1, ["Recruitment {form} for an armed group targeting {target}"]),
]
ARCHIVE_FORMS = ["video", "post", "livestream", "voice note", "image", "thread"]
# Whom it targets, and the community code recorded.
ARCHIVE_TARGETS = [
    ("a religious minority", "religious_minority"),
    ("refugees", "migrants_refugees"),
    ("an ethnic minority", "ethnic_minority"),
    ("migrant workers", "migrants_refugees"),
    ("Indigenous communities", "indigenous"),
]
# Who posted it, and the account's prominence.
ARCHIVE_SPEAKERS = [
    ("a regional politician", "political"),
    ("a popular influencer", "influencer"),
    ("an anonymous account", "ordinary"),
    ("a local news page", "ordinary"),
    ("a group of accounts", "ordinary"),
]
ARCHIVE_SEVERITIES = {"1": 2, "2": 4, "3": 3, "4": 1}  # severity: weight
ARCHIVE_CHANNELS = {"in_app": 5, "trusted_flagger": 3, "direct": 1, "legal": 1}
ARCHIVE_ACTED = {"removed": 5, "restricted": 3, "account_suspended": 2, "geo_blocked": 1}
ARCHIVE_NOT_ACTED = {"no_violation": 3, "pending": 2}  # pending: never answered
