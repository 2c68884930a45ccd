import Foundation
import Testing
@testable import MarkupTree

/// The streaming HTML parser (`HTMLTree.FrontEnd.streaming`, the default) against libxml2's DOM
/// parse, which it replaces for speed: same trees on the strip fixtures, the same repairs of tag
/// soup, character references, raw-text elements, dropped and hidden subtrees. (MarkupTree has no
/// test target of its own; these run with `swift test --filter MarkupTreeTests`.)
@Suite struct MarkupTreeTests {
    static let options = HTMLTree.Options(attributes: ["class", "id", "href"], droppedElements: ["style", "noscript"],
                                          scriptTypes: ["ld+json"], dropsHidden: true)

    func parse(_ html: String, _ frontEnd: HTMLTree.FrontEnd = .streaming) -> HTMLTree? {
        HTMLTree.parse(utf8: Array(html.utf8), options: Self.options, frontEnd: frontEnd)
    }

    func outline(_ html: String, _ frontEnd: HTMLTree.FrontEnd = .streaming) -> String {
        parse(html, frontEnd)?.outline() ?? "<no tree>"
    }

    /// The text of every text node, in order, joined by "|".
    func texts(_ tree: HTMLTree) -> String {
        (0 ..< tree.count).compactMap { i in
            tree.name(i) == nil ? String(decoding: tree.textBytes(i), as: UTF8.self) : nil
        }.joined(separator: "|")
    }

    @Test(arguments: ["boilerplate.html", "seed-layout.html", "metadata-jsonld.html", "metadata-og.html",
                      "metadata-fallback.html", "section-front.html", "dateline.html", "login-wall.html", "error-page.html"])
    func sameOutlineAsLibxml2OnTheFixtures(_ name: String) throws {
        let url = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/strip/" + name)
        let html = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        MarkupLibrary.prepare()
        #expect(outline(html) == outline(html, .libxml2))
    }

    @Test func repairsTagSoupLikeLibxml2() {
        for soup in ["<p>one<p>two<div>three</p>four", "<ul><li>a<li>b</ul><p>c", "<b><i>x</b>y</i>z",
                     "<table><tr><td>1<td>2<tr><td>3</table>", "text before <html><body>after", "<p>unclosed <span>span",
                     "<h1>head<h2>sub</h1>tail", "<a href=x>link <a href=y>other</a>"] {
            MarkupLibrary.prepare()
            #expect(outline(soup) == outline(soup, .libxml2), "differs on \(soup)")
        }
    }

    @Test func decodesCharacterReferences() throws {
        // As HTML5 says: unknown names stay as written; legacy names (&copy, &not) need no ";" in text.
        let tree = try #require(parse("<p>caf&eacute; &amp; cr&#232;me &#x2014; AT&T &lt;b&gt; &nbsp;x &qqq; &copy 2026 &notit</p>"))
        #expect(texts(tree) == "café & crème — AT&T <b> \u{A0}x &qqq; © 2026 ¬it")
    }

    @Test func attributesQuotedUnquotedAndWithReferences() throws {
        let tree = try #require(parse("<div class=lead id='a1' href=\"/x?a=1&amp;b=2\">t</div>"))
        let div = try #require((0 ..< tree.count).first { tree.name($0) == "div" })
        #expect(tree.attribute(div, "class") == "lead")
        #expect(tree.attribute(div, "id") == "a1")
        #expect(tree.attribute(div, "href") == "/x?a=1&b=2")
    }

    @Test func scriptsStylesCommentsAndHiddenSubtreesLeaveNoText() throws {
        let html = """
            <html><head><style>p { color: red }</style>
            <script type="application/ld+json">{"headline": "a < b"}</script>
            <script>var x = "</p>not text";</script></head>
            <body><!-- a comment <p>inside</p> --><p>kept</p><div hidden>gone</div>
            <div style="display:none">gone too</div><noscript>no</noscript><p aria-hidden="true">hidden</p></body></html>
            """
        let tree = try #require(parse(html))
        let text = texts(tree).split(separator: "|").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        #expect(text == ["kept"])
        #expect(tree.scripts == ["{\"headline\": \"a < b\"}"])
    }

    @Test func anyBytesGiveATreeAndDeepNestingIsCapped() throws {
        for junk in ["", "<", "</>", "<!--", "<![CDATA[x", "<p", "&#xFFFFFFFF;", "<a b='", "\u{0}\u{1}<p>\u{FFFD}"] {
            #expect(parse(junk) != nil, "no tree for \(junk.debugDescription)")
        }
        let deep = String(repeating: "<div>", count: 20_000) + "bottom"
        let tree = try #require(parse(deep))
        #expect(tree.count <= HTMLStreamParser.maxDepth + 10)
        #expect(texts(tree).contains("bottom"))
    }

    @Test func sameBytesSameTree() {
        let html = "<html><body><article><h1>T</h1><p>One &amp; two.</p><p>Three</article></body></html>"
        #expect(outline(html) == outline(html))
    }
}
