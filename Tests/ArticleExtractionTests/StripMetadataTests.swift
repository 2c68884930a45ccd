import Foundation
import Testing
@testable import ArticleExtraction
@testable import MarkupTree
@testable import NewsText

@Suite("Strip: metadata and provenance")
struct StripMetadataTests {
    @Test func jsonLDGivesHeadlineAuthorsDatesAndPublisher() throws {
        let article = try stripArticle("metadata-jsonld.html", url: "https://energydesk.example/x?id=1")
        #expect(article.title == "Offshore wind farm approved after long review")
        #expect(article.provenance["title"] == "json-ld")
        #expect(article.authors == ["Ines Almeida", "Tom Berger"])
        #expect(article.provenance["authors"] == "json-ld")
        #expect(article.published == "2026-03-02T08:30:00+01:00")
        #expect(article.modified == "2026-03-03T10:00:00Z")
        #expect(article.provenance["published"] == "json-ld")
        #expect(article.siteName == "Energy Desk")
        #expect(article.canonical == "https://www.energydesk.example/news/wind-farm-approved")
        #expect(article.site == "energydesk.example")
        #expect(article.language == "en")
        #expect(article.provenance["language"] == "detector" || article.provenance["language"] == "meta")
    }

    @Test func openGraphAndMetaTags() throws {
        let article = try stripArticle("metadata-og.html")
        #expect(article.title == "Neue Brücke über den Fluss eröffnet")
        #expect(article.provenance["title"] == "og:title")
        #expect(article.siteName == "Stadtanzeiger")
        #expect(article.authors == ["Petra Schulz"])
        #expect(article.provenance["authors"] == "meta:author")
        #expect(article.published == "2026-05-20T06:00:00Z")
        #expect(article.provenance["published"] == "article:published_time")
        #expect(article.modified == "2026-05-21T09:15:00+02:00")
        #expect(article.language == "de")
        #expect(article.provenance["language"] == "html-lang")
        #expect(article.description == "Nach zwei Jahren Bauzeit ist die Brücke offen.")
        #expect(article.canonical == "https://www.stadtanzeiger.example/lokales/bruecke")
        #expect(article.site == "stadtanzeiger.example")
    }

    @Test func fallsBackToH1TimeAndDetector() throws {
        let article = try stripArticle("metadata-fallback.html")
        #expect(article.title == "Bibliothek verlängert die Öffnungszeiten")
        #expect(article.provenance["title"] == "h1")
        #expect(article.published == "2026-02-11")
        #expect(article.provenance["published"] == "time")
        #expect(article.language == "de")
        #expect(article.provenance["language"] == "detector")
        #expect(!article.text.contains("Klaus Weber"))
    }

    @Test func titleTagWithoutSiteSuffix() {
        #expect(stripSiteSuffix("Ferry timetable changes for winter | Harbour News", siteName: nil)
                == "Ferry timetable changes for winter")
        #expect(stripSiteSuffix("Ferry timetable - a long story about boats", siteName: nil)
                == "Ferry timetable - a long story about boats")
    }

    @Test func visibleDateline() throws {
        let article = try stripArticle("dateline.html")
        #expect(article.published == "2026-04-13")
        #expect(article.provenance["published"] == "dateline")
        #expect(!article.text.contains("April 13, 2026"))
        #expect(article.title == "Museum reopens its east wing")
        #expect(article.provenance["title"] == "title-tag")
    }

    @Test func dateFormats() {
        #expect(StripDateParser.iso("2026-04-13T08:00:00.000Z") == "2026-04-13T08:00:00Z")
        #expect(StripDateParser.iso("13 April 2026") == "2026-04-13")
        #expect(StripDateParser.iso("Apr. 13, 2026 10:02 am") == "2026-04-13")
        #expect(StripDateParser.iso("13.04.2026") == "2026-04-13")
        #expect(StripDateParser.iso("no date here") == nil)
    }
}

/// `stripFind` (the title separators' search) finds what Foundation's `range(of:)` finds.
@Suite struct StripFindTests {
    @Test func findsWhatFoundationFinds() {
        let pieces = [" ", "|", "-", "—", "–", ":", "·", "»", "/", "a", "Z", "é", "e\u{301}", "\u{301}", "中", "👍🏽", "🇫🇷", "\u{200B}", "\n"]
        let needles = [" | ", " - ", " — ", " – ", " :: ", " · ", " » ", " // ", ": "]
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % bound }
        for _ in 0 ..< 4000 {
            let text = (0 ..< next(24)).map { _ in pieces[next(pieces.count)] }.joined()
            for needle in needles {
                #expect(stripFind(needle, in: text) == text.range(of: needle), "\(text.debugDescription) \(needle.debugDescription)")
                #expect(stripFind(needle, in: text, backwards: true) == text.range(of: needle, options: .backwards),
                        "\(text.debugDescription) \(needle.debugDescription) backwards")
            }
        }
        #expect(stripFind(" | ", in: "Rates rise | Harbour News | Home", backwards: true).map { "Rates rise | Harbour News | Home"[$0.upperBound...] } == "Home")
        #expect(stripFind("", in: "abc") == nil)
    }
}
