/// HTML element kinds the strip stage distinguishes; everything else is `.other` (inline).
enum StripTag: UInt8, Sendable {
    case text, other
    case html, head, body, title, meta, link, base
    case script, style, noscript, template, svg, math, iframe, object, embed, canvas
    case select, option, textarea, button, input, form, label, fieldset, legend
    case a, p, div, span, section, article, main, header, footer, nav, aside
    case h1, h2, h3, h4, h5, h6
    case ul, ol, li, dl, dt, dd, menu
    case table, thead, tbody, tfoot, tr, td, th, caption
    case blockquote, pre, code, br, hr, img, figure, figcaption, picture, video, audio
    case time, address, center, details, summary, dialog, font, b, strong, em, i, small

    /// Maps a lower-case element name as libxml2 reports it.
    static func named(_ name: String) -> StripTag {
        stripTagNames[name] ?? .other
    }

    /// Subtrees that never carry article text (code, media, widgets, form controls).
    /// `noscript` is not among them: an unclosed tag inside it can pull the rest of the page
    /// in, so small ones are dropped later by size instead.
    var isSkipped: Bool {
        switch self {
        case .script, .style, .template, .svg, .math, .iframe, .object, .embed,
             .canvas, .select, .option, .textarea, .button, .input, .dialog, .video, .audio:
            return true
        default:
            return false
        }
    }

    /// Names of the skipped elements the markup module drops while copying the page (`script`
    /// is dropped there in any case, after its JSON-LD is kept).
    static let droppedElementNames: Set<String> = Set(stripTagNames.filter { $0.value.isSkipped && $0.value != .script }.keys)

    /// Elements that start a new paragraph in the extracted text.
    var isBlock: Bool {
        switch self {
        case .html, .head, .body, .p, .div, .section, .article, .main, .header, .footer, .nav,
             .aside, .h1, .h2, .h3, .h4, .h5, .h6, .ul, .ol, .li, .dl, .dt, .dd, .menu,
             .table, .thead, .tbody, .tfoot, .tr, .td, .th, .caption, .blockquote, .pre, .hr,
             .figure, .figcaption, .form, .fieldset, .legend, .address, .center, .details,
             .summary, .dialog, .title:
            return true
        default:
            return false
        }
    }

    /// Children that stop a `<div>` from counting as one paragraph (Readability's DIV_TO_P).
    var breaksDivParagraph: Bool {
        switch self {
        case .blockquote, .dl, .div, .img, .ol, .p, .pre, .table, .ul, .section, .article,
             .main, .header, .footer, .nav, .aside, .h1, .h2, .h3, .h4, .h5, .h6, .figure,
             .form, .li, .address, .center, .details, .menu, .fieldset:
            return true
        default:
            return false
        }
    }

    var isHeading: Bool {
        switch self {
        case .h1, .h2, .h3, .h4, .h5, .h6: return true
        default: return false
        }
    }
}

private let stripTagNames: [String: StripTag] = {
    var table: [String: StripTag] = [:]
    let all: [StripTag] = [
        .html, .head, .body, .title, .meta, .link, .base, .script, .style, .noscript, .template,
        .svg, .math, .iframe, .object, .embed, .canvas, .select, .option, .textarea, .button,
        .input, .form, .label, .fieldset, .legend, .a, .p, .div, .span, .section, .article,
        .main, .header, .footer, .nav, .aside, .h1, .h2, .h3, .h4, .h5, .h6, .ul, .ol, .li,
        .dl, .dt, .dd, .menu, .table, .thead, .tbody, .tfoot, .tr, .td, .th, .caption,
        .blockquote, .pre, .code, .br, .hr, .img, .figure, .figcaption, .picture, .video,
        .audio, .time, .address, .center, .details, .summary, .dialog, .font, .b, .strong,
        .em, .i, .small,
    ]
    for tag in all { table[String(describing: tag)] = tag }
    return table
}()
