"""A small fixed bilingual corpus for measuring hybrid retrieval: 30 notes, 24 queries in 4 categories.

Each query lists the note keys a reader would call relevant. Categories:
- zh / en: query and relevant notes in the same language (keyword search's home ground);
- cross: the query in one language, relevant notes (only or also) in the other;
- paraphrase: same language but different words (no shared keyword).
"""

from __future__ import annotations

NOTES: dict[str, tuple[str, str]] = {
    "hotpot_cq": ("重庆老火锅", "麻辣牛油锅底，毛肚鸭肠必点，排队一小时也值得。"),
    "hotpot_bj": ("北京铜锅涮肉", "清汤锅底涮羊肉，芝麻酱蘸料，冬天最暖和。"),
    "hotpot_en": ("Best hotpot in town", "Spicy Sichuan broth, beef tripe and a long queue on Friday night."),
    "coffee_sh": ("上海咖啡馆探店", "武康路的小店，手冲咖啡和拿铁拉花都很好看。"),
    "coffee_en": ("Latte art class", "Learned to pour a rosetta on an oat milk flat white this weekend."),
    "tea_hz": ("西湖龙井采茶", "清明前去茶园采新茶，炒茶师傅手法很厉害。"),
    "hike_hk": ("香港麦理浩径徒步", "第二段风景最好，海边山路走了五个小时。"),
    "hike_en": ("Mountain hike", "Trail to the summit took four hours, bring water and good boots."),
    "beach_en": ("Beach day in Sanya", "Clear water, white sand, snorkelling near the island."),
    "beach_zh": ("三亚海边度假", "海水很清，沙滩很白，下午去浮潜看珊瑚。"),
    "cat_zh": ("我家猫咪的日常", "橘猫每天睡十六个小时，醒了就要吃罐头。"),
    "dog_en": (
        "Puppy training tips",
        "Reward-based training, short sessions, and patience with the new dog.",
    ),
    "skincare_zh": ("敏感肌护肤心得", "换季泛红，用温和洁面和保湿霜，少用去角质。"),
    "skincare_en": ("Sunscreen routine", "Apply SPF 50 every morning even when it is cloudy."),
    "makeup_zh": ("日常通勤妆容", "淡妆十分钟搞定，口红选豆沙色。"),
    "bake_zh": ("第一次烤蛋糕", "戚风蛋糕塌了，下次蛋白要打到硬性发泡。"),
    "bake_en": ("Sourdough at home", "Feeding the starter for a week before the first loaf."),
    "noodle_zh": ("兰州牛肉拉面", "一清二白三红四绿，面条劲道汤头鲜。"),
    "dumpling_en": ("Making dumplings", "Pork and cabbage filling, folded with my grandmother."),
    "gym_zh": ("健身房练腿日", "深蹲硬拉各五组，第二天走路都疼。"),
    "run_en": ("First half marathon", "Finished 21 km in two hours, knees hurt but worth it."),
    "yoga_zh": ("晨间瑜伽", "每天早上二十分钟拉伸，肩颈轻松了很多。"),
    "book_zh": ("读完了三体", "黑暗森林那一部最震撼，科幻迷必读。"),
    "movie_en": ("Movie night picks", "Three classic films to watch on a rainy evening."),
    "plant_zh": ("阳台种菜", "小番茄和薄荷长得很好，每天浇水一次。"),
    "garden_en": ("Indoor herbs", "Basil and mint on the windowsill need lots of light."),
    "study_zh": ("考研复习计划", "每天八小时，英语和数学轮换着学。"),
    "work_en": ("Home office setup", "A standing desk and a good monitor changed my days."),
    "travel_jp_zh": ("京都赏枫", "十一月底去清水寺，红叶正好，游客很多。"),
    "travel_jp_en": ("Tokyo street food", "Takoyaki, taiyaki and ramen in Asakusa."),
}

QUERIES: list[tuple[str, str, set[str]]] = [
    ("火锅", "zh", {"hotpot_cq", "hotpot_bj", "hotpot_en"}),
    ("咖啡", "zh", {"coffee_sh", "coffee_en"}),
    ("徒步", "zh", {"hike_hk", "hike_en"}),
    ("护肤", "zh", {"skincare_zh", "skincare_en"}),
    ("hotpot", "en", {"hotpot_en", "hotpot_cq", "hotpot_bj"}),
    ("sunscreen", "en", {"skincare_en"}),
    ("sourdough", "en", {"bake_en"}),
    ("beach", "en", {"beach_en", "beach_zh"}),
    ("cat", "cross", {"cat_zh"}),
    ("tea picking", "cross", {"tea_hz"}),
    ("noodles", "cross", {"noodle_zh"}),
    ("cake", "cross", {"bake_zh", "bake_en"}),
    ("yoga", "cross", {"yoga_zh"}),
    ("science fiction novel", "cross", {"book_zh"}),
    ("饺子", "cross", {"dumpling_en"}),
    ("电影", "cross", {"movie_en"}),
    ("马拉松", "cross", {"run_en"}),
    ("居家办公", "cross", {"work_en"}),
    ("宠物", "paraphrase", {"cat_zh", "dog_en"}),
    ("锻炼身体", "paraphrase", {"gym_zh", "run_en", "yoga_zh"}),
    ("autumn leaves in Japan", "paraphrase", {"travel_jp_zh"}),
    ("gardening", "paraphrase", {"plant_zh", "garden_en"}),
    ("exam preparation", "paraphrase", {"study_zh"}),
    ("化妆", "paraphrase", {"makeup_zh"}),
]
