"""The demo community: Chinese creators, American newcomers and one member who writes both.

Titles are at most 20 user-perceived characters (the service checks); topics are written inline as
`#topic`, places carry coarse coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "hongshu-demo"  # noqa: S105 - public on purpose: documented and printed by `hongshu run`


@dataclass(frozen=True)
class DemoMember:
    handle: str
    display_name: str
    bio: str
    languages: tuple[str, ...]
    region: str
    alt_language: str  # the language this member writes photo descriptions in: "zh" or "en"


@dataclass(frozen=True)
class DemoNote:
    author: str
    title: str
    body: str
    painters: tuple[str, ...]
    photos: int
    place: tuple[str, float, float] | None = None
    label: str = ""


MEMBERS: tuple[DemoMember, ...] = (
    DemoMember(
        "xiaoyu_travels",
        "林小雨",
        "旅行摄影 | 走过 23 个城市 📷 喜欢慢慢走，慢慢看。",
        ("zh-Hans",),
        "上海",
        "zh",
    ),
    DemoMember(
        "ajie_cooks",
        "阿杰的厨房",
        "家常菜研究员 🍳 每周更新一道快手菜，欢迎来抄作业！",
        ("zh-Hans",),
        "成都",
        "zh",
    ),
    DemoMember("mia_beauty", "米娅", "成分党护肤 | 敏感肌 | 只说真话不恰饭", ("zh-Hans",), "广州", "zh"),
    DemoMember("chenmo_daily", "陈默", "记录平凡的一天。猫、咖啡、胶片。", ("zh-Hans",), "杭州", "zh"),
    DemoMember(
        "emily_in_ohio",
        "Emily Carter",
        "Just got here from TikTok 👋 Nurse from Ohio, learning Chinese one dumpling at a time.",
        ("en",),
        "Ohio, USA",
        "en",
    ),
    DemoMember(
        "jake_eats",
        "Jake Miller",
        "Home cook in Austin. Will trade BBQ tips for your mapo tofu secrets.",
        ("en",),
        "Texas, USA",
        "en",
    ),
    DemoMember(
        "olivia_style",
        "Olivia Park",
        "Thrift flips & capsule wardrobes. Brooklyn, NY.",
        ("en",),
        "New York, USA",
        "en",
    ),
    DemoMember(
        "sophie_sh",
        "Sophie 苏菲",
        "American in Shanghai 🇺🇸➡️🇨🇳 English teacher by day, 小笼包 hunter by night. 中英都可以聊！",
        ("en", "zh-Hans"),
        "上海",
        "en",
    ),
)

DALI = ("大理·双廊", 25.91, 100.2)
KYOTO = ("京都 Kyoto", 35.01, 135.77)
CHENGDU = ("成都", 30.66, 104.07)
HANGZHOU = ("杭州·西湖", 30.25, 120.14)
SHANGHAI = ("上海", 31.23, 121.47)
AUSTIN = ("Austin, Texas", 30.27, -97.74)
BROOKLYN = ("Brooklyn, New York", 40.68, -73.94)
COLUMBUS = ("Columbus, Ohio", 39.96, -83.0)

# Oldest first: the last note is the newest on the first page.
NOTES: tuple[DemoNote, ...] = (
    DemoNote(
        "xiaoyu_travels",
        "大理洱海边的日落🌅",
        "骑车绕洱海一圈，傍晚在双廊等到了最美的日落。风很大，记得带外套！\n#大理 #洱海 #旅行攻略",
        ("sea", "mountains"),
        3,
        DALI,
        "DALI",
    ),
    DemoNote(
        "ajie_cooks",
        "十分钟番茄炒蛋",
        "鸡蛋先炒到七分熟盛出，番茄炒出汁再回锅，加一点点糖提鲜。\n#家常菜 #快手菜",
        ("plate",),
        2,
        CHENGDU,
    ),
    DemoNote(
        "emily_in_ohio",
        "Hi from Ohio! 👋",
        "Just joined after TikTok went dark. I'm a nurse, I love baking and I'm trying to learn Chinese. What should I cook first?\n#newhere #hello",
        ("window",),
        1,
        COLUMBUS,
    ),
    DemoNote(
        "mia_beauty",
        "秋冬口红试色💄",
        "五支秋冬必备色，黄皮也能放心冲！第三支是我的本命色 ❤️\n#口红试色 #美妆",
        ("lipstick",),
        4,
    ),
    DemoNote(
        "chenmo_daily",
        "雨天的咖啡馆",
        "下雨天就适合躲进咖啡馆看书，一杯拿铁坐一下午。\n#咖啡 #日常",
        ("cafe",),
        2,
        ("杭州", 30.27, 120.15),
    ),
    DemoNote(
        "jake_eats",
        "Texas BBQ 101",
        "Low and slow: twelve hours of post oak smoke on a brisket. Happy to trade tips for your mapo tofu secrets.\n#bbq #texas",
        ("plate",),
        3,
        AUSTIN,
        "BBQ",
    ),
    DemoNote(
        "olivia_style",
        "Thrift flip: blazer",
        "An $8 blazer, two evenings with a sewing machine, one tailored fit. Swipe for before and after.\n#thrift #fashion",
        ("blocks",),
        3,
        BROOKLYN,
    ),
    DemoNote(
        "sophie_sh",
        "上海 hidden cafés ☕",
        "Three cafés in the French Concession where you can actually work. 安福路那家 latte 超好喝！\n#上海 #cafe",
        ("cafe", "city"),
        3,
        ("上海·安福路", 31.21, 121.44),
    ),
    DemoNote(
        "xiaoyu_travels",
        "京都三日游攻略",
        "第一次去京都，清水寺、伏见稻荷、岚山都去了。早上七点前到伏见稻荷几乎没人～\n#京都 #日本旅行 #攻略",
        ("mountains", "city"),
        4,
        KYOTO,
        "KYOTO",
    ),
    DemoNote(
        "ajie_cooks",
        "正宗麻婆豆腐做法",
        "豆腐先焯水不易碎，郫县豆瓣一定要炒出红油，花椒面最后撒！\n#川菜 #麻婆豆腐",
        ("bowl", "plate"),
        2,
        CHENGDU,
    ),
    DemoNote("chenmo_daily", "我家猫的一天", "早上六点准时叫醒服务，然后睡一整天。\n#猫 #萌宠", ("cat",), 3),
    DemoNote(
        "emily_in_ohio",
        "My first 饺子 attempt",
        "Followed a recipe I found here. They're ugly but delicious 😂 Tips welcome!\n#dumplings #learningchinese",
        ("bowl",),
        2,
        COLUMBUS,
    ),
    DemoNote(
        "mia_beauty",
        "敏感肌护肤步骤",
        "温和洁面 → 保湿水 → 修护精华 → 面霜，少即是多。换季泛红的姐妹可以试试。\n#敏感肌 #护肤",
        ("lipstick", "window"),
        2,
    ),
    DemoNote(
        "jake_eats",
        "I tried 麻婆豆腐",
        "Made mapo tofu from @ajie_cooks's post. Way spicier than I expected. 10/10 would sweat again.\n#mapotofu #cooking",
        ("bowl",),
        2,
        AUSTIN,
    ),
    DemoNote(
        "olivia_style",
        "5 pieces, 10 outfits",
        "A capsule wardrobe for fall: one coat, one blazer, two knits, one pair of wide trousers.\n#capsulewardrobe #ootd",
        ("blocks",),
        4,
        BROOKLYN,
    ),
    DemoNote(
        "sophie_sh",
        "小笼包 ranking 2025",
        "I ate at twelve places so you don't have to. 第一名 is not the famous one 👀\n#小笼包 #shanghaifood",
        ("bowl", "plate"),
        3,
        SHANGHAI,
    ),
    DemoNote(
        "xiaoyu_travels",
        "川西小环线自驾",
        "新都桥的光影真的绝了。海拔高，一定慢慢走，多喝水。\n#川西 #自驾游",
        ("mountains",),
        3,
        ("新都桥", 30.05, 101.49),
    ),
    DemoNote(
        "chenmo_daily",
        "西湖边散步",
        "傍晚的西湖，柳树和晚霞，走走停停。\n#西湖 #杭州",
        ("sea", "window"),
        2,
        HANGZHOU,
    ),
    DemoNote(
        "emily_in_ohio",
        "Ohio fall colors 🍁",
        "Hocking Hills this weekend. The leaves are unreal and the trails were empty.\n#fall #hiking",
        ("mountains",),
        3,
        ("Hocking Hills, Ohio", 39.43, -82.54),
    ),
    DemoNote(
        "ajie_cooks",
        "周末包饺子🥟",
        "韭菜猪肉馅，肉馅要顺一个方向搅上劲，这样煮出来才多汁。\n#饺子 #家常菜",
        ("bowl",),
        2,
        CHENGDU,
    ),
    DemoNote(
        "mia_beauty",
        "平价防晒测评",
        "测了六款平价防晒，这两款不搓泥也不闷痘，通勤党闭眼入。\n#防晒 #测评",
        ("lipstick",),
        1,
    ),
    DemoNote(
        "jake_eats",
        "Sourdough, finally!",
        "Attempt number seven. The crumb is open and the crust crackles when it cools.\n#sourdough #baking",
        ("plate",),
        1,
        AUSTIN,
    ),
    DemoNote(
        "sophie_sh",
        "Teaching in 上海",
        "My students asked about Thanksgiving, so we baked a pie together 🥧 他们说太甜了哈哈。\n#teaching #上海生活",
        ("window", "cafe"),
        2,
        SHANGHAI,
    ),
    DemoNote(
        "olivia_style",
        "Outfit of the day",
        "Camel coat, white sneakers, the red bag doing all the work.\n#ootd #nyc",
        ("blocks",),
        1,
        BROOKLYN,
    ),
    DemoNote(
        "xiaoyu_travels",
        "厦门鼓浪屿一日",
        "避开周末人会少很多，沙茶面一定要吃！\n#厦门 #鼓浪屿",
        ("sea",),
        2,
        ("厦门·鼓浪屿", 24.45, 118.07),
    ),
    DemoNote(
        "chenmo_daily",
        "胶片里的夏天",
        "翻出去年夏天拍的胶片，颜色还是那么温柔。\n#胶片 #摄影",
        ("sea", "window", "cat"),
        4,
    ),
    DemoNote(
        "emily_in_ohio",
        "Learning 你好 daily",
        "Day 12 of Chinese: the tones are hard, but everyone here has been so kind. 谢谢大家！\n#learningchinese #language",
        ("window",),
        1,
    ),
    DemoNote(
        "ajie_cooks",
        "一人食：葱油拌面",
        "葱油熬到葱段焦黄，生抽、老抽加一点糖，拌上刚出锅的面，香迷糊了。\n#一人食 #面食",
        ("bowl",),
        1,
    ),
    DemoNote(
        "mia_beauty",
        "伪素颜妆容教程",
        "底妆薄涂是关键，腮红用膏状更自然，十分钟出门。\n#伪素颜 #化妆教程",
        ("lipstick",),
        3,
    ),
    DemoNote(
        "jake_eats",
        "Breakfast tacos 🌮",
        "Eggs, chorizo, potatoes, salsa verde. The only right way to start a Saturday.\n#tacos #austin",
        ("plate",),
        2,
        AUSTIN,
    ),
    DemoNote(
        "sophie_sh",
        "Weekend in 苏州",
        "Gardens, canals and the best 松鼠鳜鱼 of my life. Only 25 minutes by train from Shanghai!\n#苏州 #travel",
        ("sea", "mountains"),
        3,
        ("苏州", 31.3, 120.62),
    ),
    DemoNote(
        "olivia_style",
        "Color blocking guide",
        "Pick one bold color, one neutral, and let the third piece bridge them.\n#fashion #colorblocking",
        ("blocks",),
        2,
    ),
    DemoNote(
        "xiaoyu_travels",
        "黄山看日出全记录",
        "凌晨四点起床爬到光明顶，云海出来的那一刻，值了。\n#黄山 #日出",
        ("mountains",),
        2,
        ("黄山", 30.13, 118.17),
    ),
    DemoNote(
        "chenmo_daily",
        "书桌改造记录",
        "换了一盏暖光台灯，桌面只留必要的东西，效率翻倍。\n#书桌 #生活记录",
        ("window", "cafe"),
        2,
    ),
    DemoNote(
        "emily_in_ohio",
        "Night shift snacks",
        "What nurses actually eat at 3 a.m. Instant noodles count as dinner, right?\n#nurselife #snacks",
        ("bowl", "cafe"),
        2,
    ),
    DemoNote(
        "ajie_cooks",
        "成都苍蝇馆子推荐",
        "这家开了二十年的小店，钵钵鸡和甜水面都是招牌，人均三十。\n#成都美食 #探店",
        ("plate", "bowl"),
        3,
        ("成都·玉林路", 30.63, 104.05),
    ),
    DemoNote(
        "sophie_sh",
        "外滩夜景 The Bund",
        "Go after 8 p.m. when the lights are on, then walk north to the bridge. 人超多但值得！\n#外滩 #nightview",
        ("city",),
        2,
        ("上海·外滩", 31.24, 121.49),
        "SHANGHAI",
    ),
    DemoNote(
        "mia_beauty",
        "换季护肤小心得",
        "秋冬干燥，精简步骤＋加强保湿，屏障稳了皮肤才会好。\n#护肤 #换季",
        ("window",),
        1,
    ),
    DemoNote(
        "xiaoyu_travels",
        "新疆赛里木湖",
        "湖水蓝得不真实，环湖一圈大概九十公里，租电动车最方便。\n#新疆 #赛里木湖",
        ("sea", "mountains"),
        4,
        ("赛里木湖", 44.6, 81.2),
    ),
    DemoNote(
        "jake_eats",
        "Cooking 中餐, week 1",
        "Thanks to everyone who answered my questions here. This week: 番茄炒蛋, and I finally get why it's a classic.\n#cooking #learningchinese",
        ("plate",),
        2,
        AUSTIN,
    ),
)

ALT_TEXT: dict[str, tuple[str, str]] = {
    "mountains": (
        "Layered mountain ridges under a glowing sky with a low sun",
        "层层叠叠的山峦，天边挂着一轮低垂的太阳",
    ),
    "sea": (
        "The sun setting into a calm sea, light glittering on the water",
        "夕阳落进平静的海面，水面波光粼粼",
    ),
    "city": ("A city skyline at dusk with many lit windows", "黄昏时分的城市天际线，许多窗户亮着灯"),
    "plate": (
        "A plate of colourful food on a wooden table, with chopsticks",
        "木桌上一盘色彩丰富的菜，旁边放着筷子",
    ),
    "bowl": ("A bowl of noodles in broth with spring onion, seen from above", "俯拍一碗撒了葱花的汤面"),
    "lipstick": ("A row of lipsticks in red and rose shades", "一排红色和玫瑰色系的口红"),
    "blocks": ("A coat on a hanger in front of bold colour blocks", "撞色背景前挂在衣架上的一件外套"),
    "cafe": ("A latte with heart-shaped latte art next to a book", "一杯拉花爱心的拿铁，旁边放着一本书"),
    "window": ("A sunny window with a potted plant on the sill", "洒满阳光的窗户，窗台上放着一盆绿植"),
    "cat": ("A cat looking straight at the camera", "一只直直看着镜头的猫"),
}
