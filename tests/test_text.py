"""HTML to plain paragraphs and media: captions, cards and furniture kept out of the body."""

import time

from feedtui.extract.text import fragment_content, is_furniture


def test_paragraphs_inline_markup_and_line_breaks():
    content = fragment_content("<p>One <b>bold</b> <a href='/x'>link</a>.</p><p>Two<br>Three</p>")
    assert content.paragraphs == ["One bold link.", "Two", "Three"]
    assert content.media == []


def test_caption_and_alt_text_become_media_not_body():
    content = fragment_content(
        "<p>Body.</p><figure><img src='/p.jpg' alt='Alt words'><figcaption>Rescuers at work "
        "(Photo: Agency)</figcaption></figure><img src='/q.jpg' alt='A lone picture'>",
        base_url="https://e.com/",
    )
    assert content.paragraphs == ["Body."]
    assert [(m.kind, m.caption) for m in content.media] == [
        ("image", "Rescuers at work (Photo: Agency)"),
        ("image", "A lone picture"),
    ]


def test_read_also_cards_become_linked_media():
    content = fragment_content(
        "<p>Body.</p>"
        "<aside class='related-card'><a href='/story'><img src='i.jpg'><h3>Card headline</h3></a></aside>"
        "<p>Read also: <a href='/other'>Another story</a></p>"
        "<a href='/third'><img src='t.jpg'>Third card</a>"
    )
    assert content.paragraphs == ["Body."]
    assert [(m.kind, m.title, m.url) for m in content.media] == [
        ("card", "Card headline", "/story"),
        ("card", "Another story", "/other"),
        ("card", "Third card", "/third"),
    ]


def test_furniture_is_dropped():
    content = fragment_content(
        "<p>Real news.</p><p>Read more</p><p>Follow our live feed for updates</p>"
        "<p>Sign in to comment</p><p>We use cookies to improve your experience.</p>"
        "<div class='share-buttons'>Facebook Twitter</div><p>12 comments</p>"
        "<script>var liveblog = true;</script><style>.liveblog{}</style>"
    )
    assert content.paragraphs == ["Real news."]


def test_furniture_detection_is_not_greedy():
    assert is_furniture("Read more")
    assert is_furniture("Follow our live coverage here")
    assert not is_furniture("Rescue workers read more than 200 names at the memorial on Sunday.")
    assert not is_furniture("Follow-up inspections found cracks in the dam, the ministry said.")


def test_plain_text_splits_at_blank_lines():
    assert fragment_content("one\n\n two \n\nthree").paragraphs == ["one", "two", "three"]


def test_deep_nesting_does_not_recurse():
    html = "<div>" * 5000 + "deep text" + "</div>" * 5000
    started = time.monotonic()
    assert fragment_content(html).paragraphs == ["deep text"]
    assert time.monotonic() - started < 5


def test_leading_text_stays_inside_its_element():
    # The walk climbs back up after a childless element; it must stop at the element itself
    # (selectolax hands out a new wrapper per access, so identity never matches) instead of
    # reading on into the text that follows it.
    from selectolax.lexbor import LexborHTMLParser

    from feedtui.extract.text import _leading_text

    tree = LexborHTMLParser('<p><a href="/p"><img src="i.jpg"></a> Text after the link</p>'
                            '<div><span><br></span></div><p>Read also: elsewhere</p>')
    assert _leading_text(tree.css_first("a")) == ""
    assert _leading_text(tree.css_first("div")) == ""


def test_image_link_followed_by_text_is_a_picture_not_a_card():
    content = fragment_content('<p><a href="https://e.com/p"><img src="https://e.com/i.jpg" alt="A quay">'
                               '</a> Boats wait at the quay.</p>', "https://e.com/")
    assert content.paragraphs == ["Boats wait at the quay."]
    assert [m.kind for m in content.media] == ["image"]
