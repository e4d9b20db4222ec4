"""The default community guidelines (rules at version 1) and a small starter lexicon in both languages.

This only seeds: admins edit the rules and the lexicon afterwards through the staff API and pages
(hongshu.screening.catalog), which version every change. The lexicon is deliberately small and specific: it
shows screening at work on a fresh instance (`make run`) without holding everyday notes. Terms that honest
notes use as often as spammers do (代购, "link in bio") are listed in shadow mode: matches are recorded,
nothing is held. Severity: 1 low, 2 medium, 3 high, 4 critical.
"""

from typing import Any

from django.db import migrations

RULES: list[tuple[str, int, str, str, str, str]] = [
    # (code, severity, title_en, title_zh, text_en, text_zh)
    (
        "spam",
        2,
        "Spam",
        "垃圾信息",
        "Don't post repetitive, unsolicited or misleading content to drive clicks, followers or sales. This "
        "includes copy-pasted promotions, fake engagement (buying or trading likes and follows) and comments "
        "that have nothing to do with the note.",
        "请勿发布重复、未经请求或带有误导性的内容来引流、涨粉或卖货，包括复制粘贴的推广、刷赞刷粉等虚假互动，"
        "以及与笔记无关的评论。",
    ),
    (
        "scam",
        4,
        "Scams and fraud",
        "诈骗与欺诈",
        "Don't try to trick people out of money, accounts or personal information. Fake giveaways, "
        "\"guaranteed\" returns, pay-to-work schemes and phishing links are removed, and the accounts behind "
        "them may be closed.",
        "不得以任何方式骗取他人的钱财、账号或个人信息。虚假抽奖、“稳赚不赔”的投资、刷单返利和钓鱼链接"
        "一经发现即删除，相关账号可能被封禁。",
    ),
    (
        "off-platform-sales",
        2,
        "Taking sales off the platform",
        "站外引流交易",
        "Don't use notes, comments or your profile to move people to other apps or private chats to sell to "
        "them. Saying where you bought something is fine; posting contact details to take orders is not.",
        "请勿通过笔记、评论或个人资料把大家引到其他平台或私聊中交易。分享购买渠道没问题，"
        "但留联系方式接单、拉人进群卖货是不允许的。",
    ),
    (
        "adult",
        3,
        "Sexual content",
        "色情低俗内容",
        "No sexually explicit images, videos or text, and no offers of sexual services. Content that "
        "sexualises minors is never allowed and is reported to the authorities.",
        "禁止发布色情露骨的图片、视频或文字，禁止提供或招揽色情服务。任何涉及未成年人的色情或性暗示内容"
        "一律禁止，并将上报有关部门。",
    ),
    (
        "harassment",
        2,
        "Harassment and bullying",
        "骚扰与霸凌",
        "Don't insult, threaten, shame or repeatedly target anyone, and don't rally others to pile on. "
        "Disagree with ideas, not with people.",
        "不得辱骂、羞辱、恐吓或反复针对他人，也不要煽动他人围攻。有不同意见，请对事不对人。",
    ),
    (
        "hate",
        3,
        "Hate speech",
        "仇恨言论",
        "Don't attack or demean people for their race, ethnicity, nationality, religion, gender, sexual "
        "orientation, disability or illness. Slurs and hateful stereotypes are removed.",
        "不得因种族、民族、国籍、宗教、性别、性取向、残障或疾病攻击或贬低他人。"
        "歧视性称呼和带有仇恨的刻板印象会被删除。",
    ),
    (
        "violence",
        4,
        "Violence and threats",
        "暴力与威胁",
        "Don't threaten, incite or glorify violence against anyone, and don't share graphic violence for "
        "shock value.",
        "不得威胁、煽动或美化针对任何人的暴力，也不要为博眼球发布血腥暴力的内容。",
    ),
    (
        "self-harm",
        3,
        "Suicide and self-harm",
        "自杀与自残",
        "Don't encourage suicide, self-harm or eating disorders, or explain how to do them. If you are going "
        "through a hard time, you are welcome to talk about it here, and we may point you to people who can "
        "help.",
        "不得鼓励或教唆自杀、自残或进食障碍。如果你正在经历难关，欢迎在这里说出来，"
        "我们也可能为你提供求助的渠道。",
    ),
    (
        "illegal-goods",
        3,
        "Illegal goods and services",
        "违禁品与违法服务",
        "Don't buy, sell or promote drugs, weapons, forged documents, stolen accounts or any other illegal "
        "goods or services. Offers to sit exams or write fake reviews for others count too.",
        "不得买卖或推广毒品、枪支弹药、管制刀具、伪造证件、盗来的账号等违法商品或服务，"
        "代考、代写、刷好评也在此列。",
    ),
    (
        "private-info",
        3,
        "Private information",
        "泄露他人隐私",
        "Don't share someone's private information without their consent: phone numbers, home addresses, ID "
        "numbers, private messages or private photos. Exposing people (doxxing) is never allowed.",
        "未经本人同意，不得公开他人的手机号、住址、身份证号、私信或私人照片等信息，严禁“开盒”、人肉搜索。",
    ),
    (
        "impersonation",
        2,
        "Impersonation",
        "冒充他人",
        "Don't pretend to be another person, brand or organisation in a way that misleads people. Parody and "
        "fan accounts must say so clearly.",
        "不得以误导他人的方式冒充其他个人、品牌或机构。模仿账号和粉丝账号须在资料中清楚注明。",
    ),
    (
        "harmful-misinformation",
        2,
        "Harmful misinformation",
        "有害的不实信息",
        "Don't spread false claims that can cause real harm, such as fake cures, dangerous health advice or "
        "made-up emergencies. Honest mistakes happen: please correct them when you learn more.",
        "不得传播可能造成实际伤害的不实信息，例如虚假疗法、危险的健康建议或捏造的突发事件。"
        "谁都可能无心出错，了解真相后请及时更正。",
    ),
    (
        "intellectual-property",
        1,
        "Intellectual property",
        "侵犯知识产权",
        "Post only photos, videos and text you made or have the right to share, and credit the work of "
        "others. Selling counterfeits or reposting someone's content as your own is not allowed.",
        "请只发布自己创作或有权分享的图片、视频和文字，引用他人作品请注明出处。"
        "不得售卖假冒商品，也不得把别人的内容搬运成自己的原创。",
    ),
]

# (language, text, rule, shadow): every term holds (action "hold") for a moderator to look at.
LEXICON: list[tuple[str, str, str, bool]] = [
    # Chinese
    ("zh", "加微信", "off-platform-sales", False),
    ("zh", "加我微信", "off-platform-sales", False),
    ("zh", "加v私聊", "off-platform-sales", False),
    ("zh", "私聊下单", "off-platform-sales", False),
    ("zh", "进群领福利", "off-platform-sales", False),
    ("zh", "代购", "off-platform-sales", True),
    ("zh", "刷单", "scam", False),
    ("zh", "刷单返利", "scam", False),
    ("zh", "兼职日结", "scam", False),
    ("zh", "日赚千元", "scam", False),
    ("zh", "稳赚不赔", "scam", False),
    ("zh", "躺赚", "scam", False),
    ("zh", "中奖通知", "scam", False),
    ("zh", "刷粉", "spam", False),
    ("zh", "互粉互赞", "spam", False),
    ("zh", "免费领取", "spam", True),
    ("zh", "约炮", "adult", False),
    ("zh", "援交", "adult", False),
    ("zh", "裸聊", "adult", False),
    ("zh", "代考", "illegal-goods", False),
    ("zh", "办假证", "illegal-goods", False),
    ("zh", "出售账号", "illegal-goods", False),
    ("zh", "开盒", "private-info", False),
    ("zh", "人肉搜索", "private-info", False),
    ("zh", "一比一复刻", "intellectual-property", False),
    ("zh", "高仿包", "intellectual-property", False),
    ("zh", "弄死你", "violence", False),
    ("zh", "去死吧", "harassment", False),
    # English
    ("en", "crypto giveaway", "scam", False),
    ("en", "free iphone", "scam", False),
    ("en", "double your bitcoin", "scam", False),
    ("en", "guaranteed returns", "scam", False),
    ("en", "claim your prize", "scam", False),
    ("en", "pay with a gift card", "scam", False),
    ("en", "earn $500 a day", "scam", False),
    ("en", "dm me on whatsapp", "off-platform-sales", False),
    ("en", "add me on telegram", "off-platform-sales", False),
    ("en", "text me on whatsapp", "off-platform-sales", False),
    ("en", "order via telegram", "off-platform-sales", False),
    ("en", "link in bio", "off-platform-sales", True),
    ("en", "buy followers", "spam", False),
    ("en", "cheap followers", "spam", False),
    ("en", "free followers", "spam", False),
    ("en", "follow4follow", "spam", False),
    ("en", "nudes for sale", "adult", False),
    ("en", "escort service", "adult", False),
    ("en", "onlyfans leak", "adult", False),
    ("en", "fake passport", "illegal-goods", False),
    ("en", "fake id for sale", "illegal-goods", False),
    ("en", "pills without prescription", "illegal-goods", False),
    ("en", "kill yourself", "harassment", False),
    ("en", "i will kill you", "violence", False),
    ("en", "miracle cure", "harmful-misinformation", True),
    ("en", "replica handbags", "intellectual-property", False),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("screening", "Rule")
    RuleVersion = apps.get_model("screening", "RuleVersion")
    LexiconTerm = apps.get_model("screening", "LexiconTerm")
    by_code = {}
    for code, severity, title_en, title_zh, text_en, text_zh in RULES:
        texts = {"title_en": title_en, "title_zh": title_zh, "text_en": text_en, "text_zh": text_zh}
        rule, created = Rule.objects.get_or_create(code=code, defaults={"severity": severity, **texts})
        if created:
            RuleVersion.objects.create(rule=rule, version=1, severity=severity, **texts)
        by_code[code] = rule
    for language, text, code, shadow in LEXICON:
        LexiconTerm.objects.get_or_create(
            language=language, text=text, defaults={"rule": by_code[code], "action": "hold", "shadow": shadow}
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    LexiconTerm = apps.get_model("screening", "LexiconTerm")
    Rule = apps.get_model("screening", "Rule")
    for language, text, _code, _shadow in LEXICON:
        LexiconTerm.objects.filter(language=language, text=text).delete()
    codes = [rule[0] for rule in RULES]
    # A rule that admins attached terms or domains to stays; the others go with their versions.
    Rule.objects.filter(code__in=codes, terms__isnull=True, domains__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_catalogue")]

    operations = [migrations.RunPython(seed, unseed)]
