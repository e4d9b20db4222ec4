"""Word lists for the benchmark dataset: lifestyle vocabulary in Simplified Chinese, Traditional and English.

Enough variety for search benchmarks (shared and distinct terms across languages, topics, places), not
literature. Traditional text comes from hand-written phrases plus a small character mapping.
"""

from __future__ import annotations

# Simplified Chinese, by theme: (title words, body phrases, topics).
ZH_TITLE_WORDS: tuple[str, ...] = (
    "周末", "旅行", "攻略", "美食", "探店", "好物", "分享", "合集", "穿搭", "日常", "护肤", "早餐", "咖啡",
    "火锅", "拉面", "甜品", "民宿", "露营", "徒步", "海边", "古镇", "夜市", "小众", "宝藏", "平价", "必吃",
    "打卡", "推荐", "测评", "教程", "通勤", "约会", "春天", "夏日", "秋冬", "雨天", "城市", "散步", "烘焙",
    "面包", "奶茶", "口红", "防晒", "香水", "发型", "极简", "收纳", "租房", "改造", "读书", "健身", "瑜伽",
    "上海", "成都", "杭州", "北京", "重庆", "西安", "厦门", "大理", "东京", "首尔", "曼谷", "巴黎",
)  # fmt: skip
ZH_SENTENCES: tuple[str, ...] = (
    "这家店藏在老街的巷子里，环境很安静，适合一个人慢慢坐一下午。",
    "人均一百左右，分量很足，服务员也特别热情，强烈推荐招牌菜。",
    "早上七点出发，避开了人流高峰，拍照完全没有路人。",
    "这次用的是平价防晒，质地清爽不油腻，敏感肌也可以放心用。",
    "秋冬穿搭的关键是叠穿，一件大衣加上针织衫就很有氛围感。",
    "周末和朋友去郊外露营，晚上看星星真的太治愈了。",
    "汤底是用牛骨熬了八个小时的，喝一口就知道有多用心。",
    "酒店离地铁站只有五分钟，交通非常方便，早餐种类也很多。",
    "护肤步骤越简单越好，洁面、保湿、防晒三步就够了。",
    "这条徒步路线全程大约十二公里，难度适中，沿途风景很美。",
    "出租屋改造只花了不到五百块，整个房间都变亮了。",
    "咖啡豆是店主自己烘的，带一点柑橘和坚果的香气。",
    "第一次尝试做欧包，外皮酥脆，里面很柔软，家人都说好吃。",
    "雨天的西湖别有一番味道，撑伞走在苏堤上特别浪漫。",
    "排队半小时才吃到，但是真的值得，下次还会再来。",
    "口红试色在自然光下拍的，黄皮也能驾驭这个颜色。",
    "记录一下最近的日常，早睡早起，认真吃饭，好好生活。",
    "夜市的小吃太多了，烤鱿鱼、臭豆腐、芒果冰一样都不能少。",
    "行程安排：第一天古城，第二天洱海骑行，第三天苍山。",
    "通勤包选了一只大容量的托特包，电脑和水杯都能装下。",
)
ZH_TOPICS: tuple[str, ...] = (
    "旅行", "美食", "探店", "穿搭", "护肤", "好物分享", "日常", "周末去哪儿", "咖啡", "露营", "徒步",
    "烘焙", "家居", "租房改造", "美妆", "读书", "健身", "城市漫步", "小众旅行地", "平价好物",
)  # fmt: skip
ZH_COMMENTS: tuple[str, ...] = (
    "好好看！", "求地址～", "收藏了，下次去试试", "请问人均多少？", "太治愈了", "博主皮肤好好",
    "同款已下单", "这个颜色绝了", "看饿了", "周末就去", "感谢分享！", "照片怎么拍的呀", "种草了",
)  # fmt: skip

# Traditional Chinese: hand-written phrases plus a character mapping applied to the Simplified lists.
ZH_HANT_SENTENCES: tuple[str, ...] = (
    "這間咖啡廳的甜點很精緻，週末下午來坐坐剛剛好。",
    "台北捷運很方便，一日券可以玩遍市區的景點。",
    "夜市的鹽酥雞和珍珠奶茶是每次回來必吃的。",
    "這次穿搭選了復古風的燈芯絨外套，搭配牛仔褲很耐看。",
    "保養最重要的是保濕，換季的時候特別容易乾燥。",
    "從九份老街往下看，山城的夜景真的很迷人。",
    "香港的茶餐廳早餐很豐富，菠蘿油配奶茶是經典。",
    "露營區的設備很齊全，還有乾淨的衛浴。",
)
ZH_HANT_TITLE_WORDS: tuple[str, ...] = (
    "台北", "台中", "高雄", "香港", "九份", "週末", "旅遊", "美食", "甜點", "穿搭", "保養", "開箱", "咖啡廳",
    "夜市", "早午餐", "露營", "爬山", "質感", "好物", "日常", "紀錄", "推薦", "懶人包",
)  # fmt: skip
ZH_HANT_TOPICS: tuple[str, ...] = ("台灣旅遊", "香港美食", "咖啡廳", "穿搭日記", "保養心得", "開箱")
ZH_HANT_COMMENTS: tuple[str, ...] = ("好漂亮！", "請問地址在哪裡？", "收藏了", "看起來好好吃", "謝謝分享")
TO_TRADITIONAL: dict[str, str] = dict(
    zip(
        "这说时间气华门问们个东车马鸟书长来发里国汤觉价边头买卖学后点欢热饭馆机场实显单兴荐试对为丽颜达杂区费",
        "這說時間氣華門問們個東車馬鳥書長來發裡國湯覺價邊頭買賣學後點歡熱飯館機場實顯單興薦試對為麗顏達雜區費",
        strict=True,
    )
)

# English.
EN_TITLE_WORDS: tuple[str, ...] = (
    "weekend", "guide", "best", "ramen", "coffee", "brunch", "outfit", "skincare", "routine", "hidden",
    "gem", "cozy", "cafe", "hike", "beach", "trip", "diary", "budget", "finds", "haul", "tips", "city",
    "walk", "bakery", "sourdough", "minimal", "closet", "spring", "autumn", "rainy", "day", "market",
    "Tokyo", "Paris", "Seoul", "Lisbon", "Kyoto", "Bangkok", "London", "NYC", "street", "food", "lipstick",
    "sunscreen", "camping", "reading", "nook", "vintage", "denim", "noodles", "dessert", "picnic",
)  # fmt: skip
EN_SENTENCES: tuple[str, ...] = (
    "Tucked away in a quiet alley, this little cafe has the best flat white I have had all year.",
    "We left at seven in the morning to beat the crowds, and the view from the top was worth every step.",
    "My current skincare routine is just three steps: cleanser, moisturizer and a light sunscreen.",
    "Layering is the secret to autumn outfits: a long coat over a chunky knit never fails.",
    "The broth simmers for twelve hours, and you can taste it in every spoonful.",
    "Budget breakdown: hostel, street food and trains came to about forty dollars a day.",
    "Spent the weekend camping by the lake, and the stars at night were unreal.",
    "This sourdough took three tries, but the crust finally came out crisp and golden.",
    "The night market had grilled squid, mango shaved ice and the fluffiest bao.",
    "A small rental makeover for under a hundred dollars: plants, warm lights and a rug.",
    "Swatched in natural light; this shade works on warm undertones too.",
    "Day one old town, day two cycling around the lake, day three a slow morning and the airport.",
    "Queued for thirty minutes and would happily do it again.",
    "A reminder to slow down: early nights, real breakfasts and long walks.",
)
EN_TOPICS: tuple[str, ...] = (
    "travel", "food", "coffee", "ootd", "skincare", "weekend", "citywalk", "camping", "baking", "homedecor",
    "makeup", "books", "fitness", "streetfood", "budgettravel",
)  # fmt: skip
EN_COMMENTS: tuple[str, ...] = (
    "So pretty!", "Where is this?", "Saving this for my trip", "How much was it?", "Love the colors",
    "Adding this to my list", "Thanks for sharing!", "This looks delicious", "What camera do you use?",
)  # fmt: skip

PLACES: tuple[str, ...] = (
    "上海", "成都", "杭州", "北京", "重庆", "西安", "厦门", "大理", "台北", "香港", "Tokyo", "Seoul", "Bangkok",
    "Paris", "London", "Lisbon", "Kyoto", "New York",
)  # fmt: skip
ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
ZH_GIVEN: tuple[str, ...] = (
    "小雨", "一一", "晓晓", "悠悠", "子涵", "思远", "可可", "乐乐", "安然", "星辰", "木木", "橙子", "小鹿",
)  # fmt: skip
EN_NAMES: tuple[str, ...] = (
    "Amy", "Ben", "Chloe", "Dan", "Emma", "Finn", "Grace", "Hugo", "Ivy", "Jack", "Kate", "Leo", "Mia",
    "Noah", "Olivia", "Sam",
)  # fmt: skip
