"""app.ingest.html: HTML fragments, as feeds carry them, into plain paragraphs."""

import pytest

from app.ingest.html import html_to_paragraphs

# --- html_to_paragraphs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<h1>Head</h1>body <b>bold</b>", "Head\n\nbody bold"),
        ("a<br>b<br/>c", "a\n\nb\n\nc"),
        ("<blockquote>Quote</blockquote>after", "Quote\n\nafter"),
        ("<p>  spaced \n\t out  </p>", "spaced out"),
        ("&lt;not a tag&gt; &amp; &eacute;t&#233; &#x263A;", "<not a tag> & été ☺"),
        ("<p>x</p><script>var a = '<p>no</p>';</script><p>y</p>", "x\n\ny"),
        ("<noscript><p>enable JS</p></noscript>kept", "kept"),
        ("<style>.a{}</style><p>unclosed <script>gone", "unclosed"),
        ("<![weird[ kept", "<![weird[ kept"),
        ("", ""),
    ],
)
def test_html_to_paragraphs(html, text):
    assert html_to_paragraphs(html) == text
