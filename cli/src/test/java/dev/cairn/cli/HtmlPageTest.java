package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlPageTest {
    @Test
    void markdownIsRenderedAndRawHtmlIsEscaped() {
        String html = HtmlPage.markdown("""
                # Title <b>
                Some **bold** and *italic* and `<code>` text.
                <script>alert(1)</script>

                - one
                - two [site](https://example.org/a?b=1&c=2)
                1. first

                | a | b |
                |---|---|
                | 1 | <img src=x onerror=alert(1)> |

                ```
                <raw>
                ```
                [bad](javascript:alert(1))
                """);
        assertThat(html).contains("<h1>Title &lt;b&gt;</h1>")
                .contains("<strong>bold</strong>").contains("<em>italic</em>").contains("<code>&lt;code&gt;</code>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script")
                .contains("<ul>\n<li>one</li>").contains("<ol>\n<li>first</li>")
                .contains("<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer\">site</a>")
                .contains("<th>a</th>").contains("<td>&lt;img src=x onerror=alert(1)&gt;</td>").doesNotContain("<img")
                .contains("<pre><code>&lt;raw&gt;\n</code></pre>")
                .contains("bad (javascript:alert(1))").doesNotContain("href=\"javascript");
    }

    @Test
    void csvBecomesAnEscapedTable() {
        assertThat(HtmlPage.csvTable("x,\"y, z\"\n1,<b>\n")).isEqualTo("<table><tr><th>x</th><th>y, z</th></tr><tr><td>1</td><td>&lt;b&gt;</td></tr></table>\n");
    }

    @Test
    void attributeBreakingCharactersAreEscaped() {
        assertThat(HtmlPage.escape("\"'<>&")).isEqualTo("&quot;&#39;&lt;&gt;&amp;");
    }
}
