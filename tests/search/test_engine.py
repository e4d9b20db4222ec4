"""The search engine on the default backend (SQLite FTS5): pipeline, languages, visibility, sorts, bounds."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache

from hongshu.accounts.models import User
from hongshu.accounts.services import account_create, account_update_profile
from hongshu.interactions.services.interactions import like_create
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, Place, note_create, note_delete, note_update
from hongshu.search import backends, pipeline
from hongshu.search.selectors import (
    query_hints,
    ranked_cache_key,
    search_members,
    search_notes,
    search_topics,
    suggest_terms,
)
from hongshu.social.services.graph import account_set_privacy, block_create, follow_create, mute_create

pytestmark = pytest.mark.django_db
AfterCommit = Callable[[], AbstractContextManager[Any]]
PostNote = Callable[..., Note]


def _member(handle: str, **fields: Any) -> User:
    return account_create(handle=handle, password="a long test password 1", **fields)


def titles(page: Any) -> list[str]:
    return [n.title for n in page.items]


class TestPipeline:
    def test_nfkc_casefold_stem_and_traditional_folding(self) -> None:
        assert pipeline.tokens("ＲＵＮＮＩＮＧ Dogs") == ["run", "dog"]
        assert pipeline.tokens("臺灣") == ["台湾"]

    def test_topics_and_emoji_stay_tokens(self) -> None:
        found = pipeline.tokens("#火锅 好吃🔥👍🏽")
        assert "#火锅" in found
        assert "火锅" in found
        assert "🔥" in found
        assert "👍🏽" in found

    def test_search_mode_segments_words(self) -> None:
        assert {"北京", "大学"} <= set(pipeline.tokens("北京大学"))

    def test_hostile_input_is_reduced_to_tokens(self) -> None:
        for text in ['"', "*", "NEAR(", "OR", ":", "\x00\x07", "!!!", "a" * 10_000]:
            for term in pipeline.query_terms(text):
                assert pipeline._CLEAN.search(term.token) is None


class TestNotes:
    def test_chinese_segmentation_and_traditional_find_simplified(
        self, after_commit: AfterCommit, post_note: PostNote
    ) -> None:
        author = _member("nina")
        with after_commit():
            post_note(author, title="台湾夜市", body="我在台湾吃了很多小吃")
            post_note(author, title="Paris", body="the louvre")
        assert titles(search_notes(viewer=None, query="臺灣")) == ["台湾夜市"]
        assert titles(search_notes(viewer=None, query="夜市")) == ["台湾夜市"]

    def test_english_stemming(self, after_commit: AfterCommit, post_note: PostNote) -> None:
        with after_commit():
            post_note(_member("nina"), title="Morning runs", body="I love running by the river")
        assert titles(search_notes(viewer=None, query="run")) == ["Morning runs"]
        assert titles(search_notes(viewer=None, query="RUNNER'S")) == []

    def test_cross_lingual_both_ways(self, after_commit: AfterCommit, post_note: PostNote) -> None:
        author = _member("nina")
        with after_commit():
            post_note(author, title="重庆火锅", body="麻辣火锅太好吃了")
            post_note(author, title="Hotpot night", body="We had hotpot with friends")
        english = titles(search_notes(viewer=None, query="hotpot"))
        assert set(english) == {"重庆火锅", "Hotpot night"}
        assert english[0] == "Hotpot night"  # the typed word outranks its translation
        chinese = titles(search_notes(viewer=None, query="火锅"))
        assert set(chinese) == {"重庆火锅", "Hotpot night"}
        assert chinese[0] == "重庆火锅"

    def test_chinese_query_finds_english_and_phrases_translate(
        self, after_commit: AfterCommit, post_note: PostNote
    ) -> None:
        author = _member("nina")
        with after_commit():
            post_note(author, title="Taipei night market", body="best night market in Taiwan")
            post_note(author, title="士林夜市", body="好吃")
            post_note(author, title="Quiet beach", body="no food here")
        assert set(titles(search_notes(viewer=None, query="夜市"))) == {"士林夜市", "Taipei night market"}
        assert set(titles(search_notes(viewer=None, query="台湾"))) == {"Taipei night market"}
        assert titles(search_notes(viewer=None, query="night market"))[0] == "Taipei night market"

    def test_regional_vocabulary_meets_through_the_dictionary(
        self, after_commit: AfterCommit, post_note: PostNote
    ) -> None:
        author = _member("nina")
        with after_commit():
            post_note(author, title="搜索技巧", body="如何搜索")
            post_note(author, title="软件推荐", body="好用的软件")
            post_note(author, title="无关", body="今天天气很好")
        assert titles(search_notes(viewer=None, query="搜尋")) == ["搜索技巧"]
        assert titles(search_notes(viewer=None, query="軟體")) == ["软件推荐"]

    def test_title_outweighs_body(self, after_commit: AfterCommit, post_note: PostNote) -> None:
        author = _member("nina")
        with after_commit():
            post_note(author, title="A day out", body="we found a great bakery")
            post_note(author, title="Bakery day", body="bread")
        assert titles(search_notes(viewer=None, query="bakery")) == ["Bakery day", "A day out"]

    def test_topics_and_place_are_searchable_and_weigh_between_title_and_body(
        self, after_commit: AfterCommit, post_note: PostNote, ready_images: Any
    ) -> None:
        author = _member("nina")
        with after_commit():
            in_body = post_note(author, title="周末", body="去了三里屯")
            in_place = note_create(
                author=author,
                title="周末咖啡",
                images=[ImageSpec(media_id=int(ready_images(author)[0]))],
                topics=["咖啡"],
                place=Place(name="三里屯"),
            )
        assert [n.pk for n in search_notes(viewer=None, query="三里屯").items] == [in_place.pk, in_body.pk]
        assert [n.pk for n in search_notes(viewer=None, query="#咖啡").items] == [in_place.pk]

    def test_visibility_policy(self, after_commit: AfterCommit, post_note: PostNote) -> None:
        nina, ann, bob, mia = (_member(h) for h in ("nina", "ann", "bob", "mia"))
        with after_commit():
            post_note(nina, title="public cake")
            post_note(nina, title="private cake", visibility="private")
            post_note(nina, title="followers cake", visibility="followers")
            post_note(nina, title="draft cake", draft=True)
            post_note(bob, title="bob cake")
        follow_create(follower=ann, followee=nina)
        block_create(blocker=bob, blocked=ann)
        mute_create(muter=mia, muted=bob)
        assert set(titles(search_notes(viewer=None, query="cake"))) == {"public cake", "bob cake"}
        assert set(titles(search_notes(viewer=ann, query="cake"))) == {"public cake", "followers cake"}
        assert set(titles(search_notes(viewer=mia, query="cake"))) == {"public cake"}
        assert set(titles(search_notes(viewer=nina, query="cake"))) == {
            "public cake",
            "private cake",
            "followers cake",
            "bob cake",
        }

    def test_edit_and_delete_keep_the_index_current(
        self, after_commit: AfterCommit, post_note: PostNote
    ) -> None:
        nina = _member("nina")
        with after_commit():
            note = post_note(nina, title="old title")
        with after_commit():
            note_update(note=note, editor=nina, title="new dumpling")
        assert titles(search_notes(viewer=None, query="old")) == []
        assert titles(search_notes(viewer=None, query="dumpling")) == ["new dumpling"]
        with after_commit():
            note_delete(note=Note.objects.get(pk=note.pk), actor=nina)
        assert search_notes(viewer=None, query="dumpling").items == []
        assert search_notes(viewer=nina, query="dumpling").items == []

    def test_sorts_and_media(self, after_commit: AfterCommit, post_note: PostNote) -> None:
        nina, ann, bob = (_member(h) for h in ("nina", "ann", "bob"))
        with after_commit():
            first = post_note(nina, title="tea tea tea")
            second = post_note(nina, title="tea")
            third = post_note(nina, title="tea time")
        for fan in (ann, bob):
            like_create(user=fan, note_id=second.pk)
        like_create(user=ann, note_id=first.pk)
        assert [n.pk for n in search_notes(viewer=None, query="tea", sort="latest").items] == [
            third.pk,
            second.pk,
            first.pk,
        ]
        assert [n.pk for n in search_notes(viewer=None, query="tea", sort="likes").items][:2] == [
            second.pk,
            first.pk,
        ]
        assert len(search_notes(viewer=None, query="tea", media="photo").items) == 3
        assert search_notes(viewer=None, query="tea", media="video").items == []  # no video notes yet

    def test_pagination(self, after_commit: AfterCommit, post_note: PostNote) -> None:
        nina = _member("nina")
        with after_commit():
            for i in range(5):
                post_note(nina, title=f"soup {i}")
        first = search_notes(viewer=None, query="soup", limit=3)
        assert len(first.items) == 3
        assert first.next_offset == 3
        rest = search_notes(viewer=None, query="soup", limit=3, offset=3)
        assert len(rest.items) == 2
        assert rest.next_offset is None
        assert {n.pk for n in first.items}.isdisjoint({n.pk for n in rest.items})

    def test_query_count_is_bounded(
        self, after_commit: AfterCommit, post_note: PostNote, count_queries: Any
    ) -> None:
        nina, ann = _member("nina"), _member("ann")
        with after_commit():
            post_note(nina, title="noodle 0")
        with count_queries() as small:
            assert len(search_notes(viewer=ann, query="noodle").items) == 1
        with after_commit():
            for i in range(1, 12):
                post_note(nina, title=f"noodle {i}")
        with count_queries() as large:
            assert len(search_notes(viewer=ann, query="noodle").items) == 12
        assert len(large.captured_queries) == len(small.captured_queries) <= 8

    def test_candidates_are_bounded_newest_per_tier(
        self, after_commit: AfterCommit, post_note: PostNote, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        nina = _member("nina")
        with after_commit():
            old_title = post_note(nina, title="Ramen guide", body="where to eat")
            both = post_note(nina, title="Ramen in Kyoto", body="a quiet shop")
            for i in range(12):
                post_note(nina, title=f"Day {i}", body="lunch was ramen again")
        monkeypatch.setattr("hongshu.search.selectors.CANDIDATES", 4)
        found = backends.candidates(pipeline.query_terms("ramen kyoto"), limit=4)
        # the 4 newest mentions + the 2 newest title matches + 2 newest every-word matches, never all 14
        assert len(found) <= 8
        assert {old_title.pk, both.pk} <= {c.note_id for c in found}
        top = search_notes(viewer=None, query="ramen kyoto", limit=3)
        assert titles(top)[0] == "Ramen in Kyoto"  # older than the passing mentions, but matches every word
        assert "Ramen guide" in titles(search_notes(viewer=None, query="ramen", limit=3))

    def test_cached_candidates_still_pass_the_policy_per_request(
        self, after_commit: AfterCommit, post_note: PostNote, settings: Any, count_queries: Any
    ) -> None:
        settings.HONGSHU = settings.HONGSHU.model_copy(update={"search_cache_seconds": 60})
        cache.clear()
        nina, ann = _member("nina"), _member("ann")
        with after_commit():
            first = post_note(nina, title="Ramen night")
        with count_queries() as cold:
            assert titles(search_notes(viewer=None, query="ramen")) == ["Ramen night"]
        with after_commit():
            post_note(nina, title="More ramen")
        with count_queries() as warm:  # the same query within the cache time reuses its candidates
            assert titles(search_notes(viewer=None, query="RAMEN")) == ["Ramen night"]
        assert len(warm.captured_queries) < len(cold.captured_queries)
        block_create(blocker=nina, blocked=ann)  # the policy is applied per request, never cached
        assert search_notes(viewer=ann, query="ramen").items == []
        note_delete(note=first, actor=nina)
        assert search_notes(viewer=None, query="ramen").items == []
        cache.clear()
        assert titles(search_notes(viewer=None, query="ramen")) == ["More ramen"]

    def test_hints_are_worked_out_once_per_piece_and_shared_by_queries(
        self, after_commit: AfterCommit, post_note: PostNote, settings: Any, count_queries: Any
    ) -> None:
        nina = _member("nina")
        with after_commit():
            post_note(nina, title="Weekend dinner", body="#火锅 with friends")
            post_note(nina, title="Morning", body="coffee first")
        uncached = query_hints("huoguo coffe")  # search_cache_seconds is 0 in the tests: nothing kept
        assert uncached.sound_alikes == {"huoguo": ["火锅"]}
        assert uncached.corrections == {"coffe": "coffee"}
        settings.HONGSHU = settings.HONGSHU.model_copy(update={"search_cache_seconds": 60})
        cache.clear()
        with count_queries() as cold:
            assert query_hints("huoguo coffe") == uncached
        assert cold.captured_queries  # the topics query and the index probe of the unknown word
        with count_queries() as warm:  # another query with the same pieces: from the cache, no query
            hints = query_hints("coffe huoguo")
        assert warm.captured_queries == []
        assert hints.sound_alikes == uncached.sound_alikes
        assert hints.corrections == uncached.corrections
        assert titles(search_notes(viewer=None, query="huoguo")) == ["Weekend dinner"]

    def test_a_stale_order_is_ranked_again_by_one_request_while_others_serve_it(
        self, after_commit: AfterCommit, post_note: PostNote, settings: Any, monkeypatch: Any
    ) -> None:
        settings.HONGSHU = settings.HONGSHU.model_copy(update={"search_cache_seconds": 10})
        cache.clear()
        clock = [1_000_000.0]
        monkeypatch.setattr("hongshu.search.selectors.time", SimpleNamespace(time=lambda: clock[0]))
        nina = _member("nina")
        with after_commit():
            post_note(nina, title="Ramen night")
        assert titles(search_notes(viewer=None, query="ramen")) == ["Ramen night"]
        with after_commit():
            post_note(nina, title="More ramen")
        clock[0] += 11  # stale now; another request is ranking it again (holds the lock)
        lock = ranked_cache_key("ramen", sort="relevance", media="all", deep=False) + ":lock"
        assert cache.add(lock, 1, timeout=10)
        assert titles(search_notes(viewer=None, query="ramen")) == ["Ramen night"]  # served stale
        cache.delete(lock)
        assert titles(search_notes(viewer=None, query="ramen")) == ["More ramen", "Ramen night"]
        assert cache.add(lock, 1, timeout=10)  # the request that ranked it again released the lock
        assert titles(search_notes(viewer=None, query="ramen")) == ["More ramen", "Ramen night"]  # fresh

    def test_the_page_carries_the_counts_it_was_ranked_with(
        self, after_commit: AfterCommit, post_note: PostNote
    ) -> None:
        nina, ann = _member("nina"), _member("ann")
        with after_commit():
            liked = post_note(nina, title="Dumpling party")
            plain = post_note(nina, title="Dumpling recipe")
        like_create(user=ann, note_id=liked.pk)
        for sort in ("relevance", "latest", "likes"):
            page = search_notes(viewer=None, query="dumpling", sort=sort)
            assert {i: c.likes for i, c in page.counts.items()} == {liked.pk: 1, plain.pk: 0}, sort

    def test_notes_the_policy_hides_at_the_top_do_not_empty_the_page(
        self, after_commit: AfterCommit, post_note: PostNote
    ) -> None:
        nina, ann, bob = _member("nina"), _member("ann"), _member("bob")
        with after_commit():
            older = [post_note(bob, title=f"tofu {i}") for i in range(3)]
            for i in range(45):  # newer, so ranked first, and more than the policy's first look
                post_note(nina, title=f"tofu {i}")
        block_create(blocker=ann, blocked=nina)
        page = search_notes(viewer=ann, query="tofu", limit=20)
        assert {n.pk for n in page.items} == {n.pk for n in older}
        assert page.next_offset is None
        assert len(search_notes(viewer=None, query="tofu", limit=20).items) == 20

    def test_bad_input_never_raises(self, after_commit: AfterCommit, post_note: PostNote) -> None:
        with after_commit():
            post_note(_member("nina"), title="near or and not")
        for query in ["", "a" * 10_000, "!!!", "🔥", '"', "*", "NEAR(", "OR", ":", "\x00\x1b", "title:x"]:
            assert search_notes(viewer=None, query=query, limit=10_000, offset=-5).items is not None


class TestMembersAndTopics:
    def test_members_by_handle_name_and_pinyin(self, after_commit: AfterCommit) -> None:
        with after_commit():
            cook = _member("chef_li", display_name="火锅大王")
            _member("someone", display_name="Someone Else")
        for query in ("chef", "火锅", "huoguo", "hgdw", "HG", "火鍋"):
            assert [u.pk for u in search_members(viewer=None, query=query).items] == [cook.pk], query

    def test_profile_change_reindexes_and_blocks_hide(self, after_commit: AfterCommit) -> None:
        with after_commit():
            mia, ann = _member("mia"), _member("ann")
        with after_commit():
            account_update_profile(user=mia, display_name="小米")
        assert [u.handle for u in search_members(viewer=None, query="xiaomi").items] == ["mia"]
        block_create(blocker=mia, blocked=ann)
        assert search_members(viewer=ann, query="xiaomi").items == []

    def test_private_accounts_are_still_findable(self, after_commit: AfterCommit) -> None:
        with after_commit():
            mia = _member("mia")
        account_set_privacy(user=mia, is_private=True)
        assert [u.handle for u in search_members(viewer=None, query="mia").items] == ["mia"]

    def test_topics_and_suggestions(self, after_commit: AfterCommit, post_note: PostNote) -> None:
        with after_commit():
            nina = _member("huang", display_name="Huang")
            post_note(nina, title="今晚 #火锅", body="#hotpot")
        assert [t.name for t in search_topics(query="huoguo").items] == ["火锅"]
        assert [t.name for t in search_topics(query="hg").items] == ["火锅"]
        kinds = {(s.kind, s.value) for s in suggest_terms(viewer=None, prefix="h")}
        assert {("topic", "火锅"), ("topic", "hotpot"), ("member", "huang")} <= kinds

    def test_member_topic_and_suggest_queries_are_bounded(
        self, after_commit: AfterCommit, post_note: PostNote, count_queries: Any
    ) -> None:
        def run() -> tuple[int, int]:
            with count_queries() as queries:
                found = len(search_members(viewer=viewer, query="cook").items)
                found += len(suggest_terms(viewer=viewer, prefix="cook", limit=20))
            return found, len(queries.captured_queries)

        with after_commit():
            viewer = _member("viewer")
            post_note(_member("cook0"), title="#cooking")
        small = run()
        with after_commit():
            for i in range(1, 9):
                post_note(_member(f"cook{i}"), title=f"#cooking{i}")
        large = run()
        assert large[0] > small[0]
        assert large[1] == small[1] <= 9
