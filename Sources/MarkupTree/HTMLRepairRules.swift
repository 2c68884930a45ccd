/// How the streaming parser repairs tag soup: the rules of libxml2 2.9's HTML parser (the front
/// end the extractor's thresholds were tuned on), so pages get the tree they always got.
///
/// - A start tag first closes open elements it implicitly ends (`htmlStartClose`: `<p>` ends an
///   open `<p>`, `<li>` an open `<li>`, `<td>` an open `<td>` …), one at a time from the current
///   element, as long as the current element is one it ends.
/// - A misplaced end tag closes the elements above its match only when none of them has a higher
///   "end priority" (`htmlEndPriority`: a stray `</b>` never closes a `<div>` or a table cell);
///   an end tag with no open match is ignored.
/// - `<html>`, `<head>` and `<body>` are implied where the page leaves them out.
///
/// HTML5's void elements are void here too (libxml2 2.9 knows only HTML4's), so `<source>` or
/// `<wbr>` never swallow their following siblings.
enum HTMLRepairRules {
    /// Element names the rules mention, each with a small id (0 = any other name).
    static let knownNames: [String] = [
        "", "a", "abbr", "acronym", "address", "b", "base", "bdo", "big", "blockquote", "body", "br",
        "caption", "center", "cite", "code", "col", "colgroup", "dd", "dfn", "dir", "div", "dl", "dt", "em",
        "fieldset", "font", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr",
        "html", "i", "iframe", "img", "kbd", "legend", "li", "link", "listing", "map", "menu", "meta",
        "noframes", "noscript", "ol", "optgroup", "option", "p", "pre", "q", "s", "samp", "script", "small",
        "span", "strike", "strong", "style", "sub", "sup", "table", "tbody", "td", "textarea", "tfoot",
        "th", "thead", "title", "tr", "tt", "u", "ul", "var", "xmp",
    ]

    static let idOfName: [String: Int] = {
        var ids: [String: Int] = [:]
        for (id, name) in knownNames.enumerated() where !name.isEmpty { ids[name] = id }
        return ids
    }()

    static func id(_ name: String) -> Int { idOfName[name] ?? 0 }

    /// libxml2's `htmlStartClose`, grouped by the open element: which start tags end it.
    private static let startClose: [(open: String, closedBy: [String])] = [
        ("a", ["a", "fieldset", "table", "td", "th"]),
        ("address", ["dd", "dl", "dt", "form", "li", "ul"]),
        ("b", ["center", "p", "td", "th"]),
        ("big", ["p"]),
        ("caption", ["col", "colgroup", "tbody", "tfoot", "thead", "tr"]),
        ("col", ["col", "colgroup", "tbody", "tfoot", "thead", "tr"]),
        ("colgroup", ["colgroup", "tbody", "tfoot", "thead", "tr"]),
        ("dd", ["dt"]),
        ("dir", ["dd", "dl", "dt", "form", "ul"]),
        ("dl", ["form", "li"]),
        ("dt", ["dd", "dl"]),
        ("font", ["center", "td", "th"]),
        ("form", ["form"]),
        ("h1", ["fieldset", "form", "li", "p", "table"]),
        ("h2", ["fieldset", "form", "li", "p", "table"]),
        ("h3", ["fieldset", "form", "li", "p", "table"]),
        ("h4", ["fieldset", "form", "li", "p", "table"]),
        ("h5", ["fieldset", "form", "li", "p", "table"]),
        ("h6", ["fieldset", "form", "li", "p", "table"]),
        ("head", ["a", "abbr", "acronym", "address", "b", "bdo", "big", "blockquote", "body", "br", "center",
                  "cite", "code", "dd", "dfn", "dir", "div", "dl", "dt", "em", "fieldset", "font", "form",
                  "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "iframe", "img", "kbd", "li",
                  "listing", "map", "menu", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike",
                  "strong", "sub", "sup", "table", "tt", "u", "ul", "var", "xmp"]),
        ("hr", ["form"]),
        ("i", ["center", "p", "td", "th"]),
        ("legend", ["fieldset"]),
        ("li", ["li"]),
        ("link", ["body", "frameset"]),
        ("listing", ["dd", "dl", "dt", "fieldset", "form", "li", "table", "ul"]),
        ("menu", ["dd", "dl", "dt", "form", "ul"]),
        ("ol", ["form"]),
        ("option", ["optgroup", "option"]),
        ("p", ["address", "blockquote", "body", "caption", "center", "col", "colgroup", "dd", "dir", "div",
               "dl", "dt", "fieldset", "form", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr",
               "li", "listing", "menu", "ol", "p", "pre", "table", "tbody", "td", "tfoot", "th", "title",
               "tr", "ul", "xmp"]),
        ("pre", ["dd", "dl", "dt", "fieldset", "form", "li", "table", "ul"]),
        ("s", ["p"]),
        ("script", ["noscript"]),
        ("small", ["p"]),
        ("span", ["td", "th"]),
        ("strike", ["p"]),
        ("style", ["body", "frameset"]),
        ("tbody", ["tbody", "tfoot"]),
        ("td", ["tbody", "td", "tfoot", "th", "tr"]),
        ("tfoot", ["tbody"]),
        ("th", ["tbody", "td", "tfoot", "th", "tr"]),
        ("thead", ["tbody", "tfoot"]),
        ("title", ["body", "frameset"]),
        ("tr", ["tbody", "tfoot", "tr"]),
        ("tt", ["p"]),
        ("u", ["p", "td", "th"]),
        ("ul", ["address", "form", "menu", "pre"]),
        ("xmp", ["dd", "dl", "dt", "fieldset", "form", "li", "table", "ul"]),
    ]

    /// `closes[open * count + new]`: a start tag `new` ends an open `open`.
    static let closes: [Bool] = {
        let count = knownNames.count
        var table = Array(repeating: false, count: count * count)
        for (open, closers) in startClose {
            for closer in closers { table[id(open) * count + id(closer)] = true }
        }
        return table
    }()

    /// libxml2's `htmlEndPriority`: an end tag closes only elements of lower or equal priority.
    static func endPriority(_ name: String) -> Int {
        switch name {
        case "div": return 150
        case "td", "th": return 160
        case "tr": return 170
        case "thead", "tbody", "tfoot": return 180
        case "table": return 190
        case "head", "body": return 200
        case "html": return 220
        default: return 100
        }
    }

    /// Elements without content (HTML4's and HTML5's void elements).
    static let voidElements: Set<String> = [
        "area", "base", "basefont", "br", "col", "embed", "frame", "hr", "img", "input", "isindex", "keygen",
        "link", "meta", "param", "source", "track", "wbr",
    ]

    /// Elements whose content is raw text up to their end tag (no markup, no references).
    static let rawTextElements: Set<String> = ["script", "style", "xmp"]
    /// Elements whose content is text with character references up to their end tag; when the end
    /// tag never comes they are parsed as ordinary elements (as libxml2 does).
    static let escapableTextElements: Set<String> = ["title", "textarea"]
    /// Elements that belong in `<head>` when they come before any content (libxml2 implies a head).
    static let headElements: Set<String> = ["script", "style", "meta", "link", "title", "base"]
}
