"""Generated syndication feeds for comparing two feed parsers: mostly plain RSS 2.0 items
(what a columnar fast path takes) with, here and there, everything that could make a fast
path read them differently: duplicate or missing elements, namespaced look-alikes, attributes,
child elements, CDATA, entities (declared, undeclared, predefined), comments, xml:base, odd
whitespace, Atom and RDF items, unusual dates, hostile characters, other encodings.

`feed(rng)` draws one document (bytes) from a random.Random (or hypothesis' st.randoms()).
"""

from __future__ import annotations

import random

_WORDS = ["minister", "talks", "border", "Read more", "also", "cookie", "Share", "related", "»",
          "storm", "12 comments", "x", "naïve", "Zürich", "ſ", "İ", "\u202e", "\u200b", "  ", "\t",
          "–", "AT&amp;T", "&lt;b&gt;", "&amp;amp;", "&#8217;", "&#x27;", "&#xA0;", "\u0301\u0301",
          "Follow us", "newsletter", "Advertisement", "a", "B", "1", "2024", "📰", "\u00a0"]
_HTML_TAGS = ["<p>", "</p>", "<br>", "<br/>", "<b>", "</b>", "<a href=\"https://e.com/x\">", "</a>",
              "<a href=/rel>", "<img src=\"/i.jpg\" alt=\"Pic\">", "<figure>", "</figure>",
              "<figcaption>", "</figcaption>", "<div>", "</div>", "<ul><li>", "</li></ul>",
              "<span class=\"share\">", "</span>", "<script>x</script>", "<!-- c -->", "<h2>",
              "</h2>", "<i>", "</i>", "<table><tr><td>", "<blockquote>", "</blockquote>",
              "<p class=\"read-more\">", "<hr>", "<em>", "</em>"]
_DATES = ["Thu, 14 Mar 2024 18:00:00 GMT", "Thu, 14 Mar 2024 18:00:00 +0000",
          "Wed, 13 Mar 2024 09:30:00 -0500", "14 Mar 2024 18:00 GMT", "Thu, 14 Mar 2024 18:00:00 EST",
          "2024-03-14T18:00:00Z", "2024-03-14T18:00:00+01:00", "2024-03-14 18:00:00",
          "Thu, 31 Feb 2024 18:00:00 GMT", "yesterday", "", " ", "1710439200", "Thu,14 Mar 2024 18:00:00 GMT",
          "Thu, 14 Mar 2024 18:00:60 GMT", "Thu, 14 mar 2024 18:00:00 GMT", "Thu, 14 Mär 2024 18:00:00 MEZ",
          "Thu, 14 Mar 2024 25:00:00 GMT", "Thu, 14 Mar 2024 18:00:00 +2400", "Sun, 01 Jan 0001 00:00:00 +0100",
          "Fri, 15 Mar 2024 01:02:03 +0530", "Thu, 14 Mar 24 18:00:00 GMT", "Thu, 14 Mar 2024 18:00:00 Z",
          "Thu, 14 Mar 2024 18:00:00 UT", "14 Mar 2024 18:00:00 +0000 (UTC)", "Thu, 14 Mar 2024\t18:00:00 GMT"]
_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "atom": "http://www.w3.org/2005/Atom",
    "x": "http://example.com/other",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
}


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _words(rng: random.Random, n: int | None = None) -> str:
    n = rng.randint(0, 8) if n is None else n
    return " ".join(rng.choice(_WORDS) for _ in range(n))


def _plain_text(rng: random.Random) -> str:
    """Text as it appears inside an element (already XML-escaped where it must be)."""
    words = [rng.choice(["minister", "talks", "border", "storm", "vote", "AT&amp;T", "x"])
             for _ in range(rng.randint(1, 6))]
    return " ".join(words)


def _html(rng: random.Random, odd: bool) -> str:
    """HTML of a description, unescaped."""
    parts = []
    for _ in range(rng.randint(0, 10)):
        if rng.random() < 0.4:
            parts.append(rng.choice(_HTML_TAGS[:10] if not odd else _HTML_TAGS))
        else:
            parts.append(_words(rng, rng.randint(1, 5)) if odd else _plain_text(rng).replace("&amp;", "&"))
    if not odd or rng.random() < 0.5:
        return "<p>" + "".join(parts) + "</p>"
    return "".join(parts)


def _description(rng: random.Random, odd: bool) -> str:
    body = _html(rng, odd)
    form = rng.random() if odd else rng.random() * 0.9
    if form < 0.55:
        return _esc(body)
    if form < 0.8:
        return "<![CDATA[" + body.replace("]]>", "") + "]]>"
    if form < 0.9:
        return _plain_text(rng)
    return rng.choice([
        "", " ", "<![CDATA[]]>", "&amp;lt;p&amp;gt;double&amp;lt;/p&amp;gt;", "<p>naked <b>markup</b></p>",
        "a<![CDATA[<p>b</p>]]>c", "&nbsp;x", "&ndash;", "&#8217;s", "x &unknown; y", "<!-- only -->",
        "text\n\nmore text", "&lt;![CDATA[x]]&gt;", "<x:div xmlns:x='http://www.w3.org/1999/xhtml'>xh</x:div>",
        "line<br/>break", "\x1b[31mred", "&#27;[2J", "&#1;", "]]&gt;",
    ])


def _plain_item(rng: random.Random, i: int, ns: set[str]) -> list[str]:
    kids = []
    if rng.random() < 0.95:
        kids.append(f"<title>{_plain_text(rng)} {i}</title>")
    if rng.random() < 0.9:
        kids.append(f"<link>https://news.example.com/story/{i}</link>")
    if rng.random() < 0.85:
        perma = rng.choice(["", ' isPermaLink="false"', ' isPermaLink="true"'])
        value = rng.choice([f"urn:x:{i}", f"https://news.example.com/s/{i}", f"{i}"])
        kids.append(f"<guid{perma}>{value}</guid>")
    if rng.random() < 0.9:
        kids.append(f"<pubDate>{rng.choice(_DATES[:8])}</pubDate>")
    if rng.random() < 0.3:
        kids.append(f"<dc:creator>Reporter {i % 7}</dc:creator>")
        ns.add("dc")
    if rng.random() < 0.3:
        kids.append(f"<author>r{i}@example.com (Reporter {i})</author>")
    if rng.random() < 0.2:
        kids.append("<category>World</category>")
    if rng.random() < 0.2:
        kids.append(f'<media:thumbnail url="https://news.example.com/t/{i}.jpg" width="140"/>')
        ns.add("media")
    if rng.random() < 0.1:
        kids.append(f'<enclosure url="/a/{i}.mp3" type="audio/mpeg" length="1"/>')
    if rng.random() < 0.9:
        kids.append(f"<description>{_description(rng, False)}</description>")
    if rng.random() < 0.1:
        kids.append(f"<comments>https://news.example.com/c/{i}</comments>")
    rng.shuffle(kids) if rng.random() < 0.2 else None
    return kids


_ODD_CHILDREN = [
    "<title>second title</title>", "<title></title>", "<title> </title>", "<title type='html'>&lt;b&gt;T&lt;/b&gt;</title>",
    "<title>T <b>bold</b> tail</title>", "<title><![CDATA[<i>cdata</i> &amp; title]]></title>",
    "<link>  </link>", "<link href='https://e.com/alt' rel='alternate'/>", "<link>/relative/path</link>",
    "<link>javascript:alert(1)</link>", "<link>https://e.com/a b</link>", "<link><b>x</b></link>",
    "<atom:link href='https://e.com/atom' rel='alternate'/>", "<atom:link href='/self' rel='self'/>",
    "<guid></guid>", "<guid isPermaLink='false'>dup</guid>", "<guid> https://e.com/g </guid>",
    "<guid><b>g</b></guid>", "<x:title>other ns title</x:title>", "<x:guid>other</x:guid>",
    "<content:encoded><![CDATA[<p>Full <b>content</b> here, much longer than the summary text.</p>]]></content:encoded>",
    "<content:encoded></content:encoded>", "<encoded>bare encoded</encoded>",
    "<dc:date>2024-03-15T10:00:00Z</dc:date>", "<dc:date>not a date</dc:date>", "<published>2024-01-01T00:00:00Z</published>",
    "<updated>2024-03-16T10:00:00Z</updated>", "<modified>2024-03-16</modified>", "<pubDate></pubDate>",
    "<pubDate>  Thu, 14 Mar 2024 18:00:00 GMT  </pubDate>", "<pubDate><b>x</b></pubDate>",
    "<description>second description, longer than the first one by quite a bit of text</description>",
    "<description type='text'>typed text</description>", "<description type='application/octet-stream'>aGVsbG8=</description>",
    "<description mode='base64'>PHA+aGk8L3A+</description>", "<description src='x'/>",
    "<summary>a summary</summary>", "<itunes:summary>itunes summary text</itunes:summary>",
    "<media:content url='https://e.com/v.mp4' medium='video'><media:title>V</media:title></media:content>",
    "<media:group><media:content url='/g.jpg'/><media:description>cap</media:description></media:group>",
    "<enclosure url='https://e.com/p.png'/>", "<enclosure url=''/>", "<media:thumbnail url='/t.jpg'/>",
    "<author><name>Named</name></author>", "<dc:creator></dc:creator>", "<itunes:author>Pod</itunes:author>",
    "<creator>bare creator</creator>", "<id>urn:id:1</id>", "<body>body element</body>",
    "<xhtml:body xmlns:xhtml='http://www.w3.org/1999/xhtml'><p>xhtml body</p></xhtml:body>",
    "<undeclared:title>undeclared prefix</undeclared:title>", "<content:encoded>no ns decl</content:encoded>",
    "<!-- a comment -->", "<?pi data?>", "text directly in item", "<TITLE>upper</TITLE>", "<Link>https://e.com/L</Link>",
    "<title xml:lang='en'>with lang</title>", "<link xml:base='https://other.example/'>rel</link>",
    "<description>&nbsp;undeclared entity</description>", "<description>&amp;nbsp;escaped entity</description>",
    "<title>&#x1b;[31mred</title>", "<title>\u202eRTL</title>", "<description>\x0bcontrol</description>",
    # fields over several lines, which a check of a whole column joined by line breaks must see
    "<link>https://e.com/a\nhttps://e.com/b</link>", "<guid>https://e.com/g\n\nhttps://e.com/h</guid>",
    "<title>two\nlines &amp;amp; more</title>", "<title>a&#10;b</title>", "<dc:creator>one\ntwo</dc:creator>",
    "<pubDate>Thu, 14 Mar 2024\n18:00:00 GMT</pubDate>", "<title> spaced  out </title>", "<guid>caf\u0065\u0301</guid>",
]


def _odd_item(rng: random.Random, i: int, ns: set[str]) -> list[str]:
    kids = _plain_item(rng, i, ns)
    for _ in range(rng.randint(1, 3)):
        odd = rng.choice(_ODD_CHILDREN)
        for prefix in ("dc", "media", "content", "atom", "x", "itunes"):
            if f"<{prefix}:" in odd:
                ns.add(prefix)
        name = odd[1:].split(">", 1)[0].split(" ", 1)[0]
        same = [at for at, kid in enumerate(kids) if kid.startswith((f"<{name}>", f"<{name} "))]
        if same and rng.random() < 0.6:  # instead of its plain twin: the item may stay plain
            kids[rng.choice(same)] = odd
        else:
            kids.insert(rng.randint(0, len(kids)), odd)
    if rng.random() < 0.3:
        kids = [k.replace("<description>", "<description>" + _description(rng, True), 1) if k.startswith("<description>")
                else k for k in kids]
    return kids


def _item_markup(rng: random.Random, i: int, ns: set[str], odd: bool) -> str:
    kids = _odd_item(rng, i, ns) if odd else _plain_item(rng, i, ns)
    sep = rng.choice(["\n  ", "", " ", "\n\t"]) if odd else "\n  "
    attrs = ""
    if odd and rng.random() < 0.2:
        attrs = rng.choice([' rdf:about="https://e.com/about"', ' xml:base="https://base.example/dir/"',
                            ' id="x"', ' xmlns="http://purl.org/rss/1.0/"'])
    tag = "item"
    if odd and rng.random() < 0.05:
        tag = rng.choice(["entry", "atom:entry", "ITEM"])
        if tag == "atom:entry":
            ns.add("atom")
    return f"<{tag}{attrs}>{sep}" + sep.join(kids) + f"\n</{tag}>"


def feed(rng: random.Random, max_items: int = 12) -> bytes:
    """One generated feed document."""
    ns: set[str] = set()
    odd_rate = rng.choice([0.0, 0.0, 0.05, 0.2, 0.6])
    items = []
    count = rng.randint(0, max_items)
    base_dup = rng.random() < 0.1
    for i in range(count):
        odd = rng.random() < odd_rate
        items.append(_item_markup(rng, i % 3 if base_dup else i, ns, odd))
    channel_extra = []
    if rng.random() < 0.5:
        channel_extra.append(f"<title>{_plain_text(rng)}</title>")
    if rng.random() < 0.3:
        channel_extra.append(f"<ttl>{rng.choice(['15', '0', 'x', '99999', ' 60 '])}</ttl>")
    if rng.random() < 0.1:
        channel_extra.append("<skipHours><hour>1</hour><hour>24</hour></skipHours><skipDays><day>Monday</day></skipDays>")
    if rng.random() < 0.1:
        channel_extra.append("<managingEditor>ed@example.com (Ed)</managingEditor>")
    shape = rng.random()
    if odd_rate and rng.random() < 0.15:
        shape = rng.choice([0.91, 0.93, 0.95, 0.97, 0.99])
    for prefix in list(ns):
        pass
    decls = "".join(f' xmlns:{p}="{_NS[p]}"' for p in sorted(ns) if rng.random() < (0.97 if not odd_rate else 0.85))
    body_items = "\n".join(items)
    if shape < 0.9:
        doc = (f'<rss version="2.0"{decls}>\n<channel>\n' + "\n".join(channel_extra) + "\n"
               + body_items + "\n</channel>\n</rss>\n")
    elif shape < 0.92:  # RSS 1.0
        doc = (f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"{decls}>'
               f"<channel>{''.join(channel_extra)}</channel>{body_items}</rdf:RDF>")
    elif shape < 0.94:  # items outside the channel, or in a wrapper
        doc = f'<rss{decls}><channel>{"".join(channel_extra)}</channel><wrap>{body_items}</wrap></rss>'
    elif shape < 0.96:  # Atom root holding RSS-looking items
        doc = f'<feed xmlns="http://www.w3.org/2005/Atom"{decls}>{body_items.replace("<item", "<entry").replace("</item>", "</entry>")}</feed>'
    elif shape < 0.98:  # a default namespace on rss
        doc = f'<rss xmlns="http://backend.userland.com/rss2"{decls}><channel>{body_items}</channel></rss>'
    else:  # two channels, or a truncated document
        doc = f'<rss{decls}><channel>{body_items}</channel><channel>{body_items[:len(body_items) // 2]}</channel></rss>'
        if rng.random() < 0.5:
            doc = doc[: rng.randint(0, len(doc))]
    prolog = rng.choice(['<?xml version="1.0" encoding="UTF-8"?>\n', "", '<?xml version="1.0"?>',
                         "\ufeff<?xml version='1.0' encoding='utf-8'?>", "<!-- top -->\n"])
    if odd_rate and rng.random() < 0.1:
        prolog = rng.choice([
            '<?xml version="1.0" encoding="ISO-8859-1"?>\n',
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY ent "expanded">]>',
            '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            '"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
        ])
        if "ENTITY" in prolog:
            doc = doc.replace("<title>", "<title>&ent; ", 1)
    text = prolog + doc
    encoding = "utf-8"
    if "ISO-8859-1" in prolog:
        encoding = "latin-1"
    elif odd_rate and rng.random() < 0.03:
        encoding = "utf-16"
    return text.encode(encoding, errors="replace")


def feeds(seed: int, count: int, max_items: int = 12) -> list[bytes]:
    rng = random.Random(seed)
    return [feed(rng, max_items) for _ in range(count)]
